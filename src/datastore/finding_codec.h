// How a finding is kept in a datastore: its details as JSON (secrets redacted unless the
// datastore stores them) and a keyed hash of its secret, so equal secrets can be matched
// without keeping them.
#pragma once
#include <string>

#include "findings/finding.h"

namespace keyhound {

// The finding without provenance, fingerprint or run state (verification, suppression) as
// JSON text. Without `keep_secrets`, the secret, each part's secret, the match and the line
// are redacted (redact() of a redacted secret is itself, so reporters can redact again).
std::string encode_finding(const Finding& f, bool keep_secrets);
// The inverse; provenance and fingerprint are left for the caller. Throws on malformed text.
Finding decode_finding(const std::string& text);

// HMAC-SHA256 under `key` of the rule id and the secrets (the key's and each part's), hex.
std::string secret_hmac(const std::string& key, const Finding& f);

}  // namespace keyhound
