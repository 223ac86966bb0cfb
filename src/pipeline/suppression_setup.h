// Everything that decides which findings a user has already accepted, for one scan: the
// .keyhound.toml config (allowlists, disabled rules, custom rules), the inline marker, a
// baseline file, .keyhoundignore and gitleaks' .gitleaksignore. Shared by `scan` and `git`. See docs/suppression.md.
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
  bool no_config = false;      // --no-config: neither <root>/.keyhound.toml nor <root>/.keyhoundignore
  std::string baseline_path;   // --baseline FILE
  // To check rule ids named by the config (disable, allowlist scopes): --rules paths and whether
  // the built-in rules are in play.
  std::vector<std::string> rule_paths;
  bool builtin_rules = true;
};

struct Suppression {
  std::vector<Rule> extra_rules;          // custom rules from the config
  std::vector<std::string> disabled_rules;
  bool builtin_rules = true;              // false: a gitleaks config without [extend] useDefault
  // Allowlisted path globs (skip the file; a directory path ends in '/'). Paths may be relative
  // or start with the root; they are matched relative to the root.
  std::function<bool(const std::string&)> exclude_path;
  // Sets the root-relative fingerprint and marks suppressed / baseline_state.
  std::function<void(Finding&)> post_process;
  std::string config_file;                // the config in use ("" = none)
  std::string ignore_file;                // the .keyhoundignore in use ("" = none)
  std::string gitleaks_ignore_file;       // the .gitleaksignore in use ("" = none)
  size_t allowlists = 0, ignored_fingerprints = 0, baseline_fingerprints = 0;
};

// Loads config, baseline and ignore files. Throws std::runtime_error with a one-line message
// naming the file (and line) on malformed input; nothing is half-applied.
Suppression load_suppression(const SuppressionInputs& in);

// `path` relative to `root` ("./" prefixes dropped); unchanged if it is not under root.
std::string relative_to_root(const std::string& path, const std::string& root);

// The findings a --baseline-out file records: those reported, plus those suppressed only
// because an older baseline already had them.
std::vector<Finding> baseline_findings(const std::vector<Finding>& findings);

}  // namespace keyhound
