// Per-finding facts that need the provenance: fingerprint, root-credential files.
#pragma once
#include "findings/finding.h"

namespace keyhound {
// Sets f.where, the fingerprint, and marks AWS keys from root-credential files (rootkey.csv,
// AWSAccessKeyId=/AWSSecretKey= lines) as root_credentials.
void attach_provenance(Finding& f, const Provenance& where);
}  // namespace keyhound
