// ASCII case folding for names, keywords and values (bytes above 0x7f are left alone).
#pragma once
#include <string>
#include <string_view>

namespace keyhound {
std::string ascii_lower(std::string_view s);
}  // namespace keyhound
