// The built-in rules' provider facts (rules/provider_facts.h) by rule ID, for unit tests that
// build findings by hand: the finding then carries what the scanner would have copied.
#pragma once
#include <gtest/gtest.h>

#include <string>

#include "findings/finding.h"
#include "rules/rule_loader.h"

namespace keyhound_test {

// The built-in rule `rule_id` (an empty rule when there is none, and the test fails).
inline const keyhound::Rule& builtin_rule(const std::string& rule_id) {
  static const keyhound::RuleSet rules = keyhound::make_rule_set(keyhound::load_builtin_rules());
  static const keyhound::Rule none;
  int i = rules.find(rule_id);
  EXPECT_GE(i, 0) << "no built-in rule " << rule_id;
  return i >= 0 ? rules.rules[i] : none;
}

inline keyhound::ProviderFacts builtin_facts(const std::string& rule_id) { return builtin_rule(rule_id).facts; }

// A finding of built-in rule `rule_id`, as the scanner starts it.
inline keyhound::Finding finding_of(const std::string& rule_id) {
  keyhound::Finding f;
  f.rule_id = rule_id;
  f.facts = builtin_facts(rule_id);
  return f;
}

}  // namespace keyhound_test
