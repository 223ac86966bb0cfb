#include "findings/fingerprint.h"

#include "base/hex.h"

namespace keyhound {

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

std::string gitleaks_fingerprint(const Finding& f) {
  std::string file = f.where.path.rfind("./", 0) == 0 ? f.where.path.substr(2) : f.where.path;
  std::string tail = file + ":" + f.rule_id + ":" + std::to_string(f.line);
  return f.where.commit.empty() ? tail : f.where.commit + ":" + tail;
}

}  // namespace keyhound
