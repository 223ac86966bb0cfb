#include "sources/git_pack.h"

#include "sources/git_delta.h"
#include "sources/git_pack_format.h"

#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libdeflate.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>

#include "base/parallel.h"
#include "sources/git_source.h"

namespace keyhound {

namespace {

constexpr uint32_t kNone = UINT32_MAX;
constexpr size_t kMaxErrorsPerPack = 50;

enum RawType : uint8_t { kCommit = 1, kTree = 2, kBlob = 3, kTag = 4, kOfsDelta = 6, kRefDelta = 7 };

git_object_t to_git_type(uint8_t t) {
  switch (t) {
    case kCommit: return GIT_OBJECT_COMMIT;
    case kTree: return GIT_OBJECT_TREE;
    case kBlob: return GIT_OBJECT_BLOB;
    case kTag: return GIT_OBJECT_TAG;
    default: return GIT_OBJECT_INVALID;
  }
}

// An id as 40 hex digits, from its 20 raw bytes in the index.
std::string hex(const uint8_t* id) {
  git_oid o;
  git_oid_fromraw(&o, id);
  return oid_hex(o);
}

// A read-only mapping of a whole file (or borrowed memory).
struct Region {
  const uint8_t* data = nullptr;
  size_t size = 0;
  bool mapped = false;
  Region() = default;
  Region(const Region&) = delete;
  Region& operator=(const Region&) = delete;
  ~Region() {
    if (mapped && data) munmap(const_cast<uint8_t*>(data), size);
  }
  // "" on success, else the problem.
  std::string map(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::string("cannot open: ") + std::strerror(errno);
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return "not a regular file";
    }
    size = static_cast<size_t>(st.st_size);
    if (size == 0) {
      ::close(fd);
      return "";
    }
    void* p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) {
      size = 0;
      return std::string("cannot map: ") + std::strerror(errno);
    }
    madvise(p, size, MADV_WILLNEED);
    data = static_cast<const uint8_t*>(p);
    mapped = true;
    return "";
  }
};

struct Entry {
  uint64_t offset = 0;     // of the object header in the pack
  uint64_t size = 0;       // declared (inflated) size: the object's, or the delta data's
  uint64_t end = 0;        // where its compressed data ends (the next object, or the trailer)
  uint32_t hdr = 0;        // header bytes (type/size varint, delta base reference)
  uint32_t idx_pos = 0;    // position in the index (its id)
  uint32_t base = kNone;   // deltas: the entry index of the base
  uint8_t type = 0;        // raw pack type
  uint8_t root_type = 0;   // type of the base at the root of its delta tree (0: unresolved)
  bool bad = false;        // header unreadable: never built
};

}  // namespace

class PackFile {
 public:
  std::string name;  // pack-....pack
  Region idx_map, pack_map;
  const uint8_t* idx = nullptr;
  size_t idx_len = 0;
  const uint8_t* pack = nullptr;
  size_t pack_len = 0;
  uint32_t n = 0;
  const uint8_t* oids = nullptr;  // n * 20, sorted
  std::vector<Entry> objs;        // sorted by offset
  std::vector<uint32_t> child_start, children;  // delta trees (CSR)
  std::vector<uint32_t> roots;    // non-delta entries
  std::vector<std::string> open_errors;

  std::string where(const Entry& e) const {
    return "pack " + name + ": object " + hex(oids + 20 * size_t(e.idx_pos)) + " at offset " + std::to_string(e.offset);
  }

