// Per-finding facts that need the provenance: fingerprint, root-credential files.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "findings/finding.h"

namespace keyhound {
// True if `path` (as a source names it: relative, "./"-prefixed or absolute) matches one of
// the rule's evidence_files globs.
bool path_is_evidence(const std::vector<std::string>& globs, std::string_view path);
// Sets f.where and the fingerprint, clears f.evidence_files when the path is such evidence,
// and marks AWS keys from root-credential files (rootkey.csv, AWSAccessKeyId=/AWSSecretKey=
// lines) as root_credentials.
void attach_provenance(Finding& f, const Provenance& where);
}  // namespace keyhound
