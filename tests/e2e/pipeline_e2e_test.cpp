// One pipeline for `scan` and `git`: the same cause gives the same skip word in every command
// and format, and --debug names the stages and the git reading path.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "e2e_util.h"
#include "git_e2e_util.h"

namespace {

using nlohmann::json;

std::string key_file(unsigned seed) {
  return "aws_access_key_id = " + e2e::fake_key_id(seed) + "\naws_secret_access_key = " + e2e::fake_secret(seed) + "\n";
}

// A repository whose config allowlists vendor/, holding a key there and one outside.
std::string repo_with_allowlisted_file() {
  std::string d = gite2e::new_repo();
  gite2e::commit_file(d, ".keyhound.toml", "[[allowlist]]\npaths = [\"/vendor/\"]\n");
  gite2e::commit_file(d, "vendor/creds", key_file(1));
  gite2e::commit_file(d, "app/creds", key_file(2));
  return d;
}

TEST(PipelineE2E, ScanAndGitNameAnAllowlistedPathAlike) {
  std::string d = repo_with_allowlisted_file();
  auto scan = e2e::run(e2e::kh() + " scan --format json " + e2e::shell_quote(d));
  ASSERT_EQ(scan.exit_code, 1) << scan.err;
  json s = json::parse(scan.out);
  int git_rc = -1;
  json g = gite2e::kh_git_json(e2e::shell_quote(d), &git_rc);
  ASSERT_EQ(git_rc, 1);
  EXPECT_EQ(s["summary"]["skipped"]["allowlisted path"], 1) << s["summary"].dump();
  EXPECT_EQ(g["summary"]["skipped"]["allowlisted path"], 1) << g["summary"].dump();
  EXPECT_FALSE(g["summary"]["skipped"].contains("excluded path"));
  // Text and SARIF use the same word.
  auto text = e2e::run(e2e::kh() + " git " + e2e::shell_quote(d));
  EXPECT_NE((text.out + text.err).find("allowlisted path 1"), std::string::npos) << text.out << text.err;
  auto sarif = e2e::run(e2e::kh() + " git --format sarif " + e2e::shell_quote(d));
  json sa = json::parse(sarif.out);
  EXPECT_EQ(sa["runs"][0]["properties"]["skipped"]["allowlisted path"], 1) << sarif.out;
}

TEST(PipelineE2E, DebugPrintsEveryStageAndTheGitReadingPath) {
  std::string d = repo_with_allowlisted_file();
  gite2e::git(d, "gc -q");
  auto r = e2e::run(e2e::kh() + " git --debug --quiet " + e2e::shell_quote(d));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  for (const char* stage : {"setup", "scan", "finish", "baseline", "verify", "report"})
    EXPECT_NE(r.err.find(std::string("keyhound: debug: stage ") + stage + ": "), std::string::npos) << stage << "\n" << r.err;
  EXPECT_NE(r.err.find("keyhound: debug: git reading path: "), std::string::npos) << r.err;
  // Without --debug, nothing of it.
  auto quiet = e2e::run(e2e::kh() + " git --quiet " + e2e::shell_quote(d));
  EXPECT_EQ(quiet.err.find("debug"), std::string::npos) << quiet.err;
  auto scan = e2e::run(e2e::kh() + " scan --debug --quiet " + e2e::shell_quote(d));
  EXPECT_NE(scan.err.find("keyhound: debug: stage report: "), std::string::npos) << scan.err;
  EXPECT_EQ(scan.err.find("git reading path"), std::string::npos) << scan.err;
}

}  // namespace