  // "" on success: the index and the pack header are sound (single objects may still be bad).
  std::string load() {
    if (idx_len < 8 + 1024 + 40) return "index too short";
    static const uint8_t magic[4] = {0xff, 't', 'O', 'c'};
    if (std::memcmp(idx, magic, 4) != 0) return "v1";  // left to libgit2
    if (git_be32(idx + 4) != 2) return "unsupported index version " + std::to_string(git_be32(idx + 4));
    const uint8_t* fan = idx + 8;
    uint32_t prev = 0;
    for (int i = 0; i < 256; ++i) {
      uint32_t f = git_be32(fan + 4 * i);
      if (f < prev) return "index fan-out table is not sorted";
      prev = f;
    }
    n = prev;
    uint64_t fixed = 8 + 1024 + uint64_t(n) * 28 + 40;
    if (fixed > idx_len) return "index too short for its " + std::to_string(n) + " objects";
    oids = fan + 1024;
    const uint8_t* offs = oids + 20 * size_t(n) + 4 * size_t(n);
    const uint8_t* large = offs + 4 * size_t(n);
    uint64_t n_large = (idx_len - fixed) / 8;
    for (uint32_t i = 1; i < n; ++i)
      if (std::memcmp(oids + 20 * size_t(i - 1), oids + 20 * size_t(i), 20) >= 0)
        return "index object ids are not sorted";
    for (uint32_t i = 0; i < n; ++i) {
      unsigned b = oids[20 * size_t(i)];
      if (i < (b ? git_be32(fan + 4 * (b - 1)) : 0) || i >= git_be32(fan + 4 * b)) return "index fan-out table does not match its ids";
    }
    if (pack_len < 12 + 20) return "pack too short";
    if (std::memcmp(pack, "PACK", 4) != 0) return "not a pack (bad signature)";
    uint32_t ver = git_be32(pack + 4);
    if (ver != 2 && ver != 3) return "unsupported pack version " + std::to_string(ver);
    if (git_be32(pack + 8) != n)
      return "pack holds " + std::to_string(git_be32(pack + 8)) + " objects but its index lists " + std::to_string(n);
    uint64_t limit = pack_len - 20;
    objs.resize(n);
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t o = git_be32(offs + 4 * size_t(i));
      uint64_t off = o;
      if (o & 0x80000000u) {
        uint64_t k = o & 0x7fffffffu;
        if (k >= n_large) return "index large offset entry out of range";
        const uint8_t* p = large + 8 * k;
        off = (uint64_t(git_be32(p)) << 32) | git_be32(p + 4);
      }
      objs[i].offset = off;
      objs[i].idx_pos = i;
    }
    std::sort(objs.begin(), objs.end(), [](const Entry& a, const Entry& b) { return a.offset < b.offset; });
    uint64_t beyond = 0;
    for (uint32_t i = 0; i < n; ++i) {
      Entry& e = objs[i];
      if (i + 1 < n && objs[i + 1].offset == e.offset) return "index lists two objects at offset " + std::to_string(e.offset);
      if (e.offset < 12 || e.offset >= limit) {
        e.bad = true;
        beyond++;
        continue;
      }
      e.end = i + 1 < n ? std::min<uint64_t>(objs[i + 1].offset, limit) : limit;
      parse_header(e);
    }
    if (beyond)
      open_errors.push_back("pack " + name + ": truncated or damaged: " + std::to_string(beyond) +
                            " objects of its index start outside the pack (" + std::to_string(pack_len) + " bytes)");
    // Bases and delta trees.
    std::vector<uint32_t> pos_to_entry(n);
    for (uint32_t i = 0; i < n; ++i) pos_to_entry[objs[i].idx_pos] = i;
    std::vector<uint32_t> count(n + 1, 0);
    for (uint32_t i = 0; i < n; ++i) {
      Entry& e = objs[i];
      if (e.bad) continue;
      if (e.type == kOfsDelta) {
        uint64_t base_off = base_offset_of(e);
        auto it = std::lower_bound(objs.begin(), objs.end(), base_off,
                                   [](const Entry& a, uint64_t v) { return a.offset < v; });
        if (it == objs.end() || it->offset != base_off || base_off >= e.offset) {
          bad(e, "delta base offset " + std::to_string(base_off) + " is not an object of this pack");
          continue;
        }
        e.base = static_cast<uint32_t>(it - objs.begin());
      } else if (e.type == kRefDelta) {
        const uint8_t* id = pack + e.offset + e.hdr - 20;
        int64_t pos = find_oid(id);
        if (pos < 0) continue;  // base outside this pack: left to libgit2
        e.base = pos_to_entry[size_t(pos)];
        if (e.base == i) {
          bad(e, "delta is its own base");
          e.base = kNone;
          continue;
        }
      } else {
        roots.push_back(i);
        continue;
      }
      count[e.base]++;
    }
    child_start.assign(n + 1, 0);
    for (uint32_t i = 0; i < n; ++i) child_start[i + 1] = child_start[i] + count[i];
    children.assign(child_start[n], 0);
    std::vector<uint32_t> fill(child_start.begin(), child_start.end() - 1);
    for (uint32_t i = 0; i < n; ++i)
      if (!objs[i].bad && objs[i].base != kNone) children[fill[objs[i].base]++] = i;
    // The type of every delta tree, from its root (cycles of REF_DELTAs stay unresolved).
    std::vector<uint32_t> stack;
    for (uint32_t r : roots) {
      objs[r].root_type = objs[r].type;
      stack.push_back(r);
      while (!stack.empty()) {
        uint32_t x = stack.back();
        stack.pop_back();
        for (uint32_t k = child_start[x]; k < child_start[x + 1]; ++k) {
          objs[children[k]].root_type = objs[r].type;
          stack.push_back(children[k]);
        }
      }
    }
    return "";
  }

  int64_t find_oid(const uint8_t* id) const { return pack_index_find(idx + 8, oids, n, id); }

  void bad(Entry& e, const std::string& why) {
    e.bad = true;
    if (open_errors.size() < kMaxErrorsPerPack) open_errors.push_back(where(e) + ": " + why);
  }

  void parse_header(Entry& e) {
    PackObjectHeader h;
    PackHeaderError err = parse_pack_object_header(pack + e.offset, pack + e.end, h);
    e.type = static_cast<uint8_t>(h.type);
    if (err != PackHeaderError::Header) e.size = h.size;
    switch (err) {
      case PackHeaderError::Header: return bad(e, "object header runs past its data");
      case PackHeaderError::BaseOffset: return bad(e, "delta base offset runs past its data");
      case PackHeaderError::BaseId: return bad(e, "delta base id runs past its data");
      case PackHeaderError::None: break;
    }
    if (e.type == kOfsDelta) {
      if (h.base_distance == 0 || h.base_distance > e.offset)
        return bad(e, "delta base offset " + std::to_string(h.base_distance) + " points outside the pack");
    } else if (e.type != kRefDelta && (e.type < kCommit || e.type > kTag)) {
      return bad(e, "unknown object type " + std::to_string(e.type));
    }
    e.hdr = static_cast<uint32_t>(h.length);
  }

  // Only for an entry parse_header accepted as an OFS_DELTA.
  uint64_t base_offset_of(const Entry& e) const {
    PackObjectHeader h;
    parse_pack_object_header(pack + e.offset, pack + e.end, h);
    return e.offset - h.base_distance;
  }
};

