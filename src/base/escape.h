// Makes scanned bytes safe to print on a terminal: no control characters, no ANSI escapes.
#pragma once
#include <string>
#include <string_view>

namespace keyhound {
// Control bytes (including ESC) become \xNN, invalid UTF-8 bytes become \xNN, the rest is kept.
std::string escape_for_terminal(std::string_view s);
// Replaces invalid UTF-8 sequences with U+FFFD so the text can go into JSON.
std::string to_valid_utf8(std::string_view s);
}  // namespace keyhound
