// Git's pack formats, read the same way by the pack walker (git_pack) and the object reader
// (git_objects): big-endian fields, the id lookup of a version-2 .idx, and an object's header.
#pragma once
#include <cstddef>
#include <cstdint>

namespace keyhound {

inline uint32_t git_be32(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}

// The position of `id` among the `n` sorted ids of a version-2 pack index (`fan`: its fan-out
// table, `oids`: its ids), or -1. A fan-out entry above n is read as n, so a damaged table
// reads no further than the ids.
int64_t pack_index_find(const uint8_t* fan, const uint8_t* oids, uint32_t n, const unsigned char* id);

// The header of the object at [p, end) in a pack: type and inflated size, then for a delta
// where its base is.
struct PackObjectHeader {
  unsigned type = 0;                 // 1-4 commit, tree, blob, tag; 6 OFS_DELTA; 7 REF_DELTA; else unknown
  uint64_t size = 0;                 // inflated size (of the delta instructions, for a delta)
  uint64_t base_distance = 0;        // OFS_DELTA: how many bytes before this object its base starts
  const uint8_t* base_id = nullptr;  // REF_DELTA: the base's 20-byte id
  size_t length = 0;                 // header bytes: the zlib data starts here
};
enum class PackHeaderError { None, Header, BaseOffset, BaseId };
// Every byte read is bounds-checked against `end` and no varint may overflow. The type is not
// judged, nor whether the base distance stays inside the pack: callers decide those.
PackHeaderError parse_pack_object_header(const uint8_t* p, const uint8_t* end, PackObjectHeader& h);

}  // namespace keyhound
