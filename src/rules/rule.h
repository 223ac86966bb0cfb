// The rule model: what a rules/*.toml entry says, after loading and compiling.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "rules/provider_facts.h"

namespace re2 { class RE2; }

namespace keyhound {

enum class Severity { Critical, High, Medium, Low, Note };

// The keyword that is no literal: the rule's regex runs over every item no longer than its
// window (a file that is only a key: Rails' config/master.key is 32 hex digits).
inline constexpr const char* kWholeItemKeyword = "\\A";
const char* severity_name(Severity s);
bool parse_severity(const std::string& s, Severity* out);

struct Rule {
  std::string id;
  std::string name;
  std::string provider;
  std::string description;
  std::string reference;
  std::string source_file;  // where the rule was defined (for error messages)
  std::vector<std::string> keywords;
  std::string regex;
  int secret_group = -1;  // -1 = default (1 if the regex has a group, else 0)
  double min_entropy = 0.0;
  int window = 256;
  std::string checksum;
  // A named check of the value's form instead of its randomness ("password", "password-hash",
  // "base64-userpass": src/checks/password.h); the rule file's `check` field.
  std::string value_check;
  Severity severity = Severity::High;
  std::string family;
  bool enabled = true;
  std::string context_line;
  std::string context_nearby;
  int context_lines = 5;
  // Shape checks the secret must pass ("identifier", "path", "letters-only": src/checks/shape.h).
  std::vector<std::string> reject_shapes;
  // Files whose path or name is evidence for the provider (datadog.yaml, .s3cfg): a secret
  // lacking context evidence is kept when its file matches one of these globs.
  std::vector<std::string> evidence_files;
  // Keys the provider prints in its own documentation: reported only as examples.
  std::vector<std::string> doc_examples;
  // Decoders the rule asks for beyond those every rule gets ("hex": src/decode/): a key written
  // as hex is reported only for rules that say the form is theirs.
  std::vector<std::string> decode;
  // Enrichment, verification and advice beyond matching (rules/provider_facts.h).
  ProviderFacts facts;
  std::string attach_to;
  std::string attach_role;
  int attach_lines = 5;
  std::vector<std::string> examples;
  std::vector<std::string> negative_examples;

  // Compiled forms, filled by compile_rule().
  std::shared_ptr<re2::RE2> re;
  std::shared_ptr<re2::RE2> context_line_re;
  std::shared_ptr<re2::RE2> context_nearby_re;
};

// All rules in play, in a stable order (by id). Index into `rules` is the rule's handle.
struct RuleSet {
  std::vector<Rule> rules;
  int find(const std::string& id) const;  // -1 if absent
};

}  // namespace keyhound
