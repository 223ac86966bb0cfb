// End-to-end: .keyhound.toml, allowlists, inline allows, baselines, .keyhoundignore, bad input.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "e2e_util.h"

using namespace e2e;
using nlohmann::json;

namespace {

// One AWS key pair in a small file, with `extra` lines around it.
std::string key_file(unsigned seed, const std::string& before = "", const std::string& after = "") {
  return before + "aws_access_key_id = " + fake_key_id(seed) + "\naws_secret_access_key = " + fake_secret(seed) +
         "\n" + after;
}

json scan_json(const std::string& args, int* rc = nullptr, std::string* err = nullptr) {
  auto r = run(kh() + " scan --format json " + args);
  if (rc) *rc = r.exit_code;
  if (err) *err = r.err;
  if (r.exit_code == 2) return json();
  return json::parse(r.out);
}

int count_unsuppressed(const json& j) {
  int n = 0;
  for (auto& f : j["findings"])
    if (!f["suppressed"].get<bool>()) ++n;
  return n;
}

void write_config(const std::string& dir, const std::string& toml) { write_file(dir + "/.keyhound.toml", toml); }

}  // namespace

TEST(ConfigE2E, PathAllowlistSkipsFilesAndCountsThem) {
  std::string d = make_temp_dir();
  run("mkdir -p " + d + "/pkg/testdata/deep " + d + "/src");
  write_file(d + "/pkg/testdata/deep/k.env", key_file(1));
  write_file(d + "/src/app.lock", key_file(2));
  write_file(d + "/src/app.env", key_file(3));
  write_config(d, "[[allowlist]]\ndescription = \"fixtures\"\npaths = [\"**/testdata/**\", \"*.lock\"]\n");
  int rc;
  json j = scan_json(d, &rc);
  EXPECT_EQ(rc, 1);
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump();
  EXPECT_NE(j["findings"][0]["path"].get<std::string>().find("src/app.env"), std::string::npos);
  EXPECT_EQ(j["summary"]["skipped"]["allowlisted path"].get<int>(), 2) << j["summary"].dump();
  // --no-config sees everything; --config names another file.
  j = scan_json("--no-config " + d);
  EXPECT_EQ(j["findings"].size(), 3u);
  std::string other = make_temp_dir() + "/other.toml";
  write_file(other, "[[allowlist]]\npaths = [\"src/\"]\n");
  j = scan_json("--config " + other + " " + d);
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_NE(j["findings"][0]["path"].get<std::string>().find("testdata"), std::string::npos);
}

TEST(ConfigE2E, EachAllowlistKindSuppressesAndIsVisible) {
  std::string d = make_temp_dir();
  write_file(d + "/a.env", key_file(11));
  std::string id = fake_key_id(11);
  json base = scan_json(d);
  ASSERT_EQ(base["findings"].size(), 1u);
  std::string fp = base["findings"][0]["fingerprint"];
  struct Case {
    std::string toml;
    std::string why;
  };
  std::vector<Case> cases = {
      {"secrets = ['^" + id.substr(0, 8) + "']", "secret"},
      {"lines = ['aws_access_key_id\\s*=']", "line"},
      {"fingerprints = ['" + fp + "']", "fingerprint"},
      {"stopwords = ['" + id.substr(6, 6) + "']", "stopword"},
      {"paths = ['a.env']\nrules = ['aws-access-key-id']", "path"},  // scoped: suppresses, not skips
  };
  for (auto& c : cases) {
    write_config(d, "[[allowlist]]\ndescription = 'reviewed'\n" + c.toml + "\n");
    int rc;
    std::string err;
    json j = scan_json("--show-suppressed " + d, &rc, &err);
    ASSERT_EQ(rc, 0) << c.toml << "\n" << err;
    ASSERT_EQ(j["findings"].size(), 1u) << c.toml;
    auto& f = j["findings"][0];
    EXPECT_TRUE(f["suppressed"].get<bool>()) << c.toml;
    EXPECT_EQ(f["suppression_kind"], "external");
    std::string reason = f["suppression_reason"];
    EXPECT_NE(reason.find("reviewed"), std::string::npos) << reason;
    EXPECT_NE(reason.find(c.why), std::string::npos) << reason;
    EXPECT_EQ(j["summary"]["suppressed"].get<int>(), 1);
    EXPECT_EQ(j["summary"]["findings"].get<int>(), 0);
    // Without --show-suppressed the finding is not listed but still counted.
    j = scan_json(d);
    EXPECT_EQ(j["findings"].size(), 0u);
    EXPECT_EQ(j["summary"]["suppressed"].get<int>(), 1);
  }
}

