// End-to-end: gitleaks configs given to --config (rules, allowlists of every kind, [extend]),
// `config check` on them, gitleaks:allow comments and .gitleaksignore.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "git_e2e_util.h"
#include "fake_keys.h"

using namespace e2e;
using nlohmann::json;

namespace {

// A made-up token format "kht_" + 24 letters and digits, built at run time.
std::string token(unsigned seed) {
  std::mt19937 g(seed);
  return "kht_" + keyhound_test::random_from(g, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 24);
}

const char* kConfig = R"TOML(
title = "team gitleaks config"

[[rules]]
id = "kh-test-token"
description = "Test token"
regex = '''\b(kht_[A-Za-z0-9]{24})\b'''
secretGroup = 1
entropy = 3.0
keywords = ["kht_"]

  [[rules.allowlists]]
  description = "fixtures say so on the line"
  regexTarget = "line"
  regexes = ['''FIXTURE''']

[[rules]]
id = "kh-assigned-token"
description = "Token assigned to deploy_token"
regex = '''deploy_token\s*=\s*"([A-Za-z0-9]{20,})"'''
keywords = ["deploy_token"]
path = '''\.cfg$'''

[[rules]]
id = "kh-short-keyword"
description = "Short keyword, derived from the regex"
regex = '''zq-marker-([0-9]{8})'''
keywords = ["zq"]

[[rules]]
id = "kh-p12-file"
description = "A PKCS#12 file, by name"
path = '''\.p12$'''

[allowlist]
description = "global"
paths = ['''(^|/)vendor/''']
stopwords = ["notasecret"]

[[allowlists]]
description = "docs with both markers"
condition = "AND"
targetRules = ["kh-test-token"]
paths = ['''\.md$''']
regexes = ['''^kht_0''']
)TOML";

std::string setup(std::string* dir) {
  std::string d = make_temp_dir();
  write_file(d + "/gitleaks.toml", kConfig);
  write_file(d + "/app.env", "TOKEN=" + token(1) + "\n");                                   // found
  write_file(d + "/fixture.env", "TOKEN=" + token(2) + "  # FIXTURE\n");                    // rule allowlist (line)
  write_file(d + "/vendor/lib.env", "TOKEN=" + token(3) + "\n");                            // global path allowlist
  write_file(d + "/allowed.env", "TOKEN=" + token(4) + " # gitleaks:allow\n");              // inline marker
  write_file(d + "/deploy.cfg", "deploy_token = \"" + token(5).substr(4) + "\"\n");         // path-scoped rule: found
  write_file(d + "/deploy.txt", "deploy_token = \"" + token(6).substr(4) + "\"\n");         // outside its path
  write_file(d + "/marker.txt", "zq-marker-70391846\n");                                    // derived keyword
  *dir = d;
  return d + "/gitleaks.toml";
}

json scan_json(const std::string& dir, const std::string& cfg, const std::string& extra = "") {
  auto r = run(kh() + " scan --format json --show-suppressed --config " + cfg + " " + extra + " " + dir);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  return json::parse(r.out);
}

}  // namespace

TEST(GitleaksConfig, RulesAndAllowlistsTranslateAndRun) {
  std::string d;
  std::string cfg = setup(&d);
  json j = scan_json(d, cfg);
  std::map<std::string, std::pair<std::string, bool>> by_file;  // file -> (rule, suppressed)
  for (auto& f : j["findings"]) {
    std::string p = f["path"];
    by_file[p.substr(p.rfind('/') + 1)] = {f["rule_id"], f["suppressed"]};
  }
  // Only the config's rules run (no [extend] useDefault): the built-in AWS rules are off.
  for (auto& [file, rs] : by_file) EXPECT_EQ(rs.first.rfind("kh-", 0), 0u) << file << " " << rs.first;
  EXPECT_EQ(by_file["app.env"], std::make_pair(std::string("kh-test-token"), false));
  EXPECT_EQ(by_file["fixture.env"], std::make_pair(std::string("kh-test-token"), true));
  EXPECT_EQ(by_file["allowed.env"], std::make_pair(std::string("kh-test-token"), true));
  EXPECT_EQ(by_file.count("lib.env"), 0u) << "vendor/ is skipped as a whole, as gitleaks does";
  EXPECT_EQ(by_file["deploy.cfg"], std::make_pair(std::string("kh-assigned-token"), false));
  EXPECT_EQ(by_file["deploy.txt"], std::make_pair(std::string("kh-assigned-token"), true));
  EXPECT_EQ(by_file["marker.txt"], std::make_pair(std::string("kh-short-keyword"), false));
  EXPECT_EQ(j["summary"]["findings"], 3);
}

