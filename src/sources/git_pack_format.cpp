#include "sources/git_pack_format.h"

#include <cstring>

namespace keyhound {

int64_t pack_index_find(const uint8_t* fan, const uint8_t* oids, uint32_t n, const unsigned char* id) {
  uint32_t lo = id[0] ? git_be32(fan + 4 * (id[0] - 1)) : 0, hi = git_be32(fan + 4 * id[0]);
  if (hi > n) hi = n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    int c = std::memcmp(oids + 20 * size_t(mid), id, 20);
    if (c == 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

PackHeaderError parse_pack_object_header(const uint8_t* p, const uint8_t* end, PackObjectHeader& h) {
  const uint8_t* start = p;
  if (p >= end) return PackHeaderError::Header;
  uint8_t c = *p++;
  h.type = (c >> 4) & 7;
  uint64_t size = c & 15;
  // Up to 60 bits of size: a larger one no pack holds, and the shift would overflow.
  for (unsigned shift = 4; c & 0x80; shift += 7) {
    if (p >= end || shift > 57) return PackHeaderError::Header;
    c = *p++;
    size |= uint64_t(c & 0x7f) << shift;
  }
  h.size = size;
  h.base_distance = 0;
  h.base_id = nullptr;
  if (h.type == 6) {
    if (p >= end) return PackHeaderError::BaseOffset;
    c = *p++;
    uint64_t dist = c & 0x7f;
    while (c & 0x80) {
      if (p >= end || dist > (UINT64_MAX >> 8)) return PackHeaderError::BaseOffset;
      c = *p++;
      dist = ((dist + 1) << 7) | (c & 0x7f);
    }
    h.base_distance = dist;
  } else if (h.type == 7) {
    if (end - p < 20) return PackHeaderError::BaseId;
    h.base_id = p;
    p += 20;
  }
  h.length = static_cast<size_t>(p - start);
  return PackHeaderError::None;
}

}  // namespace keyhound
