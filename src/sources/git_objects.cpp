#include "sources/git_objects.h"

#include <dirent.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "base/hex.h"
#include "base/sha1.h"
#include "sources/git_delta.h"
#include "sources/git_pack_format.h"

namespace keyhound {

namespace {

// Longer delta chains than git ever writes (its --depth maximum is 4095) are left to libgit2.
constexpr int kMaxDepth = 5000;
// Objects larger than this are left to libgit2 (it reads them, then they are skipped as too
// large or scanned as before).
constexpr uint64_t kMaxObject = 1ull << 31;

const char* type_name(GitObjectType t) {
  switch (t) {
    case GitObjectType::Commit: return "commit";
    case GitObjectType::Tree: return "tree";
    case GitObjectType::Blob: return "blob";
    case GitObjectType::Tag: return "tag";
    default: return "";
  }
}

bool hashes_to(const unsigned char* id, GitObjectType type, std::string_view data) {
  Sha1 h;
  std::string hdr = std::string(type_name(type)) + " " + std::to_string(data.size());
  h.update(std::string_view(hdr.data(), hdr.size() + 1));  // with its NUL
  h.update(data);
  unsigned char d[20];
  h.final(d);
  return std::memcmp(d, id, 20) == 0;
}

// A read-only mapping of a whole file.
struct Mapping {
  const uint8_t* data = nullptr;
  size_t size = 0;
  ~Mapping() {
    if (data) munmap(const_cast<uint8_t*>(data), size);
  }
  bool map(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st {};
    bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
    if (ok) {
      void* p = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      ok = p != MAP_FAILED;
      if (ok) {
        data = static_cast<const uint8_t*>(p);
        size = static_cast<size_t>(st.st_size);
      }
    }
    ::close(fd);
    return ok;
  }
};

// zlib data at [p, end) that must inflate to exactly `size` bytes.
bool inflate_exact(const uint8_t* p, const uint8_t* end, uint64_t size, std::string& out) {
  // No zlib stream expands more than ~1032:1: a larger declared size is damage, refused before
  // anything is allocated.
  if (size > kMaxObject || size > uint64_t(end - p) * 1032 + 64) return false;
  out.resize(size);
  libdeflate_decompressor* d = libdeflate_alloc_decompressor();
  if (!d) return false;
  size_t in_used = 0;
  libdeflate_result r = libdeflate_zlib_decompress_ex(d, p, static_cast<size_t>(end - p), out.data(), size, &in_used, nullptr);
  libdeflate_free_decompressor(d);
  return r == LIBDEFLATE_SUCCESS;
}

}  // namespace

struct GitObjectReader::Pack {
  Mapping idx, pack;
  uint32_t n = 0;
  // The position of `id` in the index, or -1.
  int64_t find(const unsigned char* id) const { return pack_index_find(idx.data + 8, idx.data + 8 + 1024, n, id); }
  // The pack offset of index position i; false when the index is damaged there.
  bool offset(uint32_t i, uint64_t& off) const {
    const uint8_t* offs = idx.data + 8 + 1024 + 24 * size_t(n);
    uint32_t o = git_be32(offs + 4 * size_t(i));
    off = o;
    if (o & 0x80000000u) {
      uint64_t k = o & 0x7fffffffu;
      const uint8_t* large = offs + 4 * size_t(n) + 8 * k;
      if (large + 8 > idx.data + idx.size - 40) return false;
      off = (uint64_t(git_be32(large)) << 32) | git_be32(large + 4);
    }
    return off >= 12 && off < pack.size - 20;
  }
};

GitObjectReader::~GitObjectReader() = default;

std::unique_ptr<GitObjectReader> GitObjectReader::open(const std::string& git_dir, std::string* why) {
  std::unique_ptr<GitObjectReader> r(new GitObjectReader());
  r->objects_ = git_dir + "objects/";
  struct stat st {};
  if (stat((r->objects_ + "info/alternates").c_str(), &st) == 0) {
    if (why) *why = "objects/info/alternates";
    return nullptr;
  }
  std::string dir = r->objects_ + "pack/";
  DIR* d = opendir(dir.c_str());
  if (!d) return r;  // no packs: loose objects only
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() < 5 || name.compare(name.size() - 4, 4, ".idx") != 0) continue;
    auto p = std::make_unique<Pack>();
    std::string base = dir + name.substr(0, name.size() - 4);
    // A pack this reader cannot use (v1 index, damage, no .pack) is skipped: an object only
    // there is "not found", and libgit2 reads it.
    if (!p->idx.map(base + ".idx") || !p->pack.map(base + ".pack")) continue;
    static const uint8_t magic[4] = {0xff, 't', 'O', 'c'};
    if (p->idx.size < 8 + 1024 + 40 || std::memcmp(p->idx.data, magic, 4) != 0 || git_be32(p->idx.data + 4) != 2) continue;
    p->n = git_be32(p->idx.data + 8 + 4 * 255);
    if (8 + 1024 + uint64_t(p->n) * 28 + 40 > p->idx.size) continue;
    if (p->pack.size < 32 || std::memcmp(p->pack.data, "PACK", 4) != 0 || git_be32(p->pack.data + 8) != p->n) continue;
    r->packs_.push_back(std::move(p));
  }
  closedir(d);
  return r;
}

bool GitObjectReader::in_pack_index(const unsigned char* id) const {
  for (auto& p : packs_)
    if (p->find(id) >= 0) return true;
  return false;
}

bool GitObjectReader::read(const unsigned char* id, GitObjectType& type, std::string& data) const {
  if (read_loose(id, type, data) || read_packed(id, type, data, 0)) return hashes_to(id, type, data);
  return false;
}

