// Evidence around a candidate secret: its line and the lines near it.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "rules/rule.h"

namespace keyhound {
// True if the rule's context_line regex matches the secret's line, or its context_nearby regex
// matches within context_lines lines of it. The secret itself is blanked out first, so a key
// cannot be its own evidence. Looks at most `limit` bytes either side of the secret.
bool has_context_evidence(const Rule& rule, std::string_view buf, size_t soff, size_t slen,
                          size_t limit);
// The line holding buf[soff, soff+slen), at most `limit` bytes either side of the secret.
std::string line_around(std::string_view buf, size_t soff, size_t slen, size_t limit);
}  // namespace keyhound
