#include "findings/attach.h"

#include <algorithm>
#include <cstdlib>

#include "checks/aws_key.h"
#include "findings/suppress.h"

namespace keyhound {

namespace {

// Rules that know a value only by the name it is assigned to (the opt-in "generic" family and the
// default-on "assignment" family) yield to a provider's rule on the same bytes.
bool generic(const RuleSet& rules, const Finding& f) {
  const std::string& fam = rules.rules[f.rule_index].family;
  return fam == "generic" || fam == "assignment";
}

// How much a rule says about the secret's own bytes, beyond where they sit: a checksum it
// carries, a pair it belongs to (an AWS secret and its key ID), evidence it demands nearby. A
// rule that only knows "the value after Password=" scores 0.
int own_evidence(const RuleSet& rules, const Finding& f) {
  const Rule& r = rules.rules[f.rule_index];
  int score = 0;
  if (!r.checksum.empty()) score += 4;
  if (!r.attach_to.empty() || !f.parts.empty()) score += 2;
  if (!r.context_line.empty() || !r.context_nearby.empty()) score += 1;
  return score;
}

// Which of two findings on one span is kept: one that stands on its own over one still waiting
// for file evidence; a provider's rule over a generic one; then the
// rule that knows more about the bytes themselves (an AWS secret inside a JDBC URL's password
// is an AWS secret first); then the match with more evidence around the secret
// ("secret_token = ..." over "token = ..."), the more severe rule, the rule ID.
bool more_specific(const RuleSet& rules, const Finding& a, const Finding& b) {
  // A candidate still waiting for its file to be evidence may yet be dropped: it never
  // absorbs a finding that stands on its own.
  bool pa = !a.evidence_files.empty(), pb = !b.evidence_files.empty();
  if (pa != pb) return pb;
  bool ga = generic(rules, a), gb = generic(rules, b);
  if (ga != gb) return gb;
  int ea = own_evidence(rules, a), eb = own_evidence(rules, b);
  if (ea != eb) return ea > eb;
  if (a.match.size() != b.match.size()) return a.match.size() > b.match.size();
  Severity sa = rules.rules[a.rule_index].severity, sb = rules.rules[b.rule_index].severity;
  if (sa != sb) return sa < sb;  // Critical sorts first
  return a.rule_id < b.rule_id;
}

// One span, one finding: findings of two rules on the same bytes, and a generic rule's finding
// overlapping a provider's, are folded into the more specific one, which names the others in
// "also_matched" (its advice and verification are the ones shown). Two provider rules on
// overlapping but different spans both stay: they report different bytes.
void merge_same_span(const RuleSet& rules, std::vector<Finding>& findings) {
  std::vector<bool> dropped(findings.size(), false);
  for (size_t i = 0; i < findings.size(); ++i) {
    if (dropped[i]) continue;
    for (size_t j = i + 1; j < findings.size() && findings[j].offset < findings[i].offset + findings[i].secret.size();
         ++j) {
      if (dropped[j]) continue;
      Finding& a = findings[i];
      Finding& b = findings[j];
      bool same = a.offset == b.offset && a.secret.size() == b.secret.size();
      bool ga = generic(rules, a), gb = generic(rules, b);
      if (!ga && !gb && !same) continue;
      if (!same && ga == gb) continue;
      size_t loser = more_specific(rules, a, b) ? j : i, winner = loser == j ? i : j;
      // Both wait for their files, different ones: only the path can say which stands, so the
      // loser is kept as the winner's fallback (attach_provenance decides).
      if (!a.evidence_files.empty() && !b.evidence_files.empty() && a.evidence_files != b.evidence_files) {
        Finding& w = findings[winner];
        Finding& l = findings[loser];
        for (auto& fb : l.fallbacks) w.fallbacks.push_back(std::move(fb));
        l.fallbacks.clear();
        w.fallbacks.push_back(std::move(l));
        dropped[loser] = true;
        if (loser == i) break;
        continue;
      }
      std::string& also = findings[winner].properties["also_matched"];
      also += (also.empty() ? "" : ",") + findings[loser].rule_id;
      if (auto it = findings[loser].properties.find("also_matched"); it != findings[loser].properties.end())
        also += "," + it->second;
      dropped[loser] = true;
      if (loser == i) break;
    }
  }
  std::vector<Finding> out;
  out.reserve(findings.size());
  for (size_t i = 0; i < findings.size(); ++i)
    if (!dropped[i]) out.push_back(std::move(findings[i]));
  findings.swap(out);
}

}  // namespace

void finalize_findings(const RuleSet& rules, std::vector<Finding>& findings) {
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    if (a.offset != b.offset) return a.offset < b.offset;
    return a.rule_id < b.rule_id;
  });
  merge_same_span(rules, findings);
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
    p.line_allows = has_inline_allow(findings[i]);
    t.parts.push_back(std::move(p));
    // A pair gives an attacker what either half does, and more: never less severe than a half.
    Severity part_sev = r.severity, target_sev = rules.rules[t.rule_index].severity;
    if (auto it = t.properties.find("severity"); it != t.properties.end()) parse_severity(it->second, &target_sev);
    if (part_sev < target_sev) t.properties["severity"] = severity_name(part_sev);
    t.example = t.example || findings[i].example;
    // Rules folded into the half still matched these bytes: the pair names them.
    if (auto it = findings[i].properties.find("also_matched"); it != findings[i].properties.end()) {
      std::string& also = t.properties["also_matched"];
      also += (also.empty() ? "" : ",") + it->second;
    }
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
