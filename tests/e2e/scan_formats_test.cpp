// End-to-end: output formats, the bundled examples, odd inputs, determinism, rule commands.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "e2e_util.h"

using namespace e2e;
using nlohmann::json;

namespace {
std::string pair_file(unsigned seed) {
  return "aws_access_key_id = " + fake_key_id(seed) + "\naws_secret_access_key = " + fake_secret(seed) + "\n";
}
}  // namespace

TEST(ScanFormats, JsonParsesAndCarriesSummary) {
  std::string d = make_temp_dir();
  write_file(d + "/a.env", pair_file(11));
  auto r = run(kh() + " scan --format json " + d);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json j = json::parse(r.out);
  ASSERT_EQ(j["findings"].size(), 1u);
  auto& f = j["findings"][0];
  EXPECT_EQ(f["rule_id"], "aws-access-key-id");
  EXPECT_EQ(f["line"], 1);
  EXPECT_EQ(f["kind"], "long-term");
  EXPECT_TRUE(f.contains("aws_account_id"));
  EXPECT_EQ(f["parts"][0]["role"], "secret_access_key");
  EXPECT_EQ(f["fingerprint"].get<std::string>().size(), 32u);
  EXPECT_EQ(j["summary"]["files_scanned"], 1);
  EXPECT_EQ(j["summary"]["findings"], 1);
}

TEST(ScanFormats, JsonlIsOneFindingPerLine) {
  std::string d = make_temp_dir();
  write_file(d + "/a.env", pair_file(12));
  write_file(d + "/b.env", pair_file(13));
  auto r = run(kh() + " scan --format jsonl " + d);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  std::istringstream in(r.out);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    json j = json::parse(line);
    EXPECT_EQ(j["rule_id"], "aws-access-key-id");
    ++n;
  }
  EXPECT_EQ(n, 2);
}

