#include "checks/aws_key.h"

#include <cstdint>
#include <cstdio>

namespace keyhound {
namespace {
int b32(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}
}  // namespace

std::string aws_key_kind(std::string_view id) {
  if (id.size() < 4) return "";
  std::string_view p = id.substr(0, 4);
  if (p == "AKIA") return "long-term";
  if (p == "ASIA") return "temporary";
  if (p == "ABIA") return "bearer-token";
  if (p == "ACCA") return "context-specific";
  return "";
}

std::optional<std::string> aws_account_id(std::string_view id) {
  // Base32-decode the 16 characters after the prefix; the first 6 bytes, masked with
  // 0x7fffffffff80 and shifted right by 7, are the account ID.
  if (id.size() != 20) return std::nullopt;
  uint64_t bits = 0;
  int nbits = 0;
  uint64_t first48 = 0;
  int got = 0;
  for (size_t i = 4; i < id.size() && got < 48; ++i) {
    int v = b32(id[i]);
    if (v < 0) return std::nullopt;
    bits = (bits << 5) | static_cast<uint64_t>(v);
    nbits += 5;
    while (nbits >= 8 && got < 48) {
      nbits -= 8;
      first48 = (first48 << 8) | ((bits >> nbits) & 0xff);
      got += 8;
    }
  }
  if (got < 48) return std::nullopt;
  if (!(first48 & (1ull << 47))) return std::nullopt;  // older ID format: no account inside
  uint64_t account = (first48 & 0x7fffffffff80ull) >> 7;
  // Account IDs have 12 digits; a larger value means the ID was not issued by AWS.
  if (account > 999999999999ull) return std::nullopt;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%012llu", static_cast<unsigned long long>(account));
  return std::string(buf);
}

void enrich_aws_key(Finding& f) {
  if (f.facts.enrich != Enricher::AwsAccessKey) return;
  std::string kind = aws_key_kind(f.secret);
  if (!kind.empty()) f.properties["kind"] = kind;
  if (auto acct = aws_account_id(f.secret)) f.properties["aws_account_id"] = *acct;
}

}  // namespace keyhound
