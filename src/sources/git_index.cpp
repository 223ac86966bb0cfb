#include "sources/git_index.h"
#include "sources/git_pack_format.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

namespace keyhound {
namespace {

uint16_t be16(const unsigned char* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

// The cache-tree ("TREE"): nodes in pre-order, each "<name>\0<entries> <subtrees>\n[oid]".
bool parse_tree_node(const unsigned char*& p, const unsigned char* end, CacheTreeNode& node, std::string* name,
                     int depth) {
  if (depth > 4096) return false;
  const void* nul = std::memchr(p, 0, static_cast<size_t>(end - p));
  if (!nul) return false;
  if (name) name->assign(reinterpret_cast<const char*>(p), static_cast<const unsigned char*>(nul) - p);
  p = static_cast<const unsigned char*>(nul) + 1;
  auto number = [&](char stop, long* out) {
    bool neg = p < end && *p == '-';
    if (neg) ++p;
    long v = 0;
    const unsigned char* start = p;
    while (p < end && *p >= '0' && *p <= '9' && p - start < 9) v = v * 10 + (*p++ - '0');
    if (p == start || p >= end || *p != static_cast<unsigned char>(stop)) return false;
    ++p;
    *out = neg ? -v : v;
    return true;
  };
  long entries = 0, subtrees = 0;
  if (!number(' ', &entries) || !number('\n', &subtrees) || subtrees < 0) return false;
  node.entry_count = static_cast<int>(entries);
  node.valid = entries >= 0;
  if (node.valid) {
    if (end - p < 20) return false;
    std::memcpy(node.oid, p, 20);
    p += 20;
  }
  for (long i = 0; i < subtrees; ++i) {
    auto child = std::make_unique<CacheTreeNode>();
    std::string child_name;
    if (!parse_tree_node(p, end, *child, &child_name, depth + 1)) return false;
    node.children[child_name] = std::move(child);
  }
  return true;
}

}  // namespace

GitIndexFile::GitIndexFile(GitIndexFile&& o) noexcept { *this = std::move(o); }

GitIndexFile& GitIndexFile::operator=(GitIndexFile&& o) noexcept {
  if (this != &o) {
    if (map_) ::munmap(map_, map_size_);
    map_ = o.map_;
    map_size_ = o.map_size_;
    o.map_ = nullptr;
    o.map_size_ = 0;
    v4_paths_ = std::move(o.v4_paths_);
    version_ = o.version_;
    entries_ = std::move(o.entries_);
    cache_tree_ = std::move(o.cache_tree_);
  }
  return *this;
}

GitIndexFile::~GitIndexFile() {
  if (map_) ::munmap(map_, map_size_);
}

std::optional<GitIndexFile> GitIndexFile::read(const std::string& path, std::string* why) {
  auto no = [&](const char* reason) -> std::optional<GitIndexFile> {
    if (why) *why = reason;
    return std::nullopt;
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return no("cannot open the index");
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 12 + 20) {
    ::close(fd);
    return no("not a regular file of index size");
  }
  GitIndexFile f;
  f.map_size_ = static_cast<size_t>(st.st_size);
  // Every byte is read: mapped in one go (MAP_POPULATE) rather than a page fault per 64 KiB
  // (~135 faults for a 100,000-file index; a fault costs tens of microseconds on a VM).
  void* m = ::mmap(nullptr, f.map_size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  ::close(fd);
  if (m == MAP_FAILED) return no("cannot map the index");
  f.map_ = m;
  const unsigned char* base = static_cast<const unsigned char*>(m);
  const unsigned char* end = base + f.map_size_ - 20;  // the trailing checksum
  if (std::memcmp(base, "DIRC", 4) != 0) return no("no DIRC signature");
  f.version_ = static_cast<int>(git_be32(base + 4));
  if (f.version_ < 2 || f.version_ > 4) return no("index version other than 2-4");
  uint32_t count = git_be32(base + 8);
  if (count > (f.map_size_ - 32) / 62) return no("entry count larger than the file");
  f.entries_.resize(count);
  const unsigned char* p = base + 12;
  if (f.version_ == 4) f.v4_paths_.reserve(static_cast<size_t>(count) * 32);
  std::vector<std::pair<size_t, size_t>> v4_spans;  // (offset, length) into v4_paths_
  std::string prev;
  for (uint32_t i = 0; i < count; ++i) {
    IndexEntry& e = f.entries_[i];
    if (end - p < 62) return no("truncated entry");
    e.mode = git_be32(p + 24);
    e.oid = p + 40;
    uint16_t flags = be16(p + 60);
    e.assume_valid = flags & 0x8000;
    e.stage = static_cast<uint8_t>((flags >> 12) & 3);
    size_t name_len = flags & 0xfff;
    const unsigned char* q = p + 62;
    if (flags & 0x4000) {
      if (f.version_ < 3) return no("extended flags in a version 2 index");
      if (end - q < 2) return no("truncated entry");
      uint16_t ext = be16(q);
      if (ext & ~(0x4000 | 0x2000)) return no("unknown extended flags");
      e.skip_worktree = ext & 0x4000;
      e.intent_to_add = ext & 0x2000;
      q += 2;
    }
    if (f.version_ == 4) {
      // Strip N bytes off the previous path (git's offset varint), then a NUL-terminated suffix.
      uint64_t strip = 0;
      unsigned char c;
      int n = 0;
      do {
        if (q >= end || ++n > 9) return no("bad path prefix length");
        c = *q++;
        strip = n == 1 ? (c & 127) : ((strip + 1) << 7) | (c & 127);
      } while (c & 128);
      if (strip > prev.size()) return no("bad path prefix length");
      const void* nul = std::memchr(q, 0, static_cast<size_t>(end - q));
      if (!nul) return no("unterminated path");
      size_t suffix = static_cast<const unsigned char*>(nul) - q;
      prev.resize(prev.size() - strip);
      prev.append(reinterpret_cast<const char*>(q), suffix);
      q += suffix + 1;
      v4_spans.emplace_back(f.v4_paths_.size(), prev.size());
      f.v4_paths_.insert(f.v4_paths_.end(), prev.begin(), prev.end());
      p = q;
    } else {
      size_t len = name_len;
      if (name_len == 0xfff) {  // the length field saturates: the path ends at its NUL
        const void* nul = std::memchr(q, 0, static_cast<size_t>(end - q));
        if (!nul) return no("unterminated path");
        len = static_cast<const unsigned char*>(nul) - q;
      }
      if (static_cast<size_t>(end - q) < len + 1 || q[len] != 0) return no("bad path length");
      e.path = std::string_view(reinterpret_cast<const char*>(q), len);
      size_t size = ((q - p) + len + 8) & ~size_t(7);  // NUL padding to a multiple of 8
      if (static_cast<size_t>(end - p) < size) return no("truncated entry");
      p += size;
    }
    // libgit2 1.5 refuses a version 4 index holding a path of 4095 bytes or more: so does this
    // reader, and libgit2 then reports it as before.
    if (f.version_ == 4 && (name_len == 0xfff || prev.size() != name_len)) return no("a long path in version 4");
  }
  if (f.version_ == 4)
    for (uint32_t i = 0; i < count; ++i)
      f.entries_[i].path = std::string_view(f.v4_paths_.data() + v4_spans[i].first, v4_spans[i].second);
  for (uint32_t i = 0; i < count; ++i) {
    const IndexEntry& e = f.entries_[i];
    if (e.path.empty() || e.path.front() == '/' || e.path.back() == '/') return no("bad path");
    if (i) {
      const IndexEntry& a = f.entries_[i - 1];
      int c = a.path.compare(e.path);
      if (c > 0 || (c == 0 && a.stage >= e.stage)) return no("entries out of order");
    }
  }
  // Extensions: a required one (lower-case first letter) we do not know means we must not
  // read this index (split index "link", sparse index "sdir"); optional ones are skipped.
  while (end - p >= 8) {
    const unsigned char* sig = p;
    uint32_t size = git_be32(p + 4);
    p += 8;
    if (static_cast<size_t>(end - p) < size) return no("truncated extension");
    if (std::memcmp(sig, "TREE", 4) == 0) {
      const unsigned char* t = p;
      auto root = std::make_unique<CacheTreeNode>();
      if (size > 0) {
        if (!parse_tree_node(t, p + size, *root, nullptr, 0) || t != p + size) return no("bad cache-tree");
        f.cache_tree_ = std::move(root);
      }
    } else if (sig[0] < 'A' || sig[0] > 'Z') {
      return no("required index extension this reader does not know");
    }
    p += size;
  }
  if (p != end) return no("trailing bytes after the extensions");
  return f;
}

}  // namespace keyhound
