// Text for people: location, rule, redacted secret, one line of context, then a summary.
#include <cstdio>
#include <map>
#include <sstream>

#include "base/escape.h"
#include "base/redact.h"
#include "report/context_window.h"
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

// Critical bold red, high red, medium yellow, the rest cyan: the eye goes to the worst first.
const char* severity_color(const std::string& severity, bool color) {
  if (!color) return "";
  if (severity == "critical") return "\x1b[1;31m";
  if (severity == "high") return "\x1b[31m";
  if (severity == "medium") return "\x1b[33m";
  return "\x1b[36m";
}

std::string location(const Finding& f) {
  std::string loc = escape_for_terminal(f.where.path);
  if (f.binary || f.line == 0) loc += "@" + std::to_string(f.offset);
  else loc += ":" + std::to_string(f.line) + ":" + std::to_string(f.column);
  return loc;
}

}  // namespace

void write_text(const ScanResult& r, const RuleSet& rules, const ReportOptions& o, std::ostream& out) {
  const char* bold = o.color ? "\x1b[1m" : "";
  const char* red = o.color ? "\x1b[31m" : "";
  const char* dim = o.color ? "\x1b[2m" : "";
  const char* reset = o.color ? "\x1b[0m" : "";
  // One secret, one block: the same key (rule, secret and parts, same suppression) found in 30
  // places is one block listing the 30 places, so a person reviews each secret once.
  auto key_of = [](const Finding& f) {
    std::string k = f.rule_id + '\0' + f.secret + '\0' + (f.suppressed ? "s" : "");
    for (auto& p : f.parts) k += '\0' + p.secret;
    return k;
  };
  std::map<std::string, std::vector<const Finding*>> groups;
  std::vector<const Finding*> leaders;
  for (const auto& f : r.findings) {
    if (f.suppressed && !o.show_suppressed) continue;
    auto& g = groups[key_of(f)];
    if (g.empty()) leaders.push_back(&f);
    g.push_back(&f);
  }
  for (const Finding* fp : leaders) {
    const Finding& f = *fp;
    const auto& group = groups[key_of(f)];
    const Rule* rule = f.rule_index >= 0 ? &rules.rules[f.rule_index] : nullptr;
    std::string loc = location(f);
    auto sev = f.properties.find("severity");  // "critical" for root credentials and pairs
    std::string severity = sev != f.properties.end() ? sev->second : rule ? severity_name(rule->severity) : "";
    out << bold << loc << reset << "  " << severity_color(severity, o.color) << f.rule_id << reset;
    if (!severity.empty()) out << " [" << escape_for_terminal(severity) << "]";
    if (f.verified == Verification::Valid) out << " " << red << "(VERIFIED LIVE)" << reset;
    if (f.example) out << " (documentation example)";
    if (f.suppressed) out << " (suppressed: " << escape_for_terminal(f.suppression_reason) << ")";
    if (f.baseline_state != BaselineState::None) out << " (" << baseline_state_name(f.baseline_state) << ")";
    if (auto also = f.properties.find("also_matched"); also != f.properties.end())
      out << " (also: " << escape_for_terminal(also->second) << ")";
    out << "\n";
    if (rule) out << "  " << rule->name << "\n";
    out << "  secret: " << show(f.secret, o.redact);
    auto kind = f.properties.find("kind");
    auto acct = f.properties.find("aws_account_id");
    if (kind != f.properties.end()) out << "  kind: " << escape_for_terminal(kind->second);
    if (acct != f.properties.end()) out << "  account: " << escape_for_terminal(acct->second);
    // What the credential opens, when its format names it (user@host/database).
    auto opens = [&](const char* k) {
      auto it = f.properties.find(std::string("opens_") + k);
      return it == f.properties.end() ? std::string() : it->second;
    };
    std::string user = opens("user"), host = opens("host"), db = opens("database");
    if (!host.empty() || !user.empty())
      out << "  opens: " << escape_for_terminal((user.empty() ? "" : user + "@") + host + (db.empty() ? "" : "/" + db));
    out << "\n";
    for (const auto& p : f.parts) out << "  " << p.role << ": " << show(p.secret, o.redact) << "  (line " << p.line << ")\n";
    // Audits: which repository, and the review status (keyhound triage).
    if (auto repo = f.properties.find("repository"); repo != f.properties.end()) {
      out << "  repository: " << escape_for_terminal(repo->second);
      if (auto t = f.properties.find("triage"); t != f.properties.end()) out << "  triage: " << escape_for_terminal(t->second);
      out << "\n";
    }
    if (!f.where.commit.empty())
      out << "  commit: " << f.where.commit.substr(0, 12) << "  " << escape_for_terminal(f.where.author)
          << " <" << escape_for_terminal(f.where.email) << ">  " << f.where.date << "\n";
    if (!f.decoded.empty()) {
      out << "  decoded:";
      for (auto& d : f.decoded) out << " " << d;
      out << " (the location is the encoded text)\n";
    }
    if (f.verified != Verification::None) {
      out << "  verified: " << verification_name(f.verified);
      if (!f.verified_detail.empty()) out << " (" << escape_for_terminal(f.verified_detail) << ")";
      out << "\n";
    }
    if (f.remediation && !f.remediation->summary.empty()) {
      const std::string& fix = f.remediation->summary;
      std::vector<std::string> secrets{f.secret};
      for (auto& p : f.parts) secrets.push_back(p.secret);
      out << "  fix: " << escape_for_terminal(o.redact ? redact_all(fix, secrets) : fix) << "\n";
    }
    if (!f.binary && !f.line_text.empty())
      out << dim << "  > " << escape_for_terminal(context_window(f, o.redact, 160)) << reset << "\n";
    out << "  fingerprint: " << f.fingerprint << "\n";
    if (group.size() > 1) {
      out << "  same secret in " << group.size() - 1 << (group.size() == 2 ? " more place:" : " more places:") << "\n";
      for (size_t i = 1; i < group.size(); ++i) {
        out << "    " << location(*group[i]);
        if (!group[i]->where.commit.empty()) out << "  commit " << group[i]->where.commit.substr(0, 12);
        if (auto r = group[i]->properties.find("repository"); r != group[i]->properties.end())
          out << "  in " << escape_for_terminal(r->second);
        out << "\n";
      }
    }
    out << "\n";
  }
  if (o.quiet) return;
  out << summary_line(r.summary, o.command) << "\n";
}

