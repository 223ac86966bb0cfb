// Text for people: location, rule, redacted secret, one line of context, then a summary.
#include <cstdio>
#include <sstream>

#include "base/escape.h"
#include "base/redact.h"
#include "report/reporter.h"

namespace keyhound {
namespace {

std::string show(const std::string& s, bool redact_it) {
  return escape_for_terminal(redact_it ? redact(s) : s);
}

std::string human_bytes(uint64_t b) {
  char buf[32];
  if (b >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.2f GiB", b / double(1ull << 30));
  else if (b >= (1ull << 20)) std::snprintf(buf, sizeof buf, "%.2f MiB", b / double(1ull << 20));
  else if (b >= 1024) std::snprintf(buf, sizeof buf, "%.1f KiB", b / 1024.0);
  else std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
  return buf;
}

}  // namespace

void write_text(const ScanResult& r, const RuleSet& rules, const ReportOptions& o, std::ostream& out) {
  const char* bold = o.color ? "\x1b[1m" : "";
  const char* red = o.color ? "\x1b[31m" : "";
  const char* dim = o.color ? "\x1b[2m" : "";
  const char* reset = o.color ? "\x1b[0m" : "";
  for (const auto& f : r.findings) {
    if (f.suppressed && !o.show_suppressed) continue;
    const Rule* rule = f.rule_index >= 0 ? &rules.rules[f.rule_index] : nullptr;
    std::string loc = escape_for_terminal(f.where.path);
    if (f.binary || f.line == 0) loc += "@" + std::to_string(f.offset);
    else loc += ":" + std::to_string(f.line) + ":" + std::to_string(f.column);
    out << bold << loc << reset << "  " << red << f.rule_id << reset;
    auto sev = f.properties.find("severity");  // "critical" for root credentials
    if (sev != f.properties.end()) out << " [" << escape_for_terminal(sev->second) << "]";
    else if (rule) out << " [" << severity_name(rule->severity) << "]";
    if (f.verified == "valid") out << " " << red << "(VERIFIED LIVE)" << reset;
    if (f.example) out << " (documentation example)";
    if (f.suppressed) out << " (suppressed: " << escape_for_terminal(f.suppression_reason) << ")";
    if (!f.baseline_state.empty()) out << " (" << f.baseline_state << ")";
    out << "\n";
    if (rule) out << "  " << rule->name << "\n";
    out << "  secret: " << show(f.secret, o.redact);
    auto kind = f.properties.find("kind");
    auto acct = f.properties.find("aws_account_id");
    if (kind != f.properties.end()) out << "  kind: " << escape_for_terminal(kind->second);
    if (acct != f.properties.end()) out << "  account: " << escape_for_terminal(acct->second);
    out << "\n";
    for (const auto& p : f.parts) out << "  " << p.role << ": " << show(p.secret, o.redact) << "  (line " << p.line << ")\n";
    if (!f.where.commit.empty())
      out << "  commit: " << f.where.commit.substr(0, 12) << "  " << escape_for_terminal(f.where.author)
          << " <" << escape_for_terminal(f.where.email) << ">  " << f.where.date << "\n";
    if (!f.verified.empty()) {
      out << "  verified: " << f.verified;
      if (!f.verified_detail.empty()) out << " (" << escape_for_terminal(f.verified_detail) << ")";
      out << "\n";
    }
    auto rem = f.properties.find("remediation_summary");
    if (rem != f.properties.end()) {
      std::vector<std::string> secrets{f.secret};
      for (auto& p : f.parts) secrets.push_back(p.secret);
      out << "  fix: " << escape_for_terminal(o.redact ? redact_all(rem->second, secrets) : rem->second) << "\n";
    }
    if (!f.binary && !f.line_text.empty()) {
      std::vector<std::string> secrets{f.secret};
      for (auto& p : f.parts) secrets.push_back(p.secret);
      std::string ctx = o.redact ? redact_all(f.line_text, secrets) : f.line_text;
      size_t nl = ctx.find('\n');
      if (nl != std::string::npos) ctx = ctx.substr(0, nl);
      if (ctx.size() > 160) ctx = ctx.substr(0, 157) + "...";
      out << dim << "  > " << escape_for_terminal(ctx) << reset << "\n";
    }
    out << "  fingerprint: " << f.fingerprint << "\n\n";
  }
  if (o.quiet) return;
  const ScanSummary& s = r.summary;
  std::ostringstream sum;
  sum << "keyhound: " << s.findings << (s.findings == 1 ? " finding" : " findings");
  if (s.commits_scanned) sum << " in " << s.commits_scanned << " commits,";
  sum << " " << s.files_scanned << (o.command == "git" ? " blobs" : " files") << " scanned ("
      << human_bytes(s.bytes_scanned) << ") in ";
  char el[32];
  std::snprintf(el, sizeof el, "%.2fs", s.elapsed_seconds);
  sum << el;
  if (s.suppressed) sum << "; " << s.suppressed << " suppressed";
  if (s.examples_hidden) sum << "; " << s.examples_hidden << " documentation examples hidden (--include-examples)";
  uint64_t skipped = 0;
  for (auto& [k, v] : s.skipped) skipped += v;
  if (skipped) {
    sum << "; skipped " << skipped << ":";
    bool first = true;
    for (auto& [k, v] : s.skipped) {
      sum << (first ? " " : ", ") << k << " " << v;
      first = false;
    }
  }
  if (s.errors) sum << "; " << s.errors << " errors";
  for (auto& [k, v] : s.notes) sum << "; " << k << ": " << v;
  out << sum.str() << "\n";
}

}  // namespace keyhound
