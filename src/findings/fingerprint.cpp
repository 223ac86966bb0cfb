#include "findings/fingerprint.h"

#include <openssl/sha.h>

namespace keyhound {

std::string sha256_hex(const std::string& data) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), d);
  static const char* hx = "0123456789abcdef";
  std::string s;
  for (unsigned char c : d) {
    s += hx[c >> 4];
    s += hx[c & 15];
  }
  return s;
}

std::string compute_fingerprint(const Finding& f) {
  std::string m = "keyhound-fp-v1";
  m += '\0';
  m += f.rule_id;
  m += '\0';
  m += f.where.path;
  m += '\0';
  m += f.secret;
  for (auto& p : f.parts) {
    m += '\0';
    m += p.role;
    m += '\0';
    m += p.secret;
  }
  return sha256_hex(m).substr(0, 32);
}

}  // namespace keyhound

namespace keyhound {
std::string gitleaks_fingerprint(const Finding& f) {
  std::string file = f.where.path.rfind("./", 0) == 0 ? f.where.path.substr(2) : f.where.path;
  std::string tail = file + ":" + f.rule_id + ":" + std::to_string(f.line);
  return f.where.commit.empty() ? tail : f.where.commit + ":" + tail;
}
}  // namespace keyhound
