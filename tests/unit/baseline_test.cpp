// Baseline files, .keyhoundignore and load_suppression's marking of findings.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "findings/baseline.h"
#include "findings/fingerprint.h"
#include "pipeline/suppression_setup.h"
#include "fake_keys.h"
#include "e2e_util.h"

using namespace keyhound;

namespace {
using keyhound_test::fake_secret;

Finding finding(const std::string& path, unsigned seed, uint64_t line = 1) {
  Finding f;
  f.rule_id = "aws-secret-access-key";
  f.secret = fake_secret(seed);
  f.line = line;
  f.line_text = "secret = " + f.secret;
  f.where.path = path;
  f.fingerprint = compute_fingerprint(f);
  return f;
}

std::string temp_dir() {
  return e2e::make_temp_dir();
}

void write(const std::string& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

std::string error_of(const std::string& text) {
  try {
    parse_baseline(text, "b.json");
  } catch (const SuppressionFileError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Fingerprint, IgnoresLineAndCommitButNotPathSecretOrRule) {
  Finding a = finding("a.env", 1, 3), b = finding("a.env", 1, 30);
  b.where.commit = "abc";
  b.line_text = "   secret=" + b.secret;
  EXPECT_EQ(compute_fingerprint(a), compute_fingerprint(b));
  EXPECT_NE(compute_fingerprint(a), compute_fingerprint(finding("b.env", 1)));
  EXPECT_NE(compute_fingerprint(a), compute_fingerprint(finding("a.env", 2)));
  Finding c = a;
  c.rule_id = "other-rule";
  EXPECT_NE(compute_fingerprint(a), compute_fingerprint(c));
  EXPECT_TRUE(is_fingerprint(compute_fingerprint(a)));
}

TEST(Baseline, RoundTripRedactedAndDeduplicated) {
  std::vector<Finding> fs = {finding("b.env", 2, 9), finding("a.env", 1, 4), finding("a.env", 1, 4)};
  fs[0].where.commit = "0123456789abcdef0123456789abcdef01234567";
  std::string text = baseline_json(fs);
  EXPECT_EQ(text.find(fs[0].secret), std::string::npos);
  EXPECT_EQ(text.find(fs[1].secret), std::string::npos);
  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["keyhound_baseline"], 1);
  ASSERT_EQ(j["findings"].size(), 2u);
  EXPECT_EQ(j["findings"][0]["path"], "a.env");
  EXPECT_EQ(j["findings"][0]["line"], 4);
  EXPECT_EQ(j["findings"][0]["rule_id"], "aws-secret-access-key");
  EXPECT_FALSE(j["findings"][0].contains("commit"));
  EXPECT_EQ(j["findings"][1]["commit"], fs[0].where.commit);
  auto set = parse_baseline(text, "b.json");
  EXPECT_EQ(set, (std::set<std::string>{fs[0].fingerprint, fs[1].fingerprint}));
}

TEST(Baseline, RejectsForeignTruncatedAndMalformed) {
  std::string good = baseline_json({finding("a", 1)});
  EXPECT_NE(error_of(good.substr(0, good.size() - 8)).find("truncated"), std::string::npos);
  EXPECT_NE(error_of("").find("truncated"), std::string::npos);
  EXPECT_NE(error_of("[1,2]").find("not a keyhound baseline"), std::string::npos);
  EXPECT_NE(error_of("{\"runs\": []}").find("not a keyhound baseline"), std::string::npos);
  EXPECT_NE(error_of("{\"keyhound_baseline\": 1}").find("findings"), std::string::npos);
  EXPECT_NE(error_of("{\"keyhound_baseline\": 2, \"findings\": []}").find("version"), std::string::npos);
  EXPECT_NE(error_of("{\"keyhound_baseline\": 1, \"findings\": [{\"fingerprint\": 5}]}").find("findings[0]"),
            std::string::npos);
  EXPECT_NE(error_of("{\n\"keyhound_baseline\": 1,\n oops }").find("b.json:3:"), std::string::npos);
  EXPECT_EQ(error_of("{\"keyhound_baseline\": 1, \"findings\": []}"), "");
}

TEST(IgnoreFile, CommentsBlanksAndCase) {
  std::string fp = finding("a", 1).fingerprint;
  std::string up = fp;
  for (auto& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  auto set = parse_ignore_file("# header\n\n  " + up + "  # why\r\n", ".keyhoundignore");
  EXPECT_EQ(set, std::set<std::string>{fp});
  try {
    parse_ignore_file("# ok\n" + fp + "\nsrc/a.env:aws:3\n", ".keyhoundignore");
    FAIL();
  } catch (const SuppressionFileError& e) {
    EXPECT_NE(std::string(e.what()).find(".keyhoundignore:3:"), std::string::npos) << e.what();
  }
}

TEST(Suppression, BaselineMarksUnchangedAndNew) {
  std::string d = temp_dir();
  Finding old = finding(d + "/a.env", 1), fresh = finding(d + "/b.env", 2);
  // The baseline holds root-relative fingerprints: what post_process computes.
  Suppression none = load_suppression({d, "", true, "", {}, true});
  Finding o2 = old;
  none.post_process(o2);
  EXPECT_EQ(o2.fingerprint, finding("a.env", 1).fingerprint);
  write(d + "/bl.json", baseline_json({o2}));
  Suppression s = load_suppression({d, "", false, d + "/bl.json", {}, true});
  EXPECT_EQ(s.baseline_fingerprints, 1u);
  s.post_process(old);
  s.post_process(fresh);
  EXPECT_EQ(old.baseline_state, BaselineState::Unchanged);
  EXPECT_TRUE(old.suppressed);
  EXPECT_EQ(old.suppression_kind, SuppressionKind::External);
  EXPECT_NE(old.suppression_reason.find("bl.json"), std::string::npos);
  EXPECT_EQ(fresh.baseline_state, BaselineState::New);
  EXPECT_FALSE(fresh.suppressed);
  // An inline allow stays inSource; the baseline state is still recorded.
  Finding inl = finding(d + "/a.env", 1);
  inl.suppressed = true;
  inl.suppression_kind = SuppressionKind::InSource;
  s.post_process(inl);
  EXPECT_EQ(inl.suppression_kind, SuppressionKind::InSource);
  EXPECT_EQ(inl.baseline_state, BaselineState::Unchanged);
  // --baseline-out keeps reported and baselined findings, not inline-allowed ones that are new.
  Finding inl_new = finding(d + "/c.env", 3);
  inl_new.suppressed = true;
  s.post_process(inl_new);
  EXPECT_EQ(baseline_findings({old, fresh, inl_new}).size(), 2u);
}

TEST(Suppression, NothingHalfAppliedOnError) {
  std::string d = temp_dir();
  write(d + "/.keyhound.toml", "[[allowlist]]\npaths = ['a']\n");
  write(d + "/bad.json", "{\"keyhound_baseline\": 1, \"findings\": [");
  EXPECT_THROW(load_suppression({d, "", false, d + "/bad.json", {}, true}), std::runtime_error);
  write(d + "/.keyhound.toml", "disable = ['no-such-rule-anywhere']\n");
  try {
    load_suppression({d, "", false, "", {}, true});
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(d + "/.keyhound.toml:1: unknown rule"), std::string::npos) << e.what();
  }
  // --no-config skips it entirely.
  Suppression s = load_suppression({d, "", true, "", {}, true});
  EXPECT_EQ(s.config_file, "");
  EXPECT_FALSE(s.exclude_path);
}

TEST(Suppression, PathAllowlistExcludesRelativeToRoot) {
  std::string d = temp_dir();
  write(d + "/.keyhound.toml", "[[allowlist]]\npaths = ['**/testdata/**', '/vendor/']\n");
  Suppression s = load_suppression({d, "", false, "", {}, true});
  ASSERT_TRUE(s.exclude_path);
  EXPECT_TRUE(s.exclude_path(d + "/pkg/testdata/"));
  EXPECT_TRUE(s.exclude_path(d + "/pkg/testdata/x.env"));
  EXPECT_TRUE(s.exclude_path(d + "/vendor/lib/x.go"));
  EXPECT_FALSE(s.exclude_path(d + "/src/vendor/x.go"));
  EXPECT_FALSE(s.exclude_path(d + "/src/x.go"));
}
