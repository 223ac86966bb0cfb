#include "sources/zip_reader.h"

#include <libdeflate.h>

#include <memory>

namespace keyhound {

namespace {

uint64_t le(std::string_view s, size_t at, int n) {
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(s[at + i]);
  return v;
}

bool sig(std::string_view s, uint64_t at, uint32_t magic) { return at <= s.size() && s.size() - at >= 4 && le(s, at, 4) == magic; }

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (n < 0 || i + n >= s.size()) return false;
    for (int k = 1; k <= n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    i += n + 1;
  }
  return true;
}

// Names not flagged UTF-8 are CP437 by the format; most tools write UTF-8 anyway, so keep
// valid UTF-8 and read anything else as Latin-1 (the reports must hold UTF-8).
std::string name_of(std::string_view raw) {
  if (valid_utf8(raw)) return std::string(raw);
  std::string out;
  for (char ch : raw) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) out += ch;
    else out += static_cast<char>(0xC0 | c >> 6), out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

// The zip64 extended information (extra field 0x0001) of a directory entry: each value whose
// 32-bit field is all ones follows, in this order. False when one is missing.
bool zip64_extra(std::string_view extra, ZipEntry& e, bool want_usize, bool want_csize, bool want_local) {
  for (size_t p = 0; p + 4 <= extra.size();) {
    uint64_t id = le(extra, p, 2), len = le(extra, p + 2, 2);
    if (p + 4 + len > extra.size()) break;
    if (id == 1) {
      size_t q = p + 4, end = q + len;
      auto take = [&](bool want, uint64_t& v) {
        if (!want) return true;
        if (q + 8 > end) return false;
        v = le(extra, q, 8);
        q += 8;
        return true;
      };
      return take(want_usize, e.usize) && take(want_csize, e.csize) && take(want_local, e.local);
    }
    p += 4 + len;
  }
  return !want_usize && !want_csize && !want_local;
}

}  // namespace

bool read_zip_directory(std::string_view z, std::vector<ZipEntry>& out, uint64_t& directory_offset) {
  out.clear();
  if (z.size() < 22) return false;
  // The end record: the last "PK\5\6" whose comment ends at or before the end of the data.
  size_t eocd = std::string_view::npos;
  size_t lowest = z.size() > 22 + 65535 ? z.size() - 22 - 65535 : 0;
  for (size_t p = z.size() - 22 + 1; p-- > lowest;) {
    if (sig(z, p, 0x06054b50) && p + 22 + le(z, p + 20, 2) <= z.size()) {
      eocd = p;
      break;
    }
  }
  if (eocd == std::string_view::npos) return false;
  if (le(z, eocd + 4, 2) != 0 || le(z, eocd + 6, 2) != 0) return false;  // multi-disk
  uint64_t count = le(z, eocd + 10, 2), cd_size = le(z, eocd + 12, 4), cd_off = le(z, eocd + 16, 4);
  uint64_t cd_end = eocd;  // where the directory must end: the end record or the zip64 one
  if (count == 0xFFFF || cd_size == 0xFFFFFFFF || cd_off == 0xFFFFFFFF) {
    if (eocd < 20 || !sig(z, eocd - 20, 0x07064b50)) return false;
    uint64_t rec = le(z, eocd - 20 + 8, 8);
    if (rec > eocd - 20 || eocd - 20 - rec < 56 || !sig(z, rec, 0x06064b50)) return false;
    if (le(z, rec + 16, 4) != 0 || le(z, rec + 20, 4) != 0) return false;  // multi-disk
    count = le(z, rec + 32, 8), cd_size = le(z, rec + 40, 8), cd_off = le(z, rec + 48, 8);
    cd_end = rec;
  }
  // A zip whose offsets do not add up (data before it, a self-extractor) is libarchive's.
  if (cd_off > cd_end || cd_end - cd_off != cd_size || count > cd_size / 46) return false;
  out.reserve(count);
  uint64_t p = cd_off;
  for (uint64_t i = 0; i < count; ++i) {
    if (cd_end - p < 46 || !sig(z, p, 0x02014b50)) return false;
    ZipEntry e;
    e.made_by = static_cast<uint16_t>(le(z, p + 4, 2));
    e.flags = static_cast<uint16_t>(le(z, p + 8, 2));
    e.method = static_cast<uint16_t>(le(z, p + 10, 2));
    e.crc = static_cast<uint32_t>(le(z, p + 16, 4));
    e.csize = le(z, p + 20, 4);
    e.usize = le(z, p + 24, 4);
    uint64_t nlen = le(z, p + 28, 2), xlen = le(z, p + 30, 2), clen = le(z, p + 32, 2);
    e.external = static_cast<uint32_t>(le(z, p + 38, 4));
    e.local = le(z, p + 42, 4);
    if (cd_end - p - 46 < nlen + xlen + clen) return false;
    e.name = name_of(z.substr(p + 46, nlen));
    if (!zip64_extra(z.substr(p + 46 + nlen, xlen), e, e.usize == 0xFFFFFFFF, e.csize == 0xFFFFFFFF,
                     e.local == 0xFFFFFFFF))
      return false;
    out.push_back(std::move(e));
    p += 46 + nlen + xlen + clen;
  }
  directory_offset = cd_off;
  return true;
}

bool zip_locate(std::string_view z, uint64_t end, ZipEntry& e) {
  if (end > z.size() || e.local >= end || end - e.local < 30 || !sig(z, e.local, 0x04034b50)) return false;
  uint64_t data = e.local + 30 + le(z, e.local + 26, 2) + le(z, e.local + 28, 2);
  if (data > end || end - data < e.csize) return false;
  e.data = data;
  return true;
}

ZipInflate zip_member_bytes(std::string_view z, const ZipEntry& e, char* out, std::string_view& bytes) {
  std::string_view in = z.substr(e.data, e.csize);
  if (e.method == 0) {
    if (e.csize != e.usize) return ZipInflate::SizeMismatch;
    bytes = in;
  } else {
    thread_local std::unique_ptr<libdeflate_decompressor, void (*)(libdeflate_decompressor*)> dec(
        libdeflate_alloc_decompressor(), libdeflate_free_decompressor);
    if (!dec || !out) return ZipInflate::Damaged;
    size_t got = 0;
    libdeflate_result r = libdeflate_deflate_decompress(dec.get(), in.data(), in.size(), out, e.usize, &got);
    // More bytes than declared: the buffer ran out; fewer: the stream ended early.
    if (r == LIBDEFLATE_INSUFFICIENT_SPACE || (r == LIBDEFLATE_SUCCESS && got != e.usize))
      return ZipInflate::SizeMismatch;
    if (r != LIBDEFLATE_SUCCESS) return ZipInflate::Damaged;
    bytes = std::string_view(out, got);
  }
  if (libdeflate_crc32(0, bytes.data(), bytes.size()) != e.crc) return ZipInflate::CrcMismatch;
  return ZipInflate::Ok;
}

}  // namespace keyhound