namespace {

struct Buf {
  std::unique_ptr<uint8_t[]> p;
  uint64_t n = 0;
};

#ifndef KEYHOUND_LIBCRYPTO_SONAME
#define KEYHOUND_LIBCRYPTO_SONAME "libcrypto.so.3"
#endif

// OpenSSL's SHA-1 (its fast one), looked up when a pack is first read rather than linked: only
// whole-history audits check object ids here, and libcrypto cost every start of keyhound
// (scan, --version) a millisecond. libgit2, loaded before any pack is read, has loaded it anyway.
struct Sha1 {
  decltype(&::EVP_MD_CTX_new) ctx_new = nullptr;
  decltype(&::EVP_MD_CTX_free) ctx_free = nullptr;
  decltype(&::EVP_DigestInit_ex) init = nullptr;
  decltype(&::EVP_DigestUpdate) update = nullptr;
  decltype(&::EVP_DigestFinal_ex) final = nullptr;
  decltype(&::EVP_sha1) sha1 = nullptr;
  bool ok = false;
};

const Sha1& sha1_lib() {
  static const Sha1 lib = [] {
    Sha1 l;
    void* h = dlopen(KEYHOUND_LIBCRYPTO_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) return l;
    auto sym = [&](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(h, name));
      return fn != nullptr;
    };
    l.ok = sym(l.ctx_new, "EVP_MD_CTX_new") && sym(l.ctx_free, "EVP_MD_CTX_free") &&
           sym(l.init, "EVP_DigestInit_ex") && sym(l.update, "EVP_DigestUpdate") &&
           sym(l.final, "EVP_DigestFinal_ex") && sym(l.sha1, "EVP_sha1");
    return l;
  }();
  return lib;
}

