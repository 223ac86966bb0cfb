#include "checks/checksum.h"

#include <cstdint>

#include "checks/embedded_json.h"

namespace keyhound {
namespace {

uint32_t crc32_ieee(std::string_view s) {
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : s) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  return c ^ 0xFFFFFFFFu;
}

std::string base62_fixed6(uint32_t v) {
  static const char* alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out(6, '0');
  for (int i = 5; i >= 0 && v; --i) {
    out[i] = alphabet[v % 62];
    v /= 62;
  }
  return out;
}

// GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_) and npm tokens (npm_): prefix, 30 random base62
// characters, then the CRC32 of those 30 characters in 6 base62 digits.
bool github_crc32(std::string_view token) {
  size_t us = token.find('_');
  if (us == std::string_view::npos) return false;
  std::string_view body = token.substr(us + 1);
  if (body.size() != 36) return false;
  return base62_fixed6(crc32_ieee(body.substr(0, 30))) == body.substr(30);
}

}  // namespace

// "base64-json": the token's embedded JSON object decodes whole (not a truncated copy).
bool known_checksum(const std::string& name) { return name == "github-crc32" || name == "base64-json"; }

bool verify_checksum(const std::string& name, std::string_view secret) {
  if (name == "github-crc32") return github_crc32(secret);
  if (name == "base64-json") return embedded_json_complete(secret);
  return false;
}

}  // namespace keyhound
