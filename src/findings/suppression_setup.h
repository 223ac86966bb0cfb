// Everything that decides which findings a user has already accepted, for one scan: the
// .keyhound.toml config (allowlists, disabled rules, custom rules), the inline marker, a
// baseline file and .keyhoundignore. Shared by `scan` and `git`.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "findings/finding.h"
#include "rules/rule.h"

namespace keyhound {

struct SuppressionInputs {
  std::string root;            // scan root (directory) or repository work dir: where config is found
  std::string config_path;     // --config FILE ("" = auto-discover .keyhound.toml in root)
  bool no_config = false;      // --no-config
  std::string baseline_path;   // --baseline FILE
};

struct Suppression {
  std::vector<Rule> extra_rules;          // custom rules from the config
  std::vector<std::string> disabled_rules;
  std::function<bool(const std::string&)> exclude_path;  // allowlisted path globs (skip the file)
  std::function<void(Finding&)> post_process;            // marks suppressed / baseline_state
};

// Loads config, baseline and ignore files. Throws std::runtime_error with a one-line message
// naming the file (and line) on malformed input; nothing is half-applied.
Suppression load_suppression(const SuppressionInputs& in);

}  // namespace keyhound
