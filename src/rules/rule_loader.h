// Loads rules/*.toml text into Rule structs, compiles their regexes and validates them.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

#include "base/escape.h"
#include "rules/rule.h"

namespace keyhound {

// Thrown with a one-line message naming the file, the rule id and the problem. Control bytes
// that came from the rule text (a regex written over several lines, an escape sequence in an id)
// are shown as \xNN, so the message stays one line and cannot drive the terminal (fuzz-found).
struct RuleError : std::runtime_error {
  explicit RuleError(const std::string& msg) : std::runtime_error(escape_for_terminal(msg)) {}
};

// Parses one rule file's text. `origin` names it in error messages. With `lazy_regex` the
// regexes are not compiled yet (Scanner compiles each rule's on first use).
std::vector<Rule> parse_rule_file(const std::string& text, const std::string& origin, bool lazy_regex = false);
// Reads a file, or every *.toml in a directory (sorted), and parses it.
std::vector<Rule> load_rule_path(const std::string& path);
// The built-in rules (rules/*.toml, compiled into the binary at build time: builtin_rules.cpp),
// with fields checked and regexes not compiled yet. Without `examples`, each rule's examples and
// negative_examples are left empty: only `rules check` runs them, and copying them was a third
// of the rules' memory at every start.
std::vector<Rule> load_builtin_rules(bool examples = true);
// Rule::secret_group value for gitleaks' choice when a rule names no group: the first capture
// group that matched text, else the whole match. Set only by translated gitleaks configs.
constexpr int kFirstNonEmptyGroup = -2;
// Compiles regexes and checks fields; throws RuleError.
void compile_rule(Rule& r);
// The two halves of compile_rule: fields only; regexes only (sets re, context_*_re and the
// default secret_group; throws RuleError naming the file and rule).
void check_rule_fields(Rule& r);
void compile_rule_regexes(Rule& r);
// Builds a RuleSet: rejects duplicate ids and unknown attach_to targets, sorts by id.
RuleSet make_rule_set(std::vector<Rule> rules);

}  // namespace keyhound
