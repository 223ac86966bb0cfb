#include "checks/embedded_json.h"

#include "decode/decoders.h"

namespace keyhound {
namespace {

// Decodes the run of `url` (-_) or standard (+/) characters from `at`; a last lone character
// (a run of 4n+1) is dropped, as its bits make no byte.
std::string decode_run(std::string_view s, size_t at, bool url) {
  size_t e = at;
  auto in = [&](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (url ? c == '-' || c == '_' : c == '+' || c == '/');
  };
  while (e < s.size() && in(s[e])) ++e;
  std::string_view run = s.substr(at, e - at);
  if (run.size() % 4 == 1) run.remove_suffix(1);
  std::string out;
  base64_decode(run, url, out);
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
