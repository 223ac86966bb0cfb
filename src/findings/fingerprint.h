// Stable finding fingerprints: the same secret, rule and path give the same fingerprint on every
// run, wherever the line moves inside the file.
#pragma once
#include <string>

#include "findings/finding.h"

namespace keyhound {
// hex(SHA-256("keyhound-fp-v1\0" rule_id "\0" path "\0" secret [ "\0" part secrets ])), first 32
// hex digits. The secret is high-entropy and the hash is one-way, so the fingerprint reveals
// nothing recoverable; line numbers and commits are left out so reformatting does not change it.
std::string compute_fingerprint(const Finding& f);
// gitleaks' fingerprint of the same finding, "commit:file:rule:line" ("file:rule:line" outside
// git, file without a leading "./"): the form of gitleaks reports and of .gitleaksignore lines.
std::string gitleaks_fingerprint(const Finding& f);
}  // namespace keyhound
