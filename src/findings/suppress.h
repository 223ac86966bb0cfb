// Suppression of findings users have reviewed: the inline `keyhound:allow` marker (and, through
// findings/allowlist.*, config allowlists and baselines). Suppressed findings are kept, marked
// and counted, never silently dropped.
#pragma once
#include <string>

#include "findings/finding.h"

namespace keyhound {
// True if the finding's line carries the inline allow marker `keyhound:allow` (or gitleaks'
// `gitleaks:allow`), in any comment syntax (#, //, /* */, --, <!-- -->, ;, %, REM...): it is a
// marker anywhere in the line. For a pair, the line of either half counts (the ID's or the secret's).
bool has_inline_allow(const Finding& f);
// Marks the finding suppressed (kind "inSource") if its line carries the marker.
void apply_inline_allow(Finding& f);
}  // namespace keyhound
