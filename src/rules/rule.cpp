#include "rules/rule.h"

namespace keyhound {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::Critical: return "critical";
    case Severity::High: return "high";
    case Severity::Medium: return "medium";
    case Severity::Low: return "low";
    case Severity::Note: return "note";
  }
  return "high";
}

bool parse_severity(const std::string& s, Severity* out) {
  static const std::pair<const char*, Severity> names[] = {
      {"critical", Severity::Critical}, {"high", Severity::High}, {"medium", Severity::Medium},
      {"low", Severity::Low}, {"note", Severity::Note}};
  for (auto& [n, v] : names)
    if (s == n) { *out = v; return true; }
  return false;
}

int RuleSet::find(const std::string& id) const {
  for (size_t i = 0; i < rules.size(); ++i)
    if (rules[i].id == id) return static_cast<int>(i);
  return -1;
}

}  // namespace keyhound
