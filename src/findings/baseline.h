// Baselines (--baseline-out / --baseline) and .keyhoundignore: sets of finding fingerprints a
// team has reviewed. See docs/suppression.md for the file formats.
#pragma once
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "base/escape.h"

#include "findings/finding.h"

namespace keyhound {

// Thrown with a one-line message naming the file (and line where known).
// Bytes from the file (control characters, invalid UTF-8) are escaped: the message stays one
// line and cannot drive the terminal (fuzz-found).
struct SuppressionFileError : std::runtime_error {
  explicit SuppressionFileError(const std::string& msg) : std::runtime_error(escape_for_terminal(msg)) {}
};

// What a baseline fingerprint hashes, written into every baseline for reviewers.
extern const char* const kFingerprintDescription;

// True for a well-formed fingerprint: 32 lowercase hex digits.
bool is_fingerprint(const std::string& s);

// The baseline JSON for these findings (secrets redacted):
// {"keyhound_baseline": 1, "fingerprint_hashes": "...", "findings": [{fingerprint, rule_id, path, line,
//  secret, commit}]}, sorted by path, line, fingerprint; one entry per fingerprint.
std::string baseline_json(const std::vector<Finding>& findings);
// Parses baseline text; `origin` names it in errors. Returns the fingerprints.
std::set<std::string> parse_baseline(const std::string& text, const std::string& origin);
// Reads and parses a baseline file.
std::set<std::string> load_baseline_file(const std::string& path);
// .keyhoundignore: one fingerprint per line, '#' starts a comment, blank lines ignored.
std::set<std::string> parse_ignore_file(const std::string& text, const std::string& origin);

}  // namespace keyhound
