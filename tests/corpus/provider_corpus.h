// A labelled corpus for every provider in the rule library: fresh fake keys derived from each
// rule's own examples (same shape, new random characters, valid checksums), planted in realistic
// files (.env, YAML, JSON, Python/JS/Go/shell source, Markdown, plain text), next to look-alikes
// that must not be reported (each rule's negative examples verbatim, truncated/embedded keys,
// placeholders). Generated from a seed at run time: the repository holds no key literals.
#pragma once
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "rules/rule.h"

namespace provider_corpus {

// One planted key: what a correct scan reports for it.
struct Label {
  std::string provider;
  std::string rule;    // rule the key was made for
  std::string secret;  // the exact secret a finding must carry
  std::string file;    // relative to the corpus root
  uint64_t line = 0;   // 1-based line where the secret starts
  std::string format;  // env, yaml, json, python, js, go, shell, markdown, text, ...
  std::string match;   // the rule's whole match around the secret (a URL, an assignment...)
};

// One look-alike spot (nothing may be reported there).
struct Lookalike {
  std::string provider;
  std::string rule;
  std::string kind;  // negative-example, truncated, embedded, placeholder
  std::string file;
  uint64_t line = 0;
};

struct Corpus {
  std::vector<Label> labels;
  std::vector<Lookalike> lookalikes;
  std::map<std::string, std::string> file_provider;  // every file written -> provider
  int rules_used = 0;
  int rules_skipped = 0;           // generic family, disabled, attach_to (merged into another finding)
  int shape_fallbacks = 0;         // keys that kept the example's characters (no fresh shape found)
  int mutations_skipped = 0;       // mutations still holding a key by some rule's format (not look-alikes)
  // Negative examples of one rule that are a key by another rule's format (regex + value
  // checks): left out of the look-alikes, listed for review.
  std::vector<std::string> negatives_of_other_formats;
  std::vector<std::string> notes;  // generator remarks (examples whose secret could not be found...)
};

// The rules the corpus is built from: the built-in rules with regexes compiled.
keyhound::RuleSet corpus_rules();

// Writes the corpus under `root` (created if missing). `keys_per_example` fresh keys are made
// from each example of each rule. The same seed gives the same tree.
Corpus generate_provider_corpus(const std::string& root, uint64_t seed, int keys_per_example = 2);

// A fresh secret of the same shape as `secret`, which sits at `offset` in `example`: protected
// literal parts (keywords, characters the regex does not let change) kept, every other letter or
// digit replaced by a random one of its segment's alphabet, punctuation kept; the rule's regex
// must still capture exactly the new secret in the example, and its checksum must hold.
// Returns "" when no such secret was found.
std::string fresh_secret(const keyhound::Rule& rule, const std::string& example, size_t offset,
                         const std::string& secret, std::mt19937_64& rng);

// True if `rule`'s regex captures exactly [offset, offset + len) of `text` as its secret.
bool regex_captures(const keyhound::Rule& rule, const std::string& text, size_t offset, size_t len);
// The same, setting `whole` to the regex's whole match.
bool regex_captures(const keyhound::Rule& rule, const std::string& text, size_t offset, size_t len,
                    std::string* whole);

}  // namespace provider_corpus
