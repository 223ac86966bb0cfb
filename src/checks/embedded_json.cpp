#include "checks/embedded_json.h"

namespace keyhound {
namespace {

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

// Decodes the run of `url` (-_) or standard (+/) characters from `at`; trailing bits dropped.
std::string decode_run(std::string_view s, size_t at, bool url) {
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (size_t i = at; i < s.size(); ++i) {
    char c = s[i];
    bool other = url ? (c == '+' || c == '/') : (c == '-' || c == '_');
    int v = other ? -1 : b64_value(c);
    if (v < 0) break;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace

std::string embedded_json(std::string_view token) {
  size_t at = token.find("eyJ");
  if (at == std::string_view::npos) return "";
  // The alphabet the token uses: a Sentry org token is standard base64 followed by _signature,
  // a Mapbox token URL-safe base64 followed by .signature.
  std::string std_run = decode_run(token, at, false), url_run = decode_run(token, at, true);
  auto whole = [](const std::string& s) { return !s.empty() && s.back() == '}'; };
  if (whole(std_run)) return std_run;
  if (whole(url_run)) return url_run;
  return std_run.size() >= url_run.size() ? std_run : url_run;
}

bool embedded_json_complete(std::string_view token) {
  std::string j = embedded_json(token);
  return !j.empty() && j.front() == '{' && j.back() == '}';
}

}  // namespace keyhound
