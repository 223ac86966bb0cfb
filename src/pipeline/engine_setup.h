// Builds the rule set, the Hyperscan database and the scanner from command-line choices.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "engine/database.h"
#include "engine/scanner.h"
#include "rules/rule.h"

namespace keyhound {

struct EngineChoices {
  std::vector<std::string> rule_paths;   // --rules
  std::vector<std::string> enable;       // rule ids, families or providers to switch on
  std::vector<std::string> disable;      // rule ids, families or providers to switch off
  std::vector<Rule> extra_rules;         // from a config file
  bool use_cache = true;
  bool builtin = true;                   // false: only --rules and config rules
  bool verbose = false;                  // say on stderr why there is no cache
};

struct Engine {
  RuleSet rules;
  std::unique_ptr<Database> db;
  std::unique_ptr<Scanner> scanner;
};

// --enable / --disable: each name (rule ID, family, provider, or "all" for --enable) switches
// the rules it selects on or off. Throws RuleError for a name that selects nothing.
void apply_enable_disable(RuleSet& rules, const std::vector<std::string>& enable,
                          const std::vector<std::string>& disable);
// Throws RuleError / std::runtime_error with a one-line message.
std::unique_ptr<Engine> build_engine(const EngineChoices& c);
// Built-in rules plus --rules paths (no compilation of the database).
RuleSet load_rules(const std::vector<std::string>& rule_paths, const std::vector<Rule>& extra = {},
                   bool builtin = true);

}  // namespace keyhound
