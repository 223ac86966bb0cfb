#include "sources/git_delta.h"

#include <cstring>

namespace keyhound {

bool delta_varint(const uint8_t*& p, const uint8_t* end, uint64_t& v) {
  v = 0;
  unsigned shift = 0;
  uint8_t c;
  do {
    if (p >= end || shift > 63) return false;
    c = *p++;
    v |= uint64_t(c & 0x7f) << shift;
    shift += 7;
  } while (c & 0x80);
  return true;
}

// Checks a delta's instructions against its base and the size it declares. "" on success;
// `data` points past the two size varints.
std::string check_delta(const uint8_t* d, const uint8_t* end, uint64_t base_len, uint64_t result) {
  uint64_t built = 0;
  while (d < end) {
    uint8_t op = *d++;
    if (op & 0x80) {
      uint64_t off = 0, len = 0;
      for (int i = 0; i < 4; ++i)
        if (op & (1 << i)) {
          if (d >= end) return "copy instruction runs past the delta";
          off |= uint64_t(*d++) << (8 * i);
        }
      for (int i = 0; i < 3; ++i)
        if (op & (0x10 << i)) {
          if (d >= end) return "copy instruction runs past the delta";
          len |= uint64_t(*d++) << (8 * i);
        }
      if (len == 0) len = 0x10000;
      if (off > base_len || len > base_len - off)
        return "copy of " + std::to_string(len) + " bytes at " + std::to_string(off) + " lies outside its " +
               std::to_string(base_len) + "-byte base";
      built += len;
    } else if (op) {
      if (uint64_t(end - d) < op) return "insert instruction runs past the delta";
      d += op;
      built += op;
    } else {
      return "reserved delta instruction 0";
    }
    if (built > result) break;
  }
  if (built != result)
    return "delta declares a " + std::to_string(result) + "-byte result but builds " + (built > result ? "more" : std::to_string(built));
  return "";
}

void apply_delta(const uint8_t* d, const uint8_t* end, const uint8_t* base, uint8_t* out) {
  while (d < end) {
    uint8_t op = *d++;
    if (op & 0x80) {
      uint64_t off = 0, len = 0;
      for (int i = 0; i < 4; ++i)
        if (op & (1 << i)) off |= uint64_t(*d++) << (8 * i);
      for (int i = 0; i < 3; ++i)
        if (op & (0x10 << i)) len |= uint64_t(*d++) << (8 * i);
      if (len == 0) len = 0x10000;
      std::memcpy(out, base + off, len);
      out += len;
    } else {
      std::memcpy(out, d, op);
      d += op;
      out += op;
    }
  }
}

bool apply_git_delta(std::string_view base, std::string_view delta, std::string& out, std::string& error) {
  const auto* d = reinterpret_cast<const uint8_t*>(delta.data());
  const uint8_t* end = d + delta.size();
  uint64_t base_size = 0, result = 0;
  if (!delta_varint(d, end, base_size) || !delta_varint(d, end, result)) {
    error = "delta header runs past the delta";
    return false;
  }
  if (base_size != base.size()) {
    error = "delta expects a " + std::to_string(base_size) + "-byte base, its base has " + std::to_string(base.size());
    return false;
  }
  if (std::string err = check_delta(d, end, base_size, result); !err.empty()) {
    error = err;
    return false;
  }
  out.assign(result, '\0');
  apply_delta(d, end, reinterpret_cast<const uint8_t*>(base.data()), reinterpret_cast<uint8_t*>(out.data()));
  return true;
}

}  // namespace keyhound
