// The current time in UTC as text, in a strftime format (ISO 8601 by default).
#pragma once
#include <string>

namespace keyhound {
std::string utc_now_text(const char* format = "%Y-%m-%dT%H:%M:%SZ");
}  // namespace keyhound
