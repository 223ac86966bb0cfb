#include "base/redact.h"

#include <algorithm>

namespace keyhound {

std::string redact(std::string_view s) {
  size_t keep = s.size() >= 16 ? 4 : s.size() >= 10 ? 2 : 0;
  std::string head(s.substr(0, keep)), tail(s.substr(s.size() - keep));
  for (std::string* p : {&head, &tail})
    for (char& c : *p)
      if (c == '\n' || c == '\r') c = ' ';
  size_t stars = std::min<size_t>(s.size() - 2 * keep, 32);
  if (stars == 0) stars = 1;
  return head + std::string(stars, '*') + tail;
}

std::string redact_all(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& s : secrets) {
    if (s.empty()) continue;
    std::string r = redact(s);
    for (size_t pos = text.find(s); pos != std::string::npos; pos = text.find(s, pos + r.size()))
      text.replace(pos, s.size(), r);
  }
  return text;
}

}  // namespace keyhound
