// Runs every rule's examples (must produce a finding of that rule) and negative examples (must
// not) through the real engine: Hyperscan keywords, RE2 windows, checks and pairing.
#pragma once
#include <string>
#include <vector>

#include "rules/rule.h"

namespace keyhound {
// Returns one line per failure, naming the file, rule id and example. `rules` is used with
// every rule enabled. Examples of rules in `only` (all when empty) are checked.
std::vector<std::string> check_rule_examples(const RuleSet& rules, const std::vector<std::string>& only = {});
}  // namespace keyhound
