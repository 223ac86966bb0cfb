// How a finding is kept in a datastore and read back: its details as JSON (secrets redacted
// unless the datastore stores them), a keyed hash of its secret, so equal secrets can be matched
// without keeping them, and which stored occurrences a reader keeps.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "findings/finding.h"

namespace keyhound {

// The finding without provenance, fingerprint or run state (verification, suppression) as
// JSON text. Without `keep_secrets`, the secret, each part's secret, the match and the line
// are redacted (redact() of a redacted secret is itself, so reporters can redact again).
std::string encode_finding(const Finding& f, bool keep_secrets);
// The inverse; provenance and fingerprint are left for the caller. Throws on malformed text.
Finding decode_finding(const std::string& text);

// decode_finding() once per distinct text: a report of many forks reads the same details once
// per fork. Keeps at most `capacity` decoded findings (then starts over).
class FindingDecoder {
 public:
  explicit FindingDecoder(size_t capacity = 50000) : capacity_(capacity) {}
  const Finding& decode(const std::string& text);

 private:
  size_t capacity_;
  std::unordered_map<std::string, Finding> cache_;
};

// Which stored occurrences a reader keeps, met in report order (by repository, then seq): with
// first_only the first per (repository, fingerprint); else each place once (one two tasks
// recorded at once comes twice).
class OccurrenceSeen {
 public:
  explicit OccurrenceSeen(bool first_only) : first_only_(first_only) {}
  bool first(const std::string& repository, const std::string& fingerprint, const std::string& blob,
             const std::string& commit, const std::string& path, int64_t line, int64_t col);

 private:
  bool first_only_;
  std::unordered_set<std::string> seen_;
};

// HMAC-SHA256 under `key` of the rule id and the secrets (the key's and each part's), hex.
std::string secret_hmac(const std::string& key, const Finding& f);

}  // namespace keyhound
