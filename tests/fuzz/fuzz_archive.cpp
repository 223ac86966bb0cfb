// Archive-reader fuzzer (src/sources/archive.*): arbitrary bytes, or bytes wrapped in a gzip
// or a stored zip so the fuzzer reaches past the container, through read_archive with small
// bounds. The sink sees begin, data..., end in order, never more member bytes than the bound
// allows (plus one block), and every path starts with the archive's name; never a crash, a
// hang or a file written.
//
// Input layout: byte 0 % 5 = 0 raw, 1 gzip-wrapped, 2 one stored zip member, 3 the data split
// into deflated and stored zip members (a zip64 directory when byte 1 is odd), 4 such a zip
// with fields patched: the first bytes are (offset, value) pairs XORed into it, so the zip
// reader (src/sources/zip_reader.*) meets lying sizes, offsets, counts and CRCs.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/escape.h"
#include "sources/archive.h"

using namespace keyhound;

namespace {
[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_archive: %s\n", what);
  std::abort();
}

void put(std::string& s, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) s += static_cast<char>((v >> (8 * i)) & 0xFF);
}

// zlib's deflate with the given window bits: 31 writes a gzip file, -15 raw deflate (a zip member).
std::string deflate_bits(std::string_view data, int window_bits) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
  std::string out(compressBound(data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = data.size();
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = out.size();
  deflate(&z, Z_FINISH);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}
std::string gzip(std::string_view data) { return deflate_bits(data, 31); }
std::string deflate_raw(std::string_view data) { return deflate_bits(data, -15); }

// The data cut into up to four members at '|' bytes, deflated and stored in turn, a directory
// entry named "d/" among them; zip64 records and extra fields when asked.
std::string multi_zip(std::string_view data, bool zip64) {
  std::string out, cd;
  int count = 0;
  auto add = [&](const std::string& name, std::string_view m, bool deflated) {
    uint32_t crc = crc32(0, reinterpret_cast<const Bytef*>(m.data()), m.size());
    std::string body = deflated ? deflate_raw(m) : std::string(m);
    uint64_t off = out.size(), small = zip64 ? 0xFFFFFFFF : 0;
    put(out, 0x04034b50, 4), put(out, 45, 2), put(out, 0, 2), put(out, deflated ? 8 : 0, 2), put(out, 0, 4);
    put(out, crc, 4), put(out, body.size(), 4), put(out, m.size(), 4), put(out, name.size(), 2), put(out, 0, 2);
    out += name + body;
    std::string extra;
    if (zip64) put(extra, 1, 2), put(extra, 24, 2), put(extra, m.size(), 8), put(extra, body.size(), 8), put(extra, off, 8);
    put(cd, 0x02014b50, 4), put(cd, 0x031e, 2), put(cd, 45, 2), put(cd, 0, 2), put(cd, deflated ? 8 : 0, 2);
    put(cd, 0, 4), put(cd, crc, 4), put(cd, small ? small : body.size(), 4), put(cd, small ? small : m.size(), 4);
    put(cd, name.size(), 2), put(cd, extra.size(), 2), put(cd, 0, 2), put(cd, 0, 2), put(cd, 0, 2);
    put(cd, 0100644u << 16, 4), put(cd, small ? small : off, 4);
    cd += name + extra;
    ++count;
  };
  add("d/", "", false);
  for (int i = 0; i < 4 && !data.empty(); ++i) {
    size_t cut = i == 3 ? data.size() : std::min(data.find('|'), data.size());
    add("d/m" + std::to_string(i), data.substr(0, cut), i % 2 == 0);
    data.remove_prefix(std::min(cut + 1, data.size()));
  }
  uint64_t cd_off = out.size();
  out += cd;
  if (zip64) {
    uint64_t rec = out.size();
    put(out, 0x06064b50, 4), put(out, 44, 8), put(out, 45, 2), put(out, 45, 2), put(out, 0, 4), put(out, 0, 4);
    put(out, count, 8), put(out, count, 8), put(out, cd.size(), 8), put(out, cd_off, 8);
    put(out, 0x07064b50, 4), put(out, 0, 4), put(out, rec, 8), put(out, 1, 4);
    put(out, 0x06054b50, 4), put(out, 0, 2), put(out, 0, 2), put(out, 0xFFFF, 2), put(out, 0xFFFF, 2);
    put(out, 0xFFFFFFFF, 4), put(out, 0xFFFFFFFF, 4), put(out, 0, 2);
  } else {
    put(out, 0x06054b50, 4), put(out, 0, 2), put(out, 0, 2), put(out, count, 2), put(out, count, 2);
    put(out, cd.size(), 4), put(out, cd_off, 4), put(out, 0, 2);
  }
  return out;
}

std::string stored_zip(std::string_view data) {
  const std::string name = "m";
  uint32_t crc = crc32(0, reinterpret_cast<const Bytef*>(data.data()), data.size());
  std::string out, cd;
  put(out, 0x04034b50, 4), put(out, 20, 2), put(out, 0, 2), put(out, 0, 2), put(out, 0, 4);
  put(out, crc, 4), put(out, data.size(), 4), put(out, data.size(), 4), put(out, name.size(), 2), put(out, 0, 2);
  out += name;
  out += data;
  put(cd, 0x02014b50, 4), put(cd, 20, 2), put(cd, 20, 2), put(cd, 0, 2), put(cd, 0, 2), put(cd, 0, 4);
  put(cd, crc, 4), put(cd, data.size(), 4), put(cd, data.size(), 4), put(cd, name.size(), 2), put(cd, 0, 2);
  put(cd, 0, 2), put(cd, 0, 2), put(cd, 0, 2), put(cd, 0, 4), put(cd, 0, 4);
  cd += name;
  uint64_t off = out.size();
  out += cd;
  put(out, 0x06054b50, 4), put(out, 0, 2), put(out, 0, 2), put(out, 1, 2), put(out, 1, 2);
  put(out, cd.size(), 4), put(out, off, 4), put(out, 0, 2);
  return out;
}

class CheckingSink : public ArchiveSink {
 public:
  void begin(const std::string& path) override {
    if (open_) fail("begin inside a member");
    if (path.rfind("fuzz!", 0) != 0) fail("member path does not start with the archive's name");
    open_ = true;
  }
  void data(std::string_view chunk) override {
    if (!open_) fail("data outside a member");
    bytes_ += chunk.size();
  }
  void end() override {
    if (!open_) fail("end without begin");
    open_ = false;
  }
  void skipped(const std::string& path, SkipReason, const std::string& line) override {
    if (path.rfind("fuzz", 0) != 0) fail("skipped path does not start with the archive's name");
    // Member names and libarchive's messages may hold newlines; the warning is printed through
    // escape_for_terminal (print_warning), which must make it one line.
    if (keyhound::escape_for_terminal(line).find('\n') != std::string::npos) fail("a warning of more than one line");
  }
  bool open_ = false;
  uint64_t bytes_ = 0;
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string input;
  switch (data[0] % 5) {
    case 0: input.assign(rest); break;
    case 1: input = gzip(rest); break;
    case 2: input = stored_zip(rest); break;
    case 3: input = multi_zip(rest.substr(std::min<size_t>(1, rest.size())), !rest.empty() && rest[0] & 1); break;
    default: {
      // Up to 8 (offset, value) pairs of 3 bytes, then the members' data.
      size_t pairs = std::min<size_t>(rest.size() / 3, 8);
      input = multi_zip(rest.substr(pairs * 3), pairs % 2 == 1);
      for (size_t i = 0; i < pairs && !input.empty(); ++i) {
        size_t at = (static_cast<unsigned char>(rest[3 * i]) | static_cast<unsigned char>(rest[3 * i + 1]) << 8) % input.size();
        input[at] = static_cast<char>(input[at] ^ rest[3 * i + 2]);
      }
      break;
    }
  }
  ArchiveLimits lim;
  lim.max_bytes = 8u << 20;
  lim.max_seconds = 5;
  lim.max_members = 1000;
  CheckingSink sink;
  read_archive(input, "fuzz", lim, sink);
  if (sink.open_) fail("a member left open");
  // One block (at most 64 KiB from libarchive, or the 512-byte head) may pass the bound check.
  if (sink.bytes_ > lim.max_bytes + (1u << 20)) fail("more member bytes than --archive-max-bytes");
  return 0;
}
