#include "rules/builtin_rules.h"

#include "rules/rule_loader.h"

namespace keyhound {
namespace {
std::string str(BuiltinRuleRow::Str s) { return std::string(builtin_rule_text() + s.offset, s.size); }
std::vector<std::string> list(BuiltinRuleRow::List l) {
  const BuiltinRuleRow::Str* items = builtin_rule_list_items() + l.first;
  std::vector<std::string> out;
  out.reserve(l.size);
  for (size_t i = 0; i < l.size; ++i) out.push_back(str(items[i]));
  return out;
}
}  // namespace

std::vector<Rule> load_builtin_rules(bool examples) {
  // Checked at build time (tools/rulegen.cpp) and by the tests; their regexes compile on first
  // use (Scanner), so start-up (the pre-commit hook) does not pay for compiling every rule.
  size_t n = 0;
  const BuiltinRuleRow* rows = builtin_rule_rows(&n);
  std::vector<Rule> out(n);
  for (size_t i = 0; i < n; ++i) {
    const BuiltinRuleRow& w = rows[i];
    Rule& r = out[i];
    r.id = str(w.id);
    r.name = str(w.name);
    r.provider = str(w.provider);
    r.description = str(w.description);
    r.reference = str(w.reference);
    r.source_file = str(w.source_file);
    r.keywords = list(w.keywords);
    r.regex = str(w.regex);
    r.secret_group = w.secret_group;
    r.min_entropy = w.min_entropy;
    r.window = w.window;
    r.checksum = str(w.checksum);
    r.value_check = str(w.value_check);
    r.severity = static_cast<Severity>(w.severity);
    r.family = str(w.family);
    r.enabled = w.enabled;
    r.context_line = str(w.context_line);
    r.context_nearby = str(w.context_nearby);
    r.context_lines = w.context_lines;
    r.reject_shapes = list(w.reject_shapes);
    r.evidence_files = list(w.evidence_files);
    r.doc_examples = list(w.doc_examples);
    r.decode = list(w.decode);
    r.facts.enrich = static_cast<Enricher>(w.enrich);
    r.facts.verify = static_cast<VerifyWith>(w.verify);
    r.facts.remediation = static_cast<RemediationKind>(w.remediation);
    r.attach_to = str(w.attach_to);
    r.attach_role = str(w.attach_role);
    r.attach_lines = w.attach_lines;
    if (examples) {
      r.examples = list(w.examples);
      r.negative_examples = list(w.negative_examples);
    }
  }
  return out;
}

}  // namespace keyhound