struct Worker {
  unsigned id = 0;
  libdeflate_decompressor* dec = nullptr;
  EVP_MD_CTX* md = nullptr;  // null without libcrypto: every id check then fails, named
  std::vector<uint8_t> delta;
  Worker() {
    dec = libdeflate_alloc_decompressor();
    if (sha1_lib().ok) md = sha1_lib().ctx_new();
  }
  Worker(const Worker&) = delete;
  ~Worker() {
    if (dec) libdeflate_free_decompressor(dec);
    if (md) sha1_lib().ctx_free(md);
  }
};

// Inflates entry `e` into out[0, e.size). "" on success.
std::string inflate_entry(Worker& w, const PackFile& pf, const Entry& e, uint8_t* out) {
  if (!w.dec) return "cannot allocate a decompressor";
  const uint8_t* in = pf.pack + e.offset + e.hdr;
  size_t in_len = static_cast<size_t>(e.end - (e.offset + e.hdr));
  size_t used_in = 0, got = 0;
  libdeflate_result rc = libdeflate_zlib_decompress_ex(w.dec, in, in_len, out, static_cast<size_t>(e.size), &used_in, &got);
  switch (rc) {
    case LIBDEFLATE_SUCCESS:
      if (got == e.size) return "";
      return "inflates to " + std::to_string(got) + " bytes, not the declared " + std::to_string(e.size);
    case LIBDEFLATE_INSUFFICIENT_SPACE:
      return "inflates to more than the declared " + std::to_string(e.size) + " bytes";
    default:
      return "invalid or truncated zlib data";
  }
}

// A declared size no zlib stream of `in_len` bytes can inflate to (deflate expands at most
// ~1032:1) is refused before anything is allocated.
bool plausible(uint64_t size, uint64_t in_len) { return size / 1100 <= in_len + 64; }

bool id_matches(Worker& w, uint8_t type, const uint8_t* data, uint64_t n, const uint8_t* id) {
  char hdr[32];
  int hl = std::snprintf(hdr, sizeof hdr, "%s %llu", git_object_type2string(to_git_type(type)), static_cast<unsigned long long>(n)) + 1;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  const Sha1& c = sha1_lib();
  if (!w.md || c.init(w.md, c.sha1(), nullptr) != 1 || c.update(w.md, hdr, size_t(hl)) != 1 ||
      c.update(w.md, data, n) != 1 || c.final(w.md, md, &len) != 1)
    return false;
  return len == 20 && std::memcmp(md, id, 20) == 0;
}

struct Walk {
  const PackSet::Roots which;
  const bool verify;
  const uint64_t budget;
  const uint64_t max_object;
  PackVisitor& v;
  std::mutex mu;
  std::vector<std::string>& errors;
  std::vector<size_t> per_pack_errors;
  std::vector<const PackFile*> packs;

  void error(size_t pack_i, const std::string& line) {
    std::lock_guard<std::mutex> lk(mu);
    size_t& c = per_pack_errors[pack_i];
    if (c < kMaxErrorsPerPack) errors.push_back(line);
    else if (c == kMaxErrorsPerPack) errors.push_back("pack " + packs[pack_i]->name + ": more errors not shown");
    c++;
  }

  git_oid oid_of(const PackFile& pf, const Entry& e) {
    git_oid id;
    std::memcpy(id.id, pf.oids + 20 * size_t(e.idx_pos), 20);
    return id;
  }

