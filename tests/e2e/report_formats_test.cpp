// End-to-end: the report formats other tools read, each checked by its consumer's rules:
// GitLab's secret-detection schema, a JUnit XML parser, Python's csv module, gitleaks' fields.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "git_e2e_util.h"

using namespace e2e;
using namespace gite2e;
using nlohmann::json;

namespace {
const char* const kGitlabSchema = "gitlab-secret-detection-report-format.json";

std::string pair_file(unsigned seed) {
  return "aws_access_key_id = " + fake_key_id(seed) + "\naws_secret_access_key = " + fake_secret(seed) + "\n";
}

// Runs a Python snippet with the report file as argv[1]; its stdout, and a test failure when it fails.
std::string python(const std::string& code, const std::string& file) {
  auto r = run("python3 -c " + shell_quote(code) + " " + shell_quote(file) + " 2>&1");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  return r.out;
}

// A repository with two commits, each adding a key pair in another file.
std::string repo_with_two_keys(std::string* second_commit) {
  std::string d = new_repo();
  commit_file(d, "README.md", "hello\n", "first");
  commit_file(d, "config/a.env", pair_file(31), "add a");
  *second_commit = commit_file(d, "deploy/b.env", "# deploy\n" + pair_file(32), "add b");
  return d;
}

}  // namespace

TEST(ReportFormats, GitlabReportPassesTheSecretDetectionSchema) {
  if (!have_jsonschema()) GTEST_SKIP() << "python3-jsonschema not installed";
  // The declared version is the one of the published schema kept in tests/schemas/.
  json published = json::parse(read_file(schema_path(kGitlabSchema)));
  std::string second;
  std::string d = repo_with_two_keys(&second);
  std::string out = make_temp_dir() + "/gl-secret-detection-report.json";
  auto r = run(kh() + " git --format gitlab -o " + out + " " + d);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto v = validate_json(out, kGitlabSchema);
  EXPECT_EQ(v.exit_code, 0) << v.out;
  json j = json::parse(read_file(out));
  EXPECT_EQ(j["version"], published["self"]["version"]);
  EXPECT_EQ(j["scan"]["type"], "secret_detection");
  EXPECT_EQ(j["scan"]["status"], "success");
  ASSERT_EQ(j["vulnerabilities"].size(), 2u) << j.dump(2);
  bool saw_second = false;
  for (auto& vuln : j["vulnerabilities"]) {
    EXPECT_EQ(vuln["identifiers"][0]["value"], "aws-access-key-id");
    EXPECT_EQ(vuln["severity"], "Critical");  // a key pair is critical (rules/README.md)
    EXPECT_EQ(vuln["location"]["commit"]["sha"].get<std::string>().size(), 40u);
    if (vuln["location"]["file"] == "deploy/b.env") {
      saw_second = true;
      EXPECT_EQ(vuln["location"]["commit"]["sha"], second);
      EXPECT_EQ(vuln["location"]["start_line"], 2);
    }
    // Redacted by default: the key ID is not in the report.
    EXPECT_EQ(read_file(out).find(fake_key_id(31)), std::string::npos);
  }
  EXPECT_TRUE(saw_second);
  // A plain directory scan has no commit: GitLab's own analyzer writes 0000000 there too.
  std::string dir = make_temp_dir();
  write_file(dir + "/x.env", pair_file(33));
  auto s = run(kh() + " scan --format gitlab " + dir);
  ASSERT_EQ(s.exit_code, 1);
  json js = json::parse(s.out);
  EXPECT_EQ(js["vulnerabilities"][0]["location"]["commit"]["sha"], "0000000");
  // No findings: still a valid report with an empty list.
  std::string clean = make_temp_dir();
  write_file(clean + "/ok.txt", "nothing here\n");
  std::string empty = make_temp_dir() + "/empty.json";
  EXPECT_EQ(run(kh() + " scan --format gitlab -o " + empty + " " + clean).exit_code, 0);
  v = validate_json(empty, kGitlabSchema);
  EXPECT_EQ(v.exit_code, 0) << v.out;
}

TEST(ReportFormats, JunitHasOneCasePerFileAndAFailurePerFinding) {
  std::string d = make_temp_dir();
  write_file(d + "/a.env", pair_file(41) + "\n\n\n\n\n\n\n" + pair_file(42));  // two findings, one file
  write_file(d + "/b <&>.env", pair_file(43));                                 // XML-special name
  write_file(d + "/clean.txt", "nothing\n");
  std::string out = make_temp_dir() + "/junit.xml";
  ASSERT_EQ(run(kh() + " scan --format junit -o " + out + " " + d).exit_code, 1);
  std::string got = python(R"(
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suite = root.find("testsuite")
cases = suite.findall("testcase")
assert int(suite.get("tests")) == len(cases), (suite.get("tests"), len(cases))
assert int(suite.get("failures")) == sum(len(c.findall("failure")) for c in cases)
for c in cases:
    print(c.get("name").rsplit("/", 1)[-1], len(c.findall("failure")), [f.get("type") for f in c.findall("failure")])
)", out);
  EXPECT_NE(got.find("a.env 2 ['aws-access-key-id', 'aws-access-key-id']"), std::string::npos) << got;
  EXPECT_NE(got.find("b <&>.env 1 ['aws-access-key-id']"), std::string::npos) << got;
  EXPECT_NE(got.find("1 other scanned file(s) or blob(s) without findings 0"), std::string::npos) << got;
  EXPECT_EQ(read_file(out).find(fake_key_id(41)), std::string::npos) << "secret not redacted";
}

