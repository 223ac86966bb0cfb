#include "checks/jwt_example.h"

#include <string>

#include "base/hex.h"

namespace keyhound {
namespace {

std::string base64url(const unsigned char* p, size_t n) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = p[i] << 16 | (i + 1 < n ? p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
    out += a[v >> 18 & 63];
    out += a[v >> 12 & 63];
    if (i + 1 < n) out += a[v >> 6 & 63];
    if (i + 2 < n) out += a[v & 63];
  }
  return out;
}

}  // namespace

bool jwt_signed_with_demo_secret(std::string_view token) {
  size_t d1 = token.find('.');
  if (d1 == std::string_view::npos) return false;
  size_t d2 = token.find('.', d1 + 1);
  // 32 bytes of HMAC-SHA256 are 43 base64url characters.
  if (d2 == std::string_view::npos || token.size() - d2 - 1 != 43) return false;
  std::string_view signed_part = token.substr(0, d2), sig = token.substr(d2 + 1);
  static const char* secrets[] = {"secret", "your-256-bit-secret", "your-secret-key", "secretkey",
                                  "secret-key", "mysecret", "my-secret", "shhhhh", "key", "changeme"};
  for (const char* s : secrets) {
    std::string mac = hmac_sha256(s, signed_part);
    if (base64url(reinterpret_cast<const unsigned char*>(mac.data()), mac.size()) == sig) return true;
  }
  return false;
}

}  // namespace keyhound
