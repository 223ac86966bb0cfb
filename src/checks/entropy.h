// Shannon entropy of a byte string, in bits per character.
#pragma once
#include <string_view>

namespace keyhound {
double shannon_entropy(std::string_view s);
}
