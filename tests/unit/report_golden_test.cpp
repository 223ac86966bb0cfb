// The JSON and SARIF writers on a hand-built result, compared byte for byte with the files in
// tests/golden/. A change to either format shows up here as a diff to review; after a change
// you mean, regenerate with KEYHOUND_UPDATE_GOLDEN=1 and commit the new files.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "fake_keys.h"
#include "findings/fingerprint.h"
#include "report/json_finding.h"
#include "report/reporter.h"
#include "rule_facts.h"
#include "rules/rule_loader.h"
#include "verify/remediation.h"

using namespace keyhound;

namespace {

const RuleSet& rules() {
  static const RuleSet rs = make_rule_set(load_builtin_rules());
  return rs;
}

Finding make(const std::string& rule_id, const std::string& secret, const std::string& path, uint64_t line) {
  Finding f;
  f.rule_id = rule_id;
  f.rule_index = rules().find(rule_id);
  f.facts = rules().rules[f.rule_index].facts;
  f.secret = secret;
  f.match = secret;
  f.line = line;
  f.end_line = line;
  f.column = 21;
  f.offset = 100 * line;
  f.entropy = 3.75;
  f.line_text = "aws_access_key_id = " + secret;
  f.where.path = path;
  f.fingerprint = compute_fingerprint(f);
  return f;
}

// Two findings covering the fields the writers branch on: an AWS pair with its advice,
// verified and new against a baseline; an inline-allowed token with a git provenance.
ScanResult golden_result() {
  ScanResult r;
  r.tool_version = "0.0.0-golden";
  Finding pair = make("aws-access-key-id", keyhound_test::fake_key_id(7), "config/prod.env", 3);
  pair.properties["kind"] = "long-term";
  pair.properties["aws_account_id"] = "123456789012";
  FindingPart secret;
  secret.role = "secret_access_key";
  secret.rule_id = "aws-secret-access-key";
  secret.secret = keyhound_test::fake_secret(7);
  secret.line = 4;
  secret.column = 25;
  secret.offset = 430;
  pair.parts.push_back(secret);
  pair.verified = Verification::Valid;
  pair.verified_detail = "arn:aws:iam::123456789012:user/deploy";
  pair.properties["verified_arn"] = "arn:aws:iam::123456789012:user/deploy";
  pair.baseline_state = BaselineState::New;
  add_remediation(pair);
  Finding allowed = make("github-pat-classic", "ghp_" + keyhound_test::fake_token(8, 36), "src/app.py", 12);
  allowed.line_text = "TOKEN = \"" + allowed.secret + "\"  # keyhound:allow test fixture";
  allowed.suppressed = true;
  allowed.suppression_kind = SuppressionKind::InSource;
  allowed.suppression_reason = "keyhound:allow test fixture";
  allowed.where.commit = "0123456789abcdef0123456789abcdef01234567";
  allowed.where.author = "Dev One";
  allowed.where.email = "dev@example.com";
  allowed.where.date = "2024-05-01T10:00:00Z";
  allowed.where.blob = "89abcdef0123456789abcdef0123456789abcdef";
  r.findings = {pair, allowed};
  r.summary.files_scanned = 2;
  r.summary.bytes_scanned = 1234;
  r.summary.findings = 1;
  r.summary.suppressed = 1;
  r.summary.skipped[SkipReason::TooLarge] = 1;
  r.summary.elapsed_seconds = 0.25;
  return r;
}

void check_golden(Format fmt, const std::string& name) {
  ReportOptions o;
  o.command = "scan";
  o.show_suppressed = true;
  std::ostringstream out;
  write_report(fmt, golden_result(), rules(), o, out);
  std::string path = std::string(KEYHOUND_SOURCE_DIR) + "/tests/golden/" + name;
  if (const char* u = std::getenv("KEYHOUND_UPDATE_GOLDEN"); u && *u == '1') {
    std::ofstream(path, std::ios::binary) << out.str();
    GTEST_SKIP() << "wrote " << path;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path << " is missing: run with KEYHOUND_UPDATE_GOLDEN=1";
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(out.str(), want.str()) << "the " << name << " output changed; if that is meant, regenerate with KEYHOUND_UPDATE_GOLDEN=1";
}

}  // namespace

TEST(ReportGolden, Json) { check_golden(Format::Json, "report.json"); }

// The JSON report is written a finding at a time: the same bytes as dumping the whole document,
// with no finding, with only hidden ones, and with the first one hidden.
TEST(ReportGolden, JsonWrittenPieceByPieceIsTheWholeDocument) {
  ScanResult full = golden_result();
  for (int shape = 0; shape < 4; ++shape) {
    ScanResult r = full;
    ReportOptions o;
    o.command = "git";
    o.show_suppressed = shape == 3;
    if (shape == 0) r.findings.clear();
    if (shape == 1) r.findings = {full.findings[1]};  // the suppressed one, hidden
    if (shape == 2) r.findings = {full.findings[1], full.findings[0]};
    if (shape == 3) r.findings = {full.findings[0], full.findings[1], full.findings[0]};
    nlohmann::json doc;
    doc["tool"] = {{"name", "keyhound"}, {"version", r.tool_version}};
    doc["command"] = o.command;
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& f : r.findings)
      if (!f.suppressed || o.show_suppressed) arr.push_back(finding_to_json(f, rules(), o.redact));
    doc["findings"] = arr;
    doc["summary"] = summary_to_json(r.summary);
    std::ostringstream out;
    write_report(Format::Json, r, rules(), o, out);
    EXPECT_EQ(out.str(), doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n") << shape;
  }
}
TEST(ReportGolden, Sarif) { check_golden(Format::Sarif, "report.sarif"); }
TEST(ReportGolden, Jsonl) { check_golden(Format::Jsonl, "report.jsonl"); }
