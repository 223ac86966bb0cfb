// The context shown with a finding: a window of its line around the secret, so the key is
// visible on minified JS, lockfiles and single-line JSON, marked where the line was cut.
#pragma once
#include <cstddef>
#include <string>

#include "findings/finding.h"

namespace keyhound {

// At most about `width` bytes of the finding's line centred on its secret, redacted if asked
// (every secret of the finding), with "..." on each side where the line goes on. "" when the
// finding has no line text.
std::string context_window(const Finding& f, bool redact_secrets, size_t width);

}  // namespace keyhound