TEST(GitleaksConfig, ConfigCheckExplainsWhatIsNotExact) {
  std::string d;
  std::string cfg = setup(&d);
  auto r = run(kh() + " config check " + cfg);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("rule 'kh-p12-file'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("matches files by name only"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rule 'kh-short-keyword'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("derived from its regex (zq-marker-)"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("rule 'kh-test-token'"), std::string::npos) << "an exact rule was listed: " << r.out;
  EXPECT_NE(r.out.find("2 of 4 rule(s) and 3 of 3 allowlist(s) translated exactly; 3 rule(s) run (no built-in rules)"),
            std::string::npos) << r.out;
}

TEST(GitleaksConfig, ExtendUseDefaultKeepsTheBuiltInRules) {
  std::string d = make_temp_dir();
  write_file(d + "/gitleaks.toml", std::string("[extend]\nuseDefault = true\n") +
                                       "[[rules]]\nid = \"kh-test-token\"\nregex = '''(kht_[A-Za-z0-9]{24})'''\n"
                                       "keywords = [\"kht_\"]\n");
  write_file(d + "/a.env", "TOKEN=" + token(7) + "\naws_access_key_id = " + fake_key_id(71) +
                               "\naws_secret_access_key = " + fake_secret(71) + "\n");
  json j = scan_json(d, d + "/gitleaks.toml");
  std::set<std::string> rules;
  for (auto& f : j["findings"]) rules.insert(f["rule_id"]);
  EXPECT_TRUE(rules.count("kh-test-token"));
  EXPECT_TRUE(rules.count("aws-access-key-id"));
  auto r = run(kh() + " config check " + d + "/gitleaks.toml");
  EXPECT_NE(r.out.find("useDefault"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("with keyhound's built-in rules"), std::string::npos) << r.out;
}

TEST(GitleaksConfig, GitleaksignoreSuppressesByGitleaksFingerprint) {
  std::string d;
  std::string cfg = setup(&d);
  // Scanned from inside the folder, as gitleaks is run: paths (and fingerprints) are relative.
  auto r = run("cd " + shell_quote(d) + " && " + kh() + " scan --format gitleaks --config gitleaks.toml .");
  json arr = json::parse(r.out);
  std::string fp;
  for (auto& f : arr)
    if (f["File"].get<std::string>().find("app.env") != std::string::npos) fp = f["Fingerprint"];
  ASSERT_FALSE(fp.empty()) << r.out;
  // The fingerprint is relative to the scanned folder, as gitleaks writes it.
  EXPECT_EQ(fp, "app.env:kh-test-token:1");
  write_file(d + "/.gitleaksignore", "# reviewed\n" + fp + "\n");
  json j = scan_json(d, cfg);
  for (auto& f : j["findings"])
    if (f["path"].get<std::string>().find("app.env") != std::string::npos) {
      EXPECT_TRUE(f["suppressed"].get<bool>());
      EXPECT_NE(f["suppression_reason"].get<std::string>().find(".gitleaksignore"), std::string::npos);
    }
}

TEST(GitleaksConfig, MalformedConfigsGiveOneLineNamingTheFile) {
  std::string d = make_temp_dir();
  write_file(d + "/bad.toml", "title = \"x\"\n[[rules]]\nid = \"r\"\nregex = '''(a'''\nkeywords = [\"abc\"]\n"
                              "[[rules]]\ndescription = \"no id\"\n");
  auto r = run(kh() + " scan --config " + d + "/bad.toml " + d);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bad.toml:6: [[rules]] without an id"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// gitleaks' own default config (config/gitleaks.toml of its repository) is not part of this
// repository; point KEYHOUND_GITLEAKS_DEFAULT_CONFIG at a copy to measure the translation rate.
TEST(GitleaksConfig, DefaultGitleaksConfigTranslatesAtLeast95Percent) {
  const char* path = std::getenv("KEYHOUND_GITLEAKS_DEFAULT_CONFIG");
  if (!path) GTEST_SKIP() << "KEYHOUND_GITLEAKS_DEFAULT_CONFIG not set (gitleaks' config/gitleaks.toml)";
  auto r = run(kh() + " config check " + shell_quote(path));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto pos = r.out.find("gitleaks config: ");
  ASSERT_NE(pos, std::string::npos) << r.out;
  unsigned exact = 0, total = 0;
  ASSERT_EQ(std::sscanf(r.out.c_str() + pos, "gitleaks config: %u of %u rule(s)", &exact, &total), 2);
  EXPECT_GE(exact * 100, total * 95) << r.out;
}