TEST(ConfigE2E, AllowlistScopedToOtherRuleDoesNotApply) {
  std::string d = make_temp_dir();
  write_file(d + "/a.env", key_file(12));
  write_config(d, "[[allowlist]]\nrules = ['github-pat-classic']\nlines = ['aws']\n");
  EXPECT_EQ(count_unsuppressed(scan_json(d)), 1);
  write_config(d, "[[allowlist]]\nrules = ['aws-access-key-id']\nlines = ['aws']\n");
  EXPECT_EQ(count_unsuppressed(scan_json(d)), 0);
  // condition = "AND": every criterion must hold.
  write_config(d, "[[allowlist]]\ncondition = 'AND'\npaths = ['a.env']\nlines = ['no-such-text']\n");
  EXPECT_EQ(count_unsuppressed(scan_json(d)), 1);
  write_config(d, "[[allowlist]]\ncondition = 'AND'\npaths = ['a.env']\nlines = ['aws']\n");
  EXPECT_EQ(count_unsuppressed(scan_json(d)), 0);
}

TEST(ConfigE2E, CustomRuleAndDisable) {
  std::string d = make_temp_dir();
  std::string tok = "acme_" + fake_secret(21).substr(0, 30);
  for (auto& c : tok)
    if (c == '/' || c == '+') c = 'x';
  write_file(d + "/t.txt", "token: " + tok + "\n" + key_file(21));
  write_config(d,
               "disable = []\n[[rule]]\nid = 'acme-token'\nname = 'Acme token'\nkeywords = ['acme_']\n"
               "regex = '''\\b(acme_[A-Za-z0-9]{30})\\b'''\nseverity = 'medium'\n");
  json j = scan_json(d);
  std::set<std::string> ids;
  for (auto& f : j["findings"]) ids.insert(f["rule_id"]);
  EXPECT_TRUE(ids.count("acme-token")) << j.dump();
  EXPECT_TRUE(ids.count("aws-access-key-id"));
  write_config(d, "disable = ['aws-access-key-id', 'aws-secret-access-key']\n");
  j = scan_json(d);
  for (auto& f : j["findings"]) EXPECT_NE(f["rule_id"], "aws-access-key-id");
}

TEST(ConfigE2E, InlineMarkerInManyCommentSyntaxes) {
  std::vector<std::string> wrappers = {
      "aws_access_key_id = {K}  # keyhound:allow",
      "const k = \"{K}\"; // keyhound:allow test fixture",
      "char *k = \"{K}\"; /* keyhound:allow */",
      "SELECT '{K}'; -- keyhound:allow",
      "<key>{K}</key> <!-- keyhound:allow -->",
      "key = {K} ; keyhound:allow",
      "REM keyhound:allow\r\nSET K={K} & REM keyhound:allow",
      "k = '{K}' % keyhound:allow",
  };
  std::string d = make_temp_dir();
  std::string content;
  int n = 0;
  for (auto& w : wrappers) {
    std::string line = w;
    std::string id = fake_key_id(100 + n++);
    line.replace(line.find("{K}"), 3, id);
    content += "aws context line\n" + line + "\n\n\n\n\n\n\n\n";
  }
  write_file(d + "/mixed.txt", content);
  json j = scan_json("--show-suppressed --no-config " + d);
  ASSERT_EQ(j["findings"].size(), wrappers.size()) << j.dump(1);
  for (auto& f : j["findings"]) {
    EXPECT_TRUE(f["suppressed"].get<bool>()) << f.dump();
    EXPECT_EQ(f["suppression_kind"], "inSource");
  }
  EXPECT_EQ(j["summary"]["findings"].get<int>(), 0);
  EXPECT_EQ(j["summary"]["suppressed"].get<int>(), static_cast<int>(wrappers.size()));
  // Text output lists them with --show-suppressed and counts them in the summary.
  auto r = run(kh() + " scan --show-suppressed " + d);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("suppressed: inline keyhound:allow"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(std::to_string(wrappers.size()) + " suppressed"), std::string::npos) << r.out;
}