  // Builds the delta tree rooted at entry r of pack pi.
  void run(Worker& w, size_t pi, uint32_t r) {
    const PackFile& pf = *packs[pi];
    const Entry& root = pf.objs[r];
    const uint8_t type = root.type;
    const git_object_t gtype = to_git_type(type);
    struct Frame {
      uint32_t e;
      Buf data;
      uint32_t next;
    };
    std::vector<Frame> stack;
    uint64_t held = 0;
    auto leaf = [&](uint32_t e) { return pf.child_start[e] == pf.child_start[e + 1]; };
    auto fail = [&](const Entry& e, bool wanted, const std::string& why) {
      error(pi, pf.where(e) + ": " + why);
      if (wanted) v.failed(oid_of(pf, e));
    };
    // Hands a built object over; false if it must not serve as a base.
    auto deliver = [&](const Entry& e, bool wanted, const Buf& b) {
      if (!wanted) return true;
      git_oid id = oid_of(pf, e);
      if (verify && !id_matches(w, type, b.p.get(), b.n, id.id)) {
        fail(e, true, "content does not hash to its id");
        return false;
      }
      v.visit(w.id, id, gtype, std::string_view(reinterpret_cast<const char*>(b.p.get()), b.n));
      return true;
    };
    auto push = [&](uint32_t e, Buf&& b) {
      if (held + b.n > budget) {
        error(pi, pf.where(pf.objs[e]) + ": its deltas need more than " + std::to_string(budget >> 20) +
                      " MiB of bases held at once; left to libgit2");
        return;
      }
      held += b.n;
      stack.push_back({e, std::move(b), pf.child_start[e]});
    };
    {
      bool wanted = v.wants(oid_of(pf, root), gtype, root.size);
      if (!wanted && leaf(r)) return;
      uint64_t in_len = root.end - (root.offset + root.hdr);
      if (!plausible(root.size, in_len))
        return fail(root, wanted, "declared size " + std::to_string(root.size) + " is impossible for " + std::to_string(in_len) + " compressed bytes");
      if (root.size > max_object) {
        if (wanted) v.failed(oid_of(pf, root));  // libgit2 reads it
        return;
      }
      Buf b{std::unique_ptr<uint8_t[]>(new uint8_t[root.size ? root.size : 1]), root.size};
      if (std::string err = inflate_entry(w, pf, root, b.p.get()); !err.empty()) return fail(root, wanted, err);
      if (!deliver(root, wanted, b) || leaf(r)) return;
      push(r, std::move(b));
    }
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next >= pf.child_start[f.e + 1]) {
        held -= f.data.n;
        stack.pop_back();
        continue;
      }
      uint32_t c = pf.children[f.next++];
      const Entry& ce = pf.objs[c];
      uint64_t in_len = ce.end - (ce.offset + ce.hdr);
      if (ce.size > max_object) continue;  // left to libgit2
      if (!plausible(ce.size, in_len)) {
        fail(ce, false, "declared delta size " + std::to_string(ce.size) + " is impossible for " + std::to_string(in_len) + " compressed bytes");
        continue;
      }
      w.delta.resize(ce.size);
      if (std::string err = inflate_entry(w, pf, ce, w.delta.data()); !err.empty()) {
        fail(ce, false, err);
        continue;
      }
      const uint8_t* d = w.delta.data();
      const uint8_t* dend = d + w.delta.size();
      uint64_t base_size = 0, result = 0;
      if (!delta_varint(d, dend, base_size) || !delta_varint(d, dend, result)) {
        fail(ce, false, "delta header runs past the delta");
        continue;
      }
      bool wanted = v.wants(oid_of(pf, ce), gtype, result);
      if (!wanted && leaf(c)) continue;
      if (base_size != f.data.n) {
        fail(ce, wanted, "delta expects a " + std::to_string(base_size) + "-byte base, its base has " + std::to_string(f.data.n));
        continue;
      }
      if (result > max_object) {
        if (wanted) v.failed(oid_of(pf, ce));
        continue;
      }
      if (std::string err = check_delta(d, dend, base_size, result); !err.empty()) {
        fail(ce, wanted, err);
        continue;
      }
      Buf b{std::unique_ptr<uint8_t[]>(new uint8_t[result ? result : 1]), result};
      apply_delta(d, dend, f.data.p.get(), b.p.get());
      if (!deliver(ce, wanted, b) || leaf(c)) continue;
      // The base is done when this was its last child: drop it first (a linear chain then
      // holds two objects at a time, not the whole chain).
      if (f.next >= pf.child_start[f.e + 1]) {
        held -= f.data.n;
        stack.pop_back();
      }
      push(c, std::move(b));
    }
  }
};

