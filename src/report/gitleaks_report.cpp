// gitleaks' JSON report (an array of findings with gitleaks' own field names), so scripts and
// importers written for gitleaks (DefectDojo's "Gitleaks Scan", jq one-liners) read ours
// unchanged. Fingerprint is gitleaks' own form, commit:file:rule:line (file:rule:line without
// git), which is also what a .gitleaksignore line holds.
#include <cmath>
#include <nlohmann/json.hpp>

#include "base/escape.h"
#include "base/redact.h"
#include "findings/fingerprint.h"
#include "report/reporter.h"

namespace keyhound {

void write_gitleaks(const ScanResult& r, const RuleSet& rules, const ReportOptions& o, std::ostream& out) {
  using nlohmann::json;
  json arr = json::array();
  for (const Finding* f : listed_findings(r, o)) {
    const Rule* rule = f->rule_index >= 0 ? &rules.rules[f->rule_index] : nullptr;
    std::vector<std::string> secrets{f->secret};
    for (auto& p : f->parts) secrets.push_back(p.secret);
    std::string match = f->match.empty() ? f->secret : f->match;
    std::string file = f->where.path.rfind("./", 0) == 0 ? f->where.path.substr(2) : f->where.path;
    uint64_t end_col = f->column + (f->secret.empty() ? 0 : f->secret.size() - 1);
    json tags = json::array();
    if (rule && !rule->provider.empty()) tags.push_back(rule->provider);
    if (f->suppressed) tags.push_back("suppressed");
    json j = {{"Description", rule ? rule->name : f->rule_id},
              {"StartLine", f->line},
              {"EndLine", std::max(f->end_line, f->line)},
              {"StartColumn", f->column},
              {"EndColumn", end_col},
              {"Match", to_valid_utf8(o.redact ? redact_all(match, secrets) : match)},
              {"Secret", to_valid_utf8(o.redact ? redact(f->secret) : f->secret)},
              {"File", to_valid_utf8(file)},
              {"SymlinkFile", ""},
              {"Commit", f->where.commit},
              {"Entropy", std::round(f->entropy * 10000) / 10000},
              {"Author", to_valid_utf8(f->where.author)},
              {"Email", to_valid_utf8(f->where.email)},
              {"Date", f->where.date},
              {"Message", ""},
              {"Tags", tags},
              {"RuleID", f->rule_id},
              {"Fingerprint", to_valid_utf8(gitleaks_fingerprint(*f))}};
    arr.push_back(j);
  }
  out << arr.dump(1, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace keyhound