bool GitObjectReader::read_loose(const unsigned char* id, GitObjectType& type, std::string& data) const {
  std::string hex = hex_encode(std::string_view(reinterpret_cast<const char*>(id), 20));
  Mapping m;
  if (!m.map(objects_ + hex.substr(0, 2) + "/" + hex.substr(2))) return false;
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return false;
  zs.next_in = const_cast<Bytef*>(m.data);
  zs.avail_in = static_cast<uInt>(std::min<size_t>(m.size, UINT32_MAX));
  // The header: "<type> <decimal size>\0".
  char hdr[64];
  zs.next_out = reinterpret_cast<Bytef*>(hdr);
  zs.avail_out = sizeof hdr;
  int rc = inflate(&zs, Z_SYNC_FLUSH);
  size_t got = sizeof hdr - zs.avail_out;
  const char* nul = static_cast<const char*>(std::memchr(hdr, '\0', got));
  bool ok = (rc == Z_OK || rc == Z_STREAM_END) && nul && m.size <= UINT32_MAX;
  uint64_t size = 0;
  if (ok) {
    std::string_view h(hdr, static_cast<size_t>(nul - hdr));
    size_t sp = h.find(' ');
    std::string_view t = h.substr(0, sp == std::string_view::npos ? 0 : sp);
    std::string_view num = sp == std::string_view::npos ? "" : h.substr(sp + 1);
    type = t == "commit" ? GitObjectType::Commit
           : t == "tree" ? GitObjectType::Tree
           : t == "blob" ? GitObjectType::Blob
           : t == "tag"  ? GitObjectType::Tag
                         : GitObjectType::None;
    ok = type != GitObjectType::None && !num.empty() && num.size() <= 12 &&
         num.find_first_not_of("0123456789") == std::string_view::npos && (num.size() == 1 || num[0] != '0');
    if (ok) size = std::stoull(std::string(num));
    ok = ok && size <= kMaxObject && size <= uint64_t(m.size) * 1032 + 64;
  }
  if (ok) {
    size_t already = got - static_cast<size_t>(nul + 1 - hdr);
    ok = already <= size;
    if (ok) {
      data.resize(size);
      std::memcpy(data.data(), nul + 1, already);
      zs.next_out = reinterpret_cast<Bytef*>(data.data() + already);
      zs.avail_out = static_cast<uInt>(size - already);
      if (rc != Z_STREAM_END) rc = inflate(&zs, Z_FINISH);
      // Exactly `size` bytes, then the end of the stream (a header that lies is refused).
      ok = rc == Z_STREAM_END && zs.avail_out == 0;
    }
  }
  inflateEnd(&zs);
  return ok;
}

bool GitObjectReader::read_packed(const unsigned char* id, GitObjectType& type, std::string& data, int depth) const {
  for (auto& p : packs_) {
    int64_t i = p->find(id);
    uint64_t off = 0;
    if (i >= 0 && p->offset(static_cast<uint32_t>(i), off) && build_at(*p, off, type, data, depth)) return true;
  }
  return false;
}

// The object whose header is at `offset` of pack `p`: inflated, and its delta chain applied.
bool GitObjectReader::build_at(const Pack& p, uint64_t offset, GitObjectType& type, std::string& data,
                               int depth) const {
  if (depth > kMaxDepth) return false;
  const uint8_t* end = p.pack.data + p.pack.size - 20;
  PackObjectHeader h;
  if (parse_pack_object_header(p.pack.data + offset, end, h) != PackHeaderError::None) return false;
  const uint8_t* q = p.pack.data + offset + h.length;
  if (h.type >= 1 && h.type <= 4) {
    type = static_cast<GitObjectType>(h.type);
    return inflate_exact(q, end, h.size, data);
  }
  std::string base;
  if (h.type == 6) {  // OFS_DELTA: the base sits a varint's distance before this object
    if (h.base_distance == 0 || h.base_distance > offset - 12) return false;
    if (!build_at(p, offset - h.base_distance, type, base, depth + 1)) return false;
  } else if (h.type == 7) {  // REF_DELTA: the base by id, in any pack
    if (!read_packed(h.base_id, type, base, depth + 1)) return false;
  } else {
    return false;
  }
  std::string delta;
  if (!inflate_exact(q, end, h.size, delta)) return false;
  std::string error;
  return apply_git_delta(base, delta, data, error);
}

bool parse_git_tree(std::string_view d, std::vector<GitTreeEntry>& out) {
  out.clear();
  size_t i = 0;
  std::string_view prev;
  bool prev_tree = false;
  while (i < d.size()) {
    size_t sp = d.find(' ', i);
    if (sp == std::string_view::npos) return false;
    std::string_view m = d.substr(i, sp - i);
    uint32_t mode = m == "100644" ? 0100644u
                    : m == "100755" ? 0100755u
                    : m == "120000" ? 0120000u
                    : m == "40000"  ? 040000u
                    : m == "160000" ? 0160000u
                                    : 0u;
    if (!mode) return false;
    size_t nul = d.find('\0', sp + 1);
    if (nul == std::string_view::npos || d.size() - nul - 1 < 20) return false;
    std::string_view name = d.substr(sp + 1, nul - sp - 1);
    if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos) return false;
    bool is_tree = mode == 040000u;
    // Git's order: names compared as if a tree's had a '/' after it; strictly increasing.
    if (!out.empty()) {
      std::string a(prev), b(name);
      if (prev_tree) a += '/';
      if (is_tree) b += '/';
      if (!(a < b) || prev == name) return false;
    }
    out.push_back({name, mode, reinterpret_cast<const unsigned char*>(d.data() + nul + 1)});
    prev = name;
    prev_tree = is_tree;
    i = nul + 21;
  }
  return true;
}

}  // namespace keyhound