TEST(ConfigE2E, BaselineRoundTrip) {
  std::string d = make_temp_dir(), out = make_temp_dir();
  write_file(d + "/cfg.ini", key_file(31, "[section]\nname = app\n", "timeout = 5\n"));
  write_file(d + "/other.txt", "nothing here\n");
  std::string bl = out + "/baseline.json";
  auto r = run(kh() + " scan --baseline-out " + bl + " " + d);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  struct stat st;
  ASSERT_EQ(::stat(bl.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  json b = json::parse(read_file(bl));
  EXPECT_EQ(b["keyhound_baseline"], 1);
  ASSERT_EQ(b["findings"].size(), 1u);
  auto& e = b["findings"][0];
  EXPECT_EQ(e["rule_id"], "aws-access-key-id");
  EXPECT_EQ(e["line"], 3);
  EXPECT_EQ(read_file(bl).find(fake_key_id(31)), std::string::npos) << "baseline secrets are redacted";
  EXPECT_NE(e["secret"].get<std::string>().find("****"), std::string::npos);
  EXPECT_EQ(e["fingerprint"].get<std::string>().size(), 32u);
  EXPECT_TRUE(b.contains("fingerprint_hashes"));

  // Reformat unrelated lines and move the key down: nothing new.
  write_file(d + "/cfg.ini", key_file(31, "# header\n\n[section]\n  name   =   app\nretries = 3\n\n", "timeout=10\n"));
  write_file(d + "/other.txt", "still nothing\nat all\n");
  json j = scan_json("--baseline " + bl + " --show-suppressed " + d);
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["baseline_state"], "unchanged");
  EXPECT_EQ(j["findings"][0]["line"], 7);
  EXPECT_EQ(j["summary"]["findings"].get<int>(), 0);
  r = run(kh() + " scan --baseline " + bl + " " + d);
  EXPECT_EQ(r.exit_code, 0) << r.out;

  // The same tree scanned under another name (relative vs absolute) fingerprints the same.
  r = run("cd " + d + " && " + kh() + " scan --baseline " + bl + " .");
  EXPECT_EQ(r.exit_code, 0) << r.out;

  // Add a key: exactly one new.
  write_file(d + "/new.env", key_file(32));
  int rc;
  j = scan_json("--baseline " + bl + " " + d, &rc);
  EXPECT_EQ(rc, 1);
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["baseline_state"], "new");
  EXPECT_EQ(j["summary"]["findings"].get<int>(), 1);
  EXPECT_EQ(j["summary"]["suppressed"].get<int>(), 1);

  // Re-writing the baseline with an old one in play keeps the old entries.
  std::string bl2 = out + "/baseline2.json";
  r = run(kh() + " scan --baseline " + bl + " --baseline-out " + bl2 + " " + d);
  EXPECT_EQ(json::parse(read_file(bl2))["findings"].size(), 2u);
}

TEST(ConfigE2E, KeyhoundIgnoreFile) {
  std::string d = make_temp_dir();
  write_file(d + "/a.env", key_file(41));
  write_file(d + "/b.env", key_file(42));
  json j = scan_json(d);
  ASSERT_EQ(j["findings"].size(), 2u);
  std::string fp = j["findings"][0]["fingerprint"];
  write_file(d + "/.keyhoundignore", "# reviewed 2024: rotated\n\n" + fp + "   # a.env\n");
  j = scan_json("--show-suppressed " + d);
  EXPECT_EQ(j["summary"]["findings"].get<int>(), 1);
  EXPECT_EQ(j["summary"]["suppressed"].get<int>(), 1);
  for (auto& f : j["findings"])
    if (f["fingerprint"] == fp) {
      EXPECT_TRUE(f["suppressed"].get<bool>());
      EXPECT_NE(f["suppression_reason"].get<std::string>().find(".keyhoundignore"), std::string::npos);
    }
  // --no-config ignores it.
  EXPECT_EQ(scan_json("--no-config " + d)["summary"]["findings"].get<int>(), 2);
}

