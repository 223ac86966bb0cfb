// CSV (RFC 4180) for spreadsheets and importers: a header row, one row per finding, CRLF line
// ends. A cell a spreadsheet would read as a formula (= + - @ tab CR first) gets a leading
// apostrophe: scanned text must never run as a formula on the reviewer's machine.
#include "base/escape.h"
#include "base/redact.h"
#include "report/reporter.h"

namespace keyhound {

namespace {

std::string cell(const std::string& raw) {
  std::string s = to_valid_utf8(raw);
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r'))
    s = "'" + s;
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

void row(std::ostream& out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) out << (i ? "," : "") << cell(cells[i]);
  out << "\r\n";
}

}  // namespace

void write_csv(const ScanResult& r, const RuleSet& rules, const ReportOptions& o, std::ostream& out) {
  row(out, {"rule_id", "rule_name", "provider", "severity", "path", "line", "column", "end_line", "offset", "secret",
            "redacted", "entropy", "fingerprint", "commit", "author", "email", "date", "verified", "suppressed",
            "suppression_reason"});
  for (const Finding* f : listed_findings(r, o)) {
    const Rule* rule = f->rule_index >= 0 ? &rules.rules[f->rule_index] : nullptr;
    char entropy[16];
    std::snprintf(entropy, sizeof entropy, "%.3f", f->entropy);
    row(out, {f->rule_id, rule ? rule->name : "", rule ? rule->provider : "",
              rule ? severity_name(finding_severity(*f, *rule)) : "", f->where.path, std::to_string(f->line),
              std::to_string(f->column), std::to_string(f->end_line), std::to_string(f->offset),
              o.redact ? redact(f->secret) : f->secret, o.redact ? "true" : "false", entropy, f->fingerprint,
              f->where.commit, f->where.author, f->where.email, f->where.date, verification_name(f->verified),
              f->suppressed ? "true" : "false", f->suppression_reason});
  }
}

}  // namespace keyhound
