#include "report/context_window.h"

#include <algorithm>
#include <vector>

#include "base/redact.h"

namespace keyhound {
namespace {

bool utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string context_window(const Finding& f, bool redact_secrets, size_t width) {
  if (f.line_text.empty()) return "";
  // Redact the whole line first: a window edge may then cut a redacted form, never a secret.
  std::vector<std::string> secrets{f.secret};
  for (auto& p : f.parts) secrets.push_back(p.secret);
  std::string text = redact_secrets ? redact_all(f.line_text, secrets) : f.line_text;
  std::string shown = redact_secrets ? redact(f.secret) : f.secret;
  size_t pos = shown.empty() ? std::string::npos : text.find(shown);
  if (pos == std::string::npos) pos = 0, shown.clear();
  // Only the line the secret starts on (a private key's block spans several).
  size_t line_start = text.rfind('\n', pos);
  line_start = line_start == std::string::npos ? 0 : line_start + 1;
  size_t line_end = text.find('\n', pos);
  if (line_end == std::string::npos) line_end = text.size();
  size_t len = std::min(shown.size(), line_end - pos);
  size_t a = line_start, b = line_end;
  if (b - a > width) {
    if (len >= width) {
      a = pos;
      b = pos + width;
    } else {
      size_t pad = (width - len) / 2;
      a = std::max(line_start, pos > pad ? pos - pad : 0);
      b = std::min(line_end, a + width);
      a = b - a < width ? std::max(line_start, b > width ? b - width : 0) : a;
    }
  }
  while (a > line_start && a < b && utf8_continuation(text[a])) ++a;
  while (b < line_end && b > a && utf8_continuation(text[b])) --b;
  std::string out;
  if (a > line_start) out += "...";
  out.append(text, a, b - a);
  if (b < line_end) out += "...";
  return out;
}

}  // namespace keyhound