TEST(ConfigE2E, SarifSuppressionsAndBaselineStateValidate) {
  if (!have_jsonschema()) GTEST_SKIP() << "python3-jsonschema not installed";
  std::string d = make_temp_dir(), out = make_temp_dir();
  write_file(d + "/a.env", key_file(51));
  std::string bl = out + "/bl.json";
  run(kh() + " scan --baseline-out " + bl + " " + d);
  write_file(d + "/b.env", key_file(52));
  write_file(d + "/c.env", "aws_access_key_id = " + fake_key_id(53) + "  # keyhound:allow\n");
  write_file(d + "/d.env", key_file(54));
  write_config(d, "[[allowlist]]\ndescription = 'd fixture'\npaths = ['d.env']\nrules = ['aws-access-key-id']\n");
  std::string sarif = out + "/r.sarif";
  auto r = run(kh() + " scan --format sarif -o " + sarif + " --baseline " + bl + " " + d);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json s = json::parse(read_file(sarif));
  std::map<std::string, json> by_file;
  for (auto& res : s["runs"][0]["results"]) {
    std::string uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    by_file[uri.substr(uri.rfind('/') + 1)] = res;
  }
  ASSERT_EQ(by_file.size(), 4u) << s.dump(1);
  EXPECT_EQ(by_file["a.env"]["baselineState"], "unchanged");
  EXPECT_EQ(by_file["a.env"]["suppressions"][0]["kind"], "external");
  EXPECT_EQ(by_file["b.env"]["baselineState"], "new");
  EXPECT_FALSE(by_file["b.env"].contains("suppressions"));
  EXPECT_EQ(by_file["c.env"]["suppressions"][0]["kind"], "inSource");
  EXPECT_EQ(by_file["d.env"]["suppressions"][0]["kind"], "external");
  EXPECT_NE(by_file["d.env"]["suppressions"][0]["justification"].get<std::string>().find("d fixture"),
            std::string::npos);
  auto v = validate_json(sarif, "sarif-schema-2.1.0.json");
  EXPECT_EQ(v.exit_code, 0) << v.out;
}

