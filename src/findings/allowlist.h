// Config allowlists: "this finding is fine", stated precisely. One [[allowlist]] table of
// .keyhound.toml becomes one Allowlist. Its criteria are alternatives (condition "OR", the
// default) or must all hold (condition "AND"); `rules` limits it to some rule ids / families.
#pragma once
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "findings/finding.h"
#include "findings/glob.h"

namespace re2 { class RE2; }

namespace keyhound {

struct Allowlist {
  std::string description;
  std::string origin;                    // "file:line" of the [[allowlist]] table
  std::vector<std::string> rules;        // rule ids or families; empty = every rule
  bool all_conditions = false;           // condition = "AND"
  std::vector<PathGlob> paths;
  std::vector<std::shared_ptr<re2::RE2>> path_regexes;  // gitleaks configs: paths are regexes
  std::vector<std::shared_ptr<re2::RE2>> secrets;  // over the secret (and attached parts)
  std::vector<std::shared_ptr<re2::RE2>> lines;    // over the whole line (Finding.line_text)
  std::vector<std::shared_ptr<re2::RE2>> matches;  // over the whole regex match (gitleaks regexTarget "match")
  std::set<std::string> fingerprints;
  std::vector<std::string> commits;      // full or abbreviated (>= 7 hex digits), lowercase
  std::vector<std::string> stopwords;    // lowercase; substring of the secret, case-insensitive

  // A short name for suppression reasons: the description, else the origin.
  std::string label() const;
  bool applies_to_rule(const std::string& rule_id, const std::string& family) const;
  // Only path criteria and no rule scope: a match skips the whole file.
  bool is_path_only() const;
  bool matches_path(const std::string& rel_path) const;
  // The criterion that allowlists this finding ("path", "secret", "line", "match", "fingerprint",
  // "commit", "stopword"), or "" if none / out of scope. `rel_path` is the finding's path relative
  // to the root; `fingerprint` its root-relative fingerprint.
  std::string match(const Finding& f, const std::string& family, const std::string& rel_path,
                    const std::string& fingerprint) const;
};

}  // namespace keyhound