std::string summary_line(const ScanSummary& s, const std::string& command) {
  auto count = [](uint64_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  std::ostringstream sum;
  sum << "keyhound: " << count(s.findings, "finding", "findings");
  if (s.commits_scanned) sum << " in " << count(s.commits_scanned, "commit", "commits");
  sum << ", " << (command == "git" ? count(s.files_scanned, "blob", "blobs") : count(s.files_scanned, "file", "files"))
      << " scanned (" << human_bytes(s.bytes_scanned) << ") in ";
  char el[32];
  std::snprintf(el, sizeof el, "%.2fs", s.elapsed_seconds);
  sum << el;
  if (s.suppressed) sum << "; " << s.suppressed << " suppressed";
  if (s.examples_hidden)
    sum << "; " << count(s.examples_hidden, "documentation example", "documentation examples")
        << " hidden (--include-examples)";
  uint64_t skipped = 0;
  const auto by_word = skip_counts_by_word(s.skipped);
  for (auto& [k, v] : by_word) skipped += v;
  if (skipped) {
    sum << "; skipped " << skipped << ":";
    bool first = true;
    for (auto& [k, v] : by_word) {
      sum << (first ? " " : ", ") << k << " " << v;
      first = false;
    }
  }
  if (s.errors) sum << "; " << count(s.errors, "error", "errors");
  for (auto& [k, v] : s.notes) sum << "; " << k << ": " << v;
  return sum.str();
}


}  // namespace keyhound