TEST(ConfigE2E, GitCommitsAllowlistAndBaselineOut) {
  if (run(kh() + " git --help").exit_code != 0) GTEST_SKIP() << "keyhound git not built";
  if (run("git --version").exit_code != 0) GTEST_SKIP() << "git not installed";
  std::string d = make_temp_dir(), out = make_temp_dir();
  std::string g = "git -C " + d + " -c user.name=t -c user.email=t@example.invalid ";
  run("git init -q " + d);
  write_file(d + "/k.env", key_file(61));
  run(g + "add k.env && " + g + "commit -qm one");
  std::string c1 = run("git -C " + d + " rev-parse HEAD").out.substr(0, 12);
  write_file(d + "/k2.env", key_file(62));
  run(g + "add k2.env && " + g + "commit -qm two");
  auto r = run(kh() + " git --format json " + d);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(json::parse(r.out)["summary"]["findings"].get<int>(), 2);
  write_file(d + "/.keyhound.toml", "[[allowlist]]\ndescription = 'old commit'\ncommits = ['" + c1 + "']\n");
  r = run(kh() + " git --format json " + d);
  json j = json::parse(r.out);
  EXPECT_EQ(j["summary"]["findings"].get<int>(), 1) << r.out << r.err;
  EXPECT_EQ(j["summary"]["suppressed"].get<int>(), 1);
  std::string bl = out + "/git-baseline.json";
  r = run(kh() + " git --baseline-out " + bl + " " + d);
  json b = json::parse(read_file(bl));
  ASSERT_EQ(b["findings"].size(), 1u) << r.err;
  EXPECT_EQ(b["findings"][0]["commit"].get<std::string>().size(), 40u);
  r = run(kh() + " git --baseline " + bl + " " + d);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

// ---- bad input: one error line naming the file, exit 2, nothing half-applied ----

namespace {
void expect_error(const std::string& args, const std::string& must_name, const std::string& must_say = "") {
  auto r = run(kh() + " scan " + args);
  EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.out << r.err;
  EXPECT_TRUE(r.out.empty()) << "no report on a bad config: " << r.out;
  EXPECT_NE(r.err.find("keyhound: error: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(must_name), std::string::npos) << r.err;
  if (!must_say.empty()) EXPECT_NE(r.err.find(must_say), std::string::npos) << r.err;
}
}  // namespace

TEST(ConfigE2E, BadConfigsFailWithFileAndLine) {
  std::string d = make_temp_dir();
  write_file(d + "/a.env", key_file(71));
  std::string cfg = d + "/.keyhound.toml";
  write_config(d, "[[allowlist]]\npaths = ['x'\n");
  expect_error(d, cfg + ":", "invalid TOML");
  write_config(d, "# comment\n[[allowlist]]\nsecrets = ['(unclosed']\n");
  expect_error(d, cfg + ":3:", "does not compile");
  write_config(d, "[[allowlist]]\nlines = ['a[']\n");
  expect_error(d, cfg + ":2:", "does not compile");
  write_config(d, "\ndisable = ['no-such-rule']\n");
  expect_error(d, cfg + ":2:", "unknown rule 'no-such-rule'");
  write_config(d, "[[allowlist]]\nrules = ['aws-access-key-id', 'nope-rule']\npaths = ['x']\n");
  expect_error(d, cfg + ":2:", "unknown rule 'nope-rule'");
  write_config(d, "[[allowlist]]\npathz = ['x']\n");
  expect_error(d, cfg + ":2:", "unknown field 'pathz'");
  write_config(d, "[[allowlist]]\ndescription = 'nothing'\n");
  expect_error(d, cfg + ":1:", "no criteria");
  write_config(d, "[[rule]]\nid = 'x-rule'\nname = 'x'\nkeywords = ['xyz_']\nregex = '(xyz_['\n");
  expect_error(d, cfg, "regex does not compile");
  write_config(d, "[[allowlist]]\nfingerprints = ['abc']\n");
  expect_error(d, cfg + ":2:", "not a finding fingerprint");
  write_config(d, "allow = 1\n");
  expect_error(d, cfg + ":1:", "unknown top-level key");
  expect_error("--config " + d + "/missing.toml " + d, d + "/missing.toml", "cannot read");
  // The same checks from `keyhound config check`.
  write_config(d, "\ndisable = ['no-such-rule']\n");
  auto r = run(kh() + " config check " + cfg);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(cfg + ":2:"), std::string::npos) << r.err;
  write_config(d, "disable = ['aws-access-key-id']\n[[allowlist]]\npaths = ['**/testdata/**']\n");
  r = run(kh() + " config check " + cfg);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("ok"), std::string::npos);
}

TEST(ConfigE2E, BadBaselinesAndIgnoreFiles) {
  std::string d = make_temp_dir(), o = make_temp_dir();
  write_file(d + "/a.env", key_file(81));
  std::string bl = o + "/bl.json";
  ASSERT_EQ(run(kh() + " scan --baseline-out " + bl + " " + d).exit_code, 1);
  std::string good = read_file(bl);
  write_file(o + "/trunc.json", good.substr(0, good.size() / 2));
  expect_error("--baseline " + o + "/trunc.json " + d, o + "/trunc.json", "truncated");
  write_file(o + "/sarif.json", "{\"version\": \"2.1.0\", \"runs\": []}\n");
  expect_error("--baseline " + o + "/sarif.json " + d, o + "/sarif.json", "not a keyhound baseline");
  write_file(o + "/text.json", "fingerprint list\n");
  expect_error("--baseline " + o + "/text.json " + d, o + "/text.json", "not a keyhound baseline");
  write_file(o + "/badfp.json", "{\"keyhound_baseline\": 1, \"findings\": [{\"fingerprint\": \"zz\"}]}");
  expect_error("--baseline " + o + "/badfp.json " + d, o + "/badfp.json", "findings[0]");
  write_file(o + "/v9.json", "{\"keyhound_baseline\": 9, \"findings\": []}");
  expect_error("--baseline " + o + "/v9.json " + d, o + "/v9.json", "version");
  expect_error("--baseline " + o + "/missing.json " + d, o + "/missing.json", "cannot read");
  write_file(d + "/.keyhoundignore", "# ok\nnot-a-fingerprint\n");
  expect_error(d, d + "/.keyhoundignore:2:", "not a finding fingerprint");
}