bool root_selected(PackSet::Roots which, uint8_t type) {
  switch (which) {
    case PackSet::Roots::NonBlob: return type != kBlob;
    case PackSet::Roots::Blob: return type == kBlob;
    case PackSet::Roots::All: return true;
  }
  return true;
}

std::unique_ptr<PackFile> load_pack(std::unique_ptr<PackFile> pf, std::vector<std::string>& errors) {
  std::string problem = pf->load();
  for (auto& e : pf->open_errors) errors.push_back(e);
  if (problem == "v1") return nullptr;
  if (!problem.empty()) {
    errors.push_back("pack " + pf->name + ": " + problem + "; left to libgit2");
    return nullptr;
  }
  return pf;
}

}  // namespace

PackSet::PackSet() = default;
PackSet::~PackSet() = default;

uint64_t PackSet::object_count() const {
  uint64_t n = 0;
  for (auto& p : packs_) n += p->n;
  return n;
}

std::shared_ptr<PackSet> PackSet::open_dir(const std::string& git_dir, std::vector<std::string>& errors) {
  auto set = std::make_shared<PackSet>();
  std::string dir = git_dir;
  if (!dir.empty() && dir.back() != '/') dir += '/';
  dir += "objects/pack";
  DIR* d = opendir(dir.c_str());
  if (!d) return set;
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n.size() > 4 && n.compare(n.size() - 4, 4, ".idx") == 0 && n.rfind("pack-", 0) == 0) names.push_back(n);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  for (auto& n : names) {
    auto pf = std::make_unique<PackFile>();
    pf->name = n.substr(0, n.size() - 4) + ".pack";
    std::string pack_path = dir + "/" + pf->name;
    if (access(pack_path.c_str(), F_OK) != 0) continue;  // an index without its pack: libgit2 ignores it too
    std::string err = pf->idx_map.map(dir + "/" + n);
    if (err.empty()) err = pf->pack_map.map(pack_path);
    if (!err.empty()) {
      set->open_errors_.push_back("pack " + pf->name + ": " + err + "; left to libgit2");
      continue;
    }
    pf->idx = pf->idx_map.data;
    pf->idx_len = pf->idx_map.size;
    pf->pack = pf->pack_map.data;
    pf->pack_len = pf->pack_map.size;
    if (auto ok = load_pack(std::move(pf), set->open_errors_)) set->packs_.push_back(std::move(ok));
  }
  errors.insert(errors.end(), set->open_errors_.begin(), set->open_errors_.end());
  return set;
}

std::shared_ptr<PackSet> PackSet::from_memory(const std::string& name, std::string_view idx, std::string_view pack,
                                              std::vector<std::string>& errors) {
  auto set = std::make_shared<PackSet>();
  auto pf = std::make_unique<PackFile>();
  pf->name = name;
  pf->idx = reinterpret_cast<const uint8_t*>(idx.data());
  pf->idx_len = idx.size();
  pf->pack = reinterpret_cast<const uint8_t*>(pack.data());
  pf->pack_len = pack.size();
  if (auto ok = load_pack(std::move(pf), errors)) set->packs_.push_back(std::move(ok));
  return set;
}

void PackSet::walk(unsigned threads, Roots which, bool verify_ids, PackVisitor& v, std::vector<std::string>& errors) const {
  Walk wk{which, verify_ids, base_budget, std::min<uint64_t>(max_object, (1ull << 32) - 2), v, {}, errors, std::vector<size_t>(packs_.size(), 0), {}};
  struct Task {
    uint32_t pack, root;
  };
  std::vector<Task> tasks;
  for (size_t i = 0; i < packs_.size(); ++i) {
    wk.packs.push_back(packs_[i].get());
    for (uint32_t r : packs_[i]->roots)
      if (root_selected(which, packs_[i]->objs[r].type)) tasks.push_back({uint32_t(i), r});
  }
  std::atomic<unsigned> next_id{0};
  unsigned n = worker_count(threads, tasks.size());
  run_tasks(
      n, tasks.size(),
      [&] {
        auto w = std::make_unique<Worker>();
        w->id = next_id++;
        return w;
      },
      [&](std::unique_ptr<Worker>& w, size_t i) { wk.run(*w, tasks[i].pack, tasks[i].root); });
}

}  // namespace keyhound
