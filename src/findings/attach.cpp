#include "findings/attach.h"

#include <algorithm>
#include <cstdlib>

#include "checks/aws_key.h"

namespace keyhound {

void finalize_findings(const RuleSet& rules, std::vector<Finding>& findings) {
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    if (a.offset != b.offset) return a.offset < b.offset;
    return a.rule_id < b.rule_id;
  });
  std::vector<bool> absorbed(findings.size(), false);
  for (size_t i = 0; i < findings.size(); ++i) {
    const Rule& r = rules.rules[findings[i].rule_index];
    if (r.attach_to.empty()) continue;
    long best = -1;
    uint64_t best_dist = 0;
    for (size_t j = 0; j < findings.size(); ++j) {
      if (j == i || absorbed[j] || findings[j].rule_id != r.attach_to) continue;
      const Finding& t = findings[j];
      bool has_role = std::any_of(t.parts.begin(), t.parts.end(),
                                  [&](const FindingPart& p) { return p.role == r.attach_role; });
      if (has_role) continue;
      uint64_t d = t.line > findings[i].line ? t.line - findings[i].line : findings[i].line - t.line;
      if (d > static_cast<uint64_t>(r.attach_lines)) continue;
      // Nearest wins; on a tie the target above (the ID usually precedes its secret).
      if (best < 0 || d < best_dist || (d == best_dist && t.offset < findings[best].offset)) {
        best = static_cast<long>(j);
        best_dist = d;
      }
    }
    if (best < 0) continue;
    Finding& t = findings[best];
    FindingPart p;
    p.role = r.attach_role;
    p.rule_id = findings[i].rule_id;
    p.secret = findings[i].secret;
    p.offset = findings[i].offset;
    p.line = findings[i].line;
    p.column = findings[i].column;
    t.parts.push_back(std::move(p));
    t.example = t.example || findings[i].example;
    absorbed[i] = true;
  }
  std::vector<Finding> out;
  out.reserve(findings.size());
  for (size_t i = 0; i < findings.size(); ++i)
    if (!absorbed[i]) out.push_back(std::move(findings[i]));
  findings.swap(out);
  for (auto& f : findings) enrich_aws_key(f);
}

}  // namespace keyhound
