// zip/jar/war/ear held in memory, read without libarchive: the central directory (zip64
// included) lists each member's name, method, sizes, CRC and local header; stored members are
// handed on in place and deflated ones inflated with libdeflate into a buffer of the size the
// directory declares. Only parsing and inflating live here; bounds and the sink are archive.cpp's.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace keyhound {

struct ZipEntry {
  std::string name;            // as stored (UTF-8 when flagged so, else bytes >= 0x80 as Latin-1)
  uint16_t made_by = 0, flags = 0, method = 0;
  uint32_t crc = 0, external = 0;
  uint64_t csize = 0, usize = 0, local = 0;  // compressed, uncompressed, local header offset
  uint64_t data = 0;           // where the bytes start (zip_locate), 0 until then

  bool encrypted() const { return (flags & 1) != 0 || method == 99; }
  bool directory() const { return !name.empty() && name.back() == '/'; }
  // The Unix file type from the external attributes (0 when the zip was not made on Unix).
  uint32_t unix_type() const { return made_by >> 8 == 3 ? (external >> 16) & 0170000 : 0; }
};

// Reads the central directory of the zip in `zip`. False when this is not a zip read here:
// no end record, a multi-disk or prefixed (self-extracting) zip, a directory that does not
// parse: libarchive gets it then. Entry offsets are not checked yet (zip_locate does).
bool read_zip_directory(std::string_view zip, std::vector<ZipEntry>& out, uint64_t& directory_offset);

// Checks the local header of `e` and sets e.data; false when it is missing, or its bytes run
// past `end` (the central directory), which is a damaged member.
bool zip_locate(std::string_view zip, uint64_t end, ZipEntry& e);

enum class ZipInflate { Ok, Damaged, SizeMismatch, CrcMismatch };
// The bytes of the located, stored or deflated member `e`: a view into `zip` when stored, else
// inflated into `out` (which must hold e.usize bytes). The CRC is checked either way.
ZipInflate zip_member_bytes(std::string_view zip, const ZipEntry& e, char* out, std::string_view& bytes);

}  // namespace keyhound