TEST(ReportFormats, CsvIsRfc4180AndFormulaSafe) {
  std::string d = make_temp_dir();
  // File names a spreadsheet would run as formulas, and one that needs quoting.
  write_file(d + "/=cmd.env", pair_file(51));
  write_file(d + "/@sum.env", pair_file(52));
  write_file(d + "/+add.env", pair_file(53));
  write_file(d + "/a,\"b\".env", pair_file(54));
  auto r = run("cd " + shell_quote(d) + " && " + kh() + " scan --format csv =cmd.env @sum.env +add.env 'a,\"b\".env'");
  ASSERT_EQ(r.exit_code, 1) << r.err;
  std::string out = make_temp_dir() + "/report.csv";
  write_file(out, r.out);
  EXPECT_NE(r.out.find("\r\n"), std::string::npos) << "RFC 4180 lines end in CRLF";
  std::string got = python(R"(
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
for row in rows:
    assert row["rule_id"] == "aws-access-key-id", row
    assert row["redacted"] == "true"
    print(row["path"], row["line"], row["severity"])
print(len(rows), "rows")
)", out);
  EXPECT_NE(got.find("'=cmd.env 1 critical"), std::string::npos) << got;
  EXPECT_NE(got.find("'@sum.env 1"), std::string::npos) << got;
  EXPECT_NE(got.find("'+add.env 1"), std::string::npos) << got;
  EXPECT_NE(got.find("a,\"b\".env 1"), std::string::npos) << got;
  EXPECT_NE(got.find("4 rows"), std::string::npos) << got;
  EXPECT_EQ(r.out.find(fake_key_id(51)), std::string::npos) << "secret not redacted";
  // --no-redact: the secret in full (still formula-safe: key IDs start with a letter).
  auto full = run("cd " + shell_quote(d) + " && " + kh() + " scan --format csv --no-redact =cmd.env");
  EXPECT_NE(full.out.find(fake_key_id(51)), std::string::npos);
}

TEST(ReportFormats, GitleaksJsonHasGitleaksFieldsAndFingerprints) {
  std::string second;
  std::string d = repo_with_two_keys(&second);
  auto r = run(kh() + " git --format gitleaks " + d);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json arr = json::parse(r.out);
  ASSERT_TRUE(arr.is_array());
  ASSERT_EQ(arr.size(), 2u);
  const std::vector<std::string> fields = {"Description", "StartLine", "EndLine", "StartColumn", "EndColumn",
                                           "Match", "Secret", "File", "SymlinkFile", "Commit", "Entropy",
                                           "Author", "Email", "Date", "Message", "Tags", "RuleID", "Fingerprint"};
  for (auto& f : arr) {
    for (auto& k : fields) EXPECT_TRUE(f.contains(k)) << k;
    EXPECT_EQ(f.size(), fields.size()) << f.dump();
    EXPECT_TRUE(f["StartLine"].is_number_integer());
    EXPECT_TRUE(f["Entropy"].is_number());
    EXPECT_TRUE(f["Tags"].is_array());
    EXPECT_EQ(f["Fingerprint"], f["Commit"].get<std::string>() + ":" + f["File"].get<std::string>() + ":" +
                                    f["RuleID"].get<std::string>() + ":" + std::to_string(f["StartLine"].get<int>()));
    EXPECT_EQ(f["Author"], "Test Author");
    EXPECT_EQ(f["Secret"].get<std::string>().find('*') != std::string::npos, true) << "not redacted";
    EXPECT_EQ(f["EndColumn"].get<int>() - f["StartColumn"].get<int>() + 1, 20);  // a 20-character key ID
  }
  EXPECT_EQ(r.out.find(fake_key_id(31)), std::string::npos);
  auto full = run(kh() + " git --format gitleaks --no-redact " + d);
  json farr = json::parse(full.out);
  bool found = false;
  for (auto& f : farr)
    if (f["Secret"] == fake_key_id(32)) {
      found = true;
      EXPECT_EQ(f["Commit"], second);
      EXPECT_EQ(f["File"], "deploy/b.env");
      EXPECT_NE(f["Match"].get<std::string>().find(fake_key_id(32)), std::string::npos);
    }
  EXPECT_TRUE(found) << full.out;
}