TEST(ScanFormats, SarifValidatesAgainstTheOasisSchema) {
  if (!have_jsonschema()) GTEST_SKIP() << "python3-jsonschema not installed";
  std::string d = make_temp_dir();
  write_file(d + "/a.env", pair_file(14));
  write_file(d + "/bin.dat", std::string("\x00\x01\x02", 3) + "token " + fake_key_id(15) + std::string("\x00", 1));
  auto r = run(kh() + " scan --format sarif -o " + d + "/out.sarif " + d);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto v = validate_json(d + "/out.sarif", "sarif-schema-2.1.0.json");
  EXPECT_EQ(v.exit_code, 0) << v.out;
  json j = json::parse(read_file(d + "/out.sarif"));
  EXPECT_EQ(j["version"], "2.1.0");
  auto& results = j["runs"][0]["results"];
  ASSERT_EQ(results.size(), 2u);
  EXPECT_TRUE(results[0].contains("partialFingerprints"));
  EXPECT_FALSE(j["runs"][0]["tool"]["driver"]["rules"].empty());
  struct stat st;
  ASSERT_EQ(stat((d + "/out.sarif").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(ScanFormats, BinaryFileReportsByteOffset) {
  std::string d = make_temp_dir();
  std::string id = fake_key_id(16);
  write_file(d + "/blob.bin", std::string("\x00\xff\x10", 3) + "k=" + id + std::string("\x00", 1));
  auto r = run(kh() + " scan --format json " + d);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json j = json::parse(r.out);
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["binary"], true);
  EXPECT_EQ(j["findings"][0]["offset"], 5);
  auto t = run(kh() + " scan " + d);
  EXPECT_NE(t.out.find("blob.bin@5"), std::string::npos) << t.out;
}

TEST(ScanFormats, BundledExamplesListEveryPlantedKey) {
  std::string ex = std::string(KEYHOUND_SOURCE_DIR) + "/examples";
  auto r = run(kh() + " scan --format json " + ex);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json j = json::parse(r.out);
  std::multiset<std::string> rules;
  for (auto& f : j["findings"]) rules.insert(f["rule_id"].get<std::string>());
  EXPECT_EQ(rules.count("aws-access-key-id"), 4u);
  EXPECT_EQ(rules.count("github-pat-classic"), 1u);
  EXPECT_EQ(rules.count("slack-bot-token"), 1u);
  EXPECT_EQ(rules.count("stripe-secret-key-test"), 1u);
  EXPECT_EQ(rules.count("gitlab-pat"), 1u);
  EXPECT_EQ(rules.count("cloudflare-api-token"), 1u);
  EXPECT_EQ(j["summary"]["examples_hidden"], 1);
  for (auto& f : j["findings"])
    if (f["rule_id"] == "aws-access-key-id") EXPECT_EQ(f["parts"].size() >= 1, true) << f.dump();
}

TEST(ScanFormats, EmptyFileInvalidUtf8AndLongLine) {
  std::string d = make_temp_dir();
  write_file(d + "/empty", "");
  std::string id = fake_key_id(17);
  write_file(d + "/latin1.txt", "caf\xe9 \xff\xfe key=" + id + " \xc3\x28\n");
  std::string big(10 << 20, 'x');
  std::string sec = fake_secret(18);
  big.replace(7 << 20, 60, "aws_secret_access_key=" + sec + "   ");
  write_file(d + "/oneline.txt", big);
  auto r = run(kh() + " scan --format json " + d);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json j = json::parse(r.out);  // invalid UTF-8 in context must still give valid JSON
  EXPECT_EQ(j["summary"]["files_scanned"], 3);
  std::set<std::string> paths;
  for (auto& f : j["findings"]) paths.insert(f["path"].get<std::string>());
  EXPECT_TRUE(paths.count(d + "/latin1.txt"));
  EXPECT_TRUE(paths.count(d + "/oneline.txt"));
  for (auto& f : j["findings"])
    if (f["path"] == d + "/oneline.txt") {
      EXPECT_EQ(f["line"], 1);
      EXPECT_EQ(f["column"], (7 << 20) + 23);
    }
}

TEST(ScanFormats, TenThousandFilesAndDeterministicOrder) {
  std::string d = make_temp_dir();
  for (int i = 0; i < 10000; ++i) {
    std::string sub = d + "/d" + std::to_string(i % 50);
    mkdir(sub.c_str(), 0755);
    write_file(sub + "/f" + std::to_string(i) + ".txt",
               i % 1000 == 7 ? pair_file(100 + i) : "plain text line " + std::to_string(i) + "\n");
  }
  auto one = run(kh() + " scan --format jsonl --threads 1 " + d);
  auto two = run(kh() + " scan --format jsonl --threads 2 " + d);
  auto many = run(kh() + " scan --format json --threads 8 " + d);
  ASSERT_EQ(one.exit_code, 1) << one.err;
  EXPECT_EQ(one.out, two.out);
  json j = json::parse(many.out);
  EXPECT_EQ(j["summary"]["files_scanned"], 10000);
  EXPECT_EQ(j["findings"].size(), 10u);
}

TEST(ScanFormats, BrokenSymlinkIsCountedNotFollowed) {
  std::string d = make_temp_dir();
  ASSERT_EQ(symlink("/nonexistent/target", (d + "/dangling").c_str()), 0);
  ASSERT_EQ(symlink("/etc", (d + "/outside").c_str()), 0);
  write_file(d + "/ok.txt", "fine\n");
  auto r = run(kh() + " scan --format json " + d);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  json j = json::parse(r.out);
  EXPECT_EQ(j["summary"]["skipped"]["broken symlink"], 1);
  EXPECT_EQ(j["summary"]["skipped"]["symlink"], 1);
  EXPECT_EQ(j["summary"]["files_scanned"], 1);
}

TEST(ScanFormats, StdinDash) {
  auto r = run(kh() + " scan --format json -", pair_file(19));
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json j = json::parse(r.out);
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["path"], "-");
  EXPECT_EQ(j["findings"][0]["line"], 1);
}

TEST(RulesCommands, ListCheckAndMalformedRuleFiles) {
  auto list = run(kh() + " rules list --format json");
  ASSERT_EQ(list.exit_code, 0) << list.err;
  json rules = json::parse(list.out);
  EXPECT_GT(rules.size(), 100u);
  for (auto& r : rules) {
    EXPECT_FALSE(r["id"].get<std::string>().empty());
    EXPECT_FALSE(r["provider"].get<std::string>().empty());
  }
  auto check = run(kh() + " rules check");
  EXPECT_EQ(check.exit_code, 0) << check.err;
  std::string d = make_temp_dir();
  write_file(d + "/bad.toml", "provider = \"X\"\n[[rule]]\nid = \"x-bad\"\nname = \"bad\"\nkeywords = [\"xyzzy\"]\n"
                              "regex = '''(xyzzy'''\n");
  auto bad = run(kh() + " scan --rules " + d + "/bad.toml " + d);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("bad.toml"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("x-bad"), std::string::npos) << bad.err;
  // A rule whose own example fails: rules check names it.
  write_file(d + "/weak.toml", "provider = \"X\"\n[[rule]]\nid = \"x-weak\"\nname = \"w\"\nkeywords = [\"zzq_\"]\n"
                               "regex = '''\\b(zzq_[a-z]{8})\\b'''\nexamples = [\"zzq_ABCDEFGH\", \"zzq_abcdefgh\", \"zzq_qwrtyplk\"]\n"
                               "negative_examples = [\"a\", \"b\", \"c\"]\n");
  auto weak = run(kh() + " rules check " + d + "/weak.toml");
  EXPECT_EQ(weak.exit_code, 2);
  EXPECT_NE(weak.err.find("x-weak"), std::string::npos) << weak.err;
  auto garbage = run(kh() + " rules check " + d + "/nope.toml");
  EXPECT_EQ(garbage.exit_code, 2);
}

TEST(ScanFormats, VersionAndHelpExitZero) {
  EXPECT_EQ(run(kh() + " --version").exit_code, 0);
  EXPECT_EQ(run(kh() + " scan --help").exit_code, 0);
  EXPECT_EQ(run(kh() + " scan --format yaml .").exit_code, 2);
}

// A pair's secret sits on its own line: JSON parts[] and SARIF relatedLocations say where, so
// code scanning shows both halves (issue 14).
TEST(ScanFormats, PairHalvesCarryTheirOwnLocations) {
  std::string d = make_temp_dir();
  std::string id = fake_key_id(21), sec = fake_secret(21);
  write_file(d + "/task.env", "# deploy\naws_access_key_id = " + id + "\n\n  aws_secret_access_key = " + sec + "\n");
  auto r = run(kh() + " scan --format json " + d);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json j = json::parse(r.out);
  ASSERT_EQ(j["findings"].size(), 1u);
  auto& part = j["findings"][0]["parts"][0];
  EXPECT_EQ(part["role"], "secret_access_key");
  EXPECT_EQ(part["line"], 4);
  EXPECT_EQ(part["column"], 27);
  EXPECT_EQ(part["end_column"], 67);

  auto s = run(kh() + " scan --format sarif -o " + d + "/out.sarif " + d + "/task.env");
  ASSERT_EQ(s.exit_code, 1) << s.err;
  json sarif = json::parse(read_file(d + "/out.sarif"));
  auto& res = sarif["runs"][0]["results"][0];
  EXPECT_EQ(res["locations"][0]["physicalLocation"]["region"]["startLine"], 2);
  ASSERT_EQ(res["relatedLocations"].size(), 1u);
  auto& rel = res["relatedLocations"][0];
  EXPECT_EQ(rel["physicalLocation"]["region"]["startLine"], 4);
  EXPECT_EQ(rel["physicalLocation"]["region"]["startColumn"], 27);
  EXPECT_EQ(rel["physicalLocation"]["region"]["endColumn"], 67);
  EXPECT_EQ(rel["physicalLocation"]["artifactLocation"]["uri"],
            res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]);
  // Redacted like every other output.
  EXPECT_EQ(rel["message"]["text"].get<std::string>().find(sec), std::string::npos);
  if (!have_jsonschema()) GTEST_SKIP() << "python3-jsonschema not installed";
  auto v = validate_json(d + "/out.sarif", "sarif-schema-2.1.0.json");
  EXPECT_EQ(v.exit_code, 0) << v.out;
}
