// .keyhound.toml: custom rules ([[rule]], same schema as rules/*.toml), `disable = [...]` and
// [[allowlist]] tables. See docs/suppression.md.
#pragma once
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "base/escape.h"

#include "findings/allowlist.h"
#include "rules/rule.h"

namespace keyhound {

// Thrown with one line: "<file>:<line>: <problem>".
// Bytes from the file (control characters, invalid UTF-8) are escaped: the message stays one
// line and cannot drive the terminal (fuzz-found).
struct ConfigError : std::runtime_error {
  explicit ConfigError(const std::string& msg) : std::runtime_error(escape_for_terminal(msg)) {}
};

struct Config {
  std::string path;
  std::vector<Rule> rules;                 // custom rules, compiled
  std::vector<std::string> disable;        // rule ids or families
  std::vector<Allowlist> allowlists;
  // Every rule id / family the config names (disable, allowlist scopes) with "file:line".
  std::vector<std::pair<std::string, std::string>> rule_refs;
  // A gitleaks config (config/gitleaks_config.h) translated into the fields above.
  bool from_gitleaks = false;
  bool builtin_rules = true;               // false: the config's rules are the whole rule set
  size_t gitleaks_rules = 0, gitleaks_rules_exact = 0;
  size_t gitleaks_allowlists = 0, gitleaks_allowlists_exact = 0;
  std::vector<std::string> translation_notes;  // one line per rule or allowlist not translated exactly
  // Rules that apply only to some paths (gitleaks `path`): findings elsewhere are suppressed.
  std::map<std::string, std::shared_ptr<re2::RE2>> rule_paths;
};

Config parse_config(const std::string& text, const std::string& origin);
Config load_config_file(const std::string& path);

struct RuleNames {
  std::set<std::string> names;                    // every rule id and family
  std::map<std::string, std::string> family_of;   // rule id -> family ("" if none)
};
// Rule ids and families of the built-in rules (when `builtin`), of the --rules paths and of the
// config's own rules. Reads the TOML only: no regex is compiled for the built-in rules.
RuleNames known_rule_names(const std::vector<std::string>& rule_paths, bool builtin, const Config* c = nullptr);
// Throws ConfigError naming file:line for the first id/family in `c.rule_refs` not in `known`.
void check_rule_references(const Config& c, const std::set<std::string>& known);

}  // namespace keyhound
