#include "sources/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <libdeflate.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <vector>

#include "base/huge_buffer.h"
#include "sources/zip_reader.h"

namespace keyhound {

namespace {

using Clock = std::chrono::steady_clock;

bool starts(std::string_view s, std::string_view magic, size_t at = 0) {
  return s.size() >= at + magic.size() && s.compare(at, magic.size(), magic) == 0;
}

// What one top-level archive has used of its bounds, shared by every nesting level.
struct Budget {
  const ArchiveLimits& lim;
  Clock::time_point start = Clock::now();
  uint64_t bytes = 0;    // member bytes handed to the sink
  uint64_t members = 0;
  bool stopped = false;  // a bound stopped the archive: every level unwinds
};

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

ArchivePtr new_reader() {
  ArchivePtr a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_zip(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  archive_read_support_format_7zip(a.get());
  // A lone compressed file (app.log.gz) is one member; raw is only ever tried after the magic
  // bytes said "compressed", so plain files never get here.
  archive_read_support_format_raw(a.get());
  return a;
}

std::string error_of(archive* a) {
  const char* e = archive_error_string(a);
  return e ? e : "unknown libarchive error";
}

// "./a/b" -> "a/b"; false for names that climb out or start at the root.
bool clean_name(std::string& name) {
  while (name.rfind("./", 0) == 0) name.erase(0, 2);
  if (name.empty()) return true;
  if (name[0] == '/' || (name.size() > 1 && name[1] == ':' && std::isalpha(static_cast<unsigned char>(name[0]))))
    return false;
  size_t pos = 0;
  while (pos <= name.size()) {
    size_t slash = name.find_first_of("/\\", pos);
    if (slash == std::string::npos) slash = name.size();
    if (name.compare(pos, slash - pos, "..") == 0 && slash - pos == 2) return false;
    pos = slash + 1;
  }
  return true;
}

// The member name of a lone compressed file: its own name without the compression suffix.
std::string raw_member_name(const std::string& outer) {
  std::string base = outer.substr(outer.find_last_of("/!") + 1);
  for (const char* ext : {".gz", ".tgz", ".bz2", ".xz", ".zst", ".lzma", ".Z"}) {
    size_t n = std::strlen(ext);
    if (base.size() > n && base.compare(base.size() - n, n, ext) == 0) {
      base.erase(base.size() - n);
      if (std::strcmp(ext, ".tgz") == 0) base += ".tar";
      return base;
    }
  }
  return base.empty() ? "data" : base;
}

std::string human(uint64_t n) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) v /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", v, units[u]);
  return buf;
}

bool compressed_magic(std::string_view h) {
  return starts(h, "\x1f\x8b") || (starts(h, "BZh") && h.size() > 3 && h[3] >= '1' && h[3] <= '9') ||
         starts(h, std::string_view("\xfd" "7zXZ\0", 6)) || starts(h, "\x28\xb5\x2f\xfd");
}

// Bytes held by in-memory inflates across all threads: the cap is for the process, not per
// archive, so many workers on many .tar.gz files never hold more than it together.
std::atomic<uint64_t> g_inflated_held{0};

// A gzip stream held whole, inflated in memory with libdeflate (two to three times the speed
// of the zlib inflate libarchive's filter uses). Only when its trailer's size fits the caps and
// the ratio bound, it is one member and it inflates to exactly that size; anything else (and
// what it holds when that is compressed again: libarchive counts those layers) goes the
// libarchive way, which applies every bound as it streams.
class Inflated {
 public:
  Inflated(std::string_view gz, const ArchiveLimits& lim) {
    if (gz.size() < 18 || !starts(gz, "\x1f\x8b\x08")) return;
    const auto* t = reinterpret_cast<const unsigned char*>(gz.data() + gz.size() - 4);
    uint64_t size = t[0] | t[1] << 8 | t[2] << 16 | static_cast<uint64_t>(t[3]) << 24;
    if (size == 0 || size > lim.inflate_max || size > lim.max_bytes) return;
    if (size > lim.ratio_floor && static_cast<double>(size) > lim.max_ratio * static_cast<double>(gz.size())) return;
    if (g_inflated_held.fetch_add(size) + size > lim.inflate_max) {
      g_inflated_held.fetch_sub(size);
      return;
    }
    held_ = size;
    thread_local std::unique_ptr<libdeflate_decompressor, void (*)(libdeflate_decompressor*)> dec(
        libdeflate_alloc_decompressor(), libdeflate_free_decompressor);
    if (!dec) return;
    Buffer& buf = buffer();
    if (buf.busy || !buf.fit(size)) return;  // busy: a gzip inside an inflated one streams
    buf.busy = true;
    using_ = true;
    size_t used = 0, got = 0;
    if (libdeflate_gzip_decompress_ex(dec.get(), gz.data(), gz.size(), buf.p, size, &used, &got) ==
            LIBDEFLATE_SUCCESS &&
        used == gz.size() && got == size && !compressed_magic(std::string_view(buf.p, size)))
      size_ = size;
  }
  ~Inflated() {
    if (using_) {
      buffer().busy = false;
      buffer().release();
    }
    g_inflated_held.fetch_sub(held_);
  }
  Inflated(const Inflated&) = delete;
  Inflated& operator=(const Inflated&) = delete;
  bool ok() const { return size_ != 0; }
  const char* data() const { return buffer().p; }
  size_t size() const { return size_; }

 private:
  // One buffer per thread, kept from archive to archive up to 64 MiB: fresh pages cost a
  // fault each (on a virtual machine about as much as inflating into them), so a tree of
  // archives faults once. Mapped in huge pages where the kernel gives them.
  struct Buffer {
    HugeBuffer mem;
    char* p = nullptr;
    bool busy = false;
    bool fit(size_t n) {
      if (!mem.reserve(n)) return false;
      p = mem.data();
      return true;
    }
    void release(size_t keep = 64u << 20) {
      if (mem.capacity() > keep) mem.release(), p = nullptr;
    }
  };
  static Buffer& buffer() {
    thread_local Buffer b;
    return b;
  }
  uint64_t size_ = 0, held_ = 0;
  bool using_ = false;
};

// A nested archive read straight from its parent's member stream (too large to hold).
class Walker;
struct ParentStream {
  archive* parent;
  std::string head;  // bytes already taken from the parent to recognise the member
  bool head_given = false;
  uint64_t* parent_produced;
  Walker* walker;
  const std::string* path;
};
bool parent_within(ParentStream* ps, uint64_t n);

la_ssize_t parent_read(archive* self, void* cd, const void** buf) {
  auto* ps = static_cast<ParentStream*>(cd);
  if (!ps->head_given) {
    ps->head_given = true;
    if (!ps->head.empty()) {
      *buf = ps->head.data();
      return static_cast<la_ssize_t>(ps->head.size());
    }
  }
  const void* b;
  size_t size;
  la_int64_t off;
  int r = archive_read_data_block(ps->parent, &b, &size, &off);
  if (r == ARCHIVE_EOF) return 0;
  if (r < ARCHIVE_WARN) {
    archive_set_error(self, EIO, "%s", error_of(ps->parent).c_str());
    return -1;
  }
  // The parent's bounds hold for what it decompresses for its child too.
  if (!parent_within(ps, size)) {
    archive_set_error(self, EIO, "stopped by a bound");
    return -1;
  }
  *buf = b;
  return static_cast<la_ssize_t>(size);
}

class Walker {
 public:
  friend bool parent_within(ParentStream* ps, uint64_t n);
  Walker(const ArchiveLimits& lim, ArchiveSink& sink) : b_{lim}, sink_(sink) {}

  // After archive_read_open* returned `rc`: true to go on and walk `a`. A reader that could
  // not open is an archive too deeply compressed (libarchive stops at 25 layers), a damaged
  // one (said, and `handled` set), or no archive at all.
  bool opened(archive* a, int rc, const std::string& name, int depth, bool& handled) {
    handled = false;
    if (rc == ARCHIVE_OK) return true;
    int layers = archive_filter_count(a) - 1;
    if (layers < 1) return false;
    handled = true;
    if (depth + layers - 1 > b_.lim.max_depth)
      sink_.skipped(name, SkipReason::ArchiveLimit,
                    name + ": archive nested deeper than " + std::to_string(b_.lim.max_depth) +
                        " levels (--archive-depth; more than " + std::to_string(layers) + " layers of compression): skipped");
    else
      sink_.skipped(name, SkipReason::CorruptArchive, name + ": damaged or truncated archive: " + error_of(a));
    return false;
  }

  // Opens and walks the archive held in `data`; false if it is no archive.
  bool walk_memory(std::string_view data, const std::string& name, int depth) {
    if ((starts(data, "PK\x03\x04") || starts(data, "PK\x05\x06")) && walk_zip(data, name, depth)) return true;
    Inflated gz(data, b_.lim);
    ArchivePtr a = new_reader();
    // Blocks of 64 KiB, so the bytes consumed (for the ratio bound) grow as reading goes.
    int rc = gz.ok() ? archive_read_open_memory2(a.get(), gz.data(), gz.size(), 64 << 10)
                     : archive_read_open_memory2(a.get(), data.data(), data.size(), 64 << 10);
    return open_and_walk(a.get(), rc, name, depth);
  }

  // A zip read by zip_reader: members stored or deflated, inflated in memory by libdeflate
  // (twice the speed of libarchive's zlib stream, no copy for stored ones). False leaves it to
  // libarchive: a directory that does not parse, another method (bzip2, lzma, xz, zstd), or a
  // member larger than inflate_max (buffer_nested when nested) that no bound would stop first
  // (libarchive streams it).
  bool walk_zip(std::string_view z, const std::string& name, int depth) {
    std::vector<ZipEntry> entries;
    uint64_t cd_off = 0;
    if (!read_zip_directory(z, entries, cd_off)) return false;
    enum class Fate : uint8_t { Read, Dir, Link, Special, Unsafe, Encrypted, Damaged, Overlap };
    std::vector<Fate> fate(entries.size(), Fate::Read);
    std::vector<std::string> paths(entries.size());
    std::vector<size_t> read;  // the entries to read, by offset for the overlap test
    for (size_t i = 0; i < entries.size(); ++i) {
      ZipEntry& e = entries[i];
      std::string member = e.name;
      bool safe = clean_name(member);
      paths[i] = name + "!" + (safe ? member : e.name);
      uint32_t type = e.unix_type();
      Fate& f = fate[i];
      if (e.directory() || type == 0040000) f = Fate::Dir;
      else if (type == 0120000) f = Fate::Link;
      else if (type != 0 && type != 0100000) f = Fate::Special;
      else if (!safe) f = Fate::Unsafe;
      else if (e.encrypted()) f = Fate::Encrypted;
      else if (e.method != 0 && e.method != 8) return false;
      else if (!zip_locate(z, cd_off, e)) f = Fate::Damaged;
      else read.push_back(i);
    }
    // Members whose bytes overlap an earlier one's (the overlapping-entry bomb: one deflate
    // stream listed many times) are not read: the first of them is.
    std::stable_sort(read.begin(), read.end(), [&](size_t a, size_t b) { return entries[a].local < entries[b].local; });
    uint64_t span_end = 0;
    for (size_t i : read) {
      if (entries[i].local < span_end) fate[i] = Fate::Overlap;
      else span_end = entries[i].data + entries[i].csize;
    }
    // Every member inflates in memory up to where a bound would stop the archive, or libarchive
    // reads it all. A zip inside an archive is itself held in memory: its members may take up to
    // buffer_nested each, so nesting does not multiply inflate_max.
    const uint64_t cap = depth > 1 ? b_.lim.buffer_nested : b_.lim.inflate_max;
    uint64_t produced = 0, consumed = 0, bytes = b_.bytes, members = b_.members;
    for (size_t i = 0; i < entries.size(); ++i) {
      if (++members > b_.lim.max_members) break;
      if (fate[i] != Fate::Read) continue;
      const ZipEntry& e = entries[i];
      consumed += 30 + e.name.size() + e.csize;
      produced += e.usize, bytes += e.usize;
      if (bytes > b_.lim.max_bytes ||
          (produced > b_.lim.ratio_floor && static_cast<double>(produced) > b_.lim.max_ratio * static_cast<double>(consumed)))
        break;
      if (e.usize > cap) return false;
    }
    produced = consumed = 0;
    bool overlap_said = false;
    for (size_t i = 0; i < entries.size() && !b_.stopped; ++i) {
      const ZipEntry& e = entries[i];
      const std::string& path = paths[i];
      if (++b_.members > b_.lim.max_members) {
        stop(path, "more than " + std::to_string(b_.lim.max_members) + " members (--archive-max-members)");
        break;
      }
      switch (fate[i]) {
        case Fate::Dir: continue;
        case Fate::Link: sink_.skipped(path, SkipReason::Symlink, ""); continue;
        case Fate::Special:
          sink_.skipped(path, SkipReason::SpecialFile, path + ": not a regular file (device, fifo or socket): skipped");
          continue;
        case Fate::Unsafe:
          sink_.skipped(path, SkipReason::UnsafeName,
                        path + ": member name leaves the archive (\"../\" or an absolute path): skipped");
          continue;
        case Fate::Encrypted: sink_.skipped(path, SkipReason::Encrypted, path + ": encrypted member: skipped"); continue;
        case Fate::Damaged:
          sink_.skipped(path, SkipReason::CorruptArchive,
                        path + ": damaged member: no local header where the directory says, or its bytes run past "
                               "the directory: skipped");
          continue;
        case Fate::Overlap:
          // One line for the lot: a bomb lists thousands.
          sink_.skipped(path, SkipReason::CorruptArchive,
                        overlap_said ? "" : path + ": its bytes overlap another member's (an overlapping-entry zip bomb): "
                                                   "skipped, as is every other such member");
          overlap_said = true;
          continue;
        case Fate::Read: break;
      }
      consumed += 30 + e.name.size() + e.csize;
      if (!bounds_hold(path, produced + e.usize, consumed, b_.bytes + e.usize)) break;
      if (e.usize > cap) {  // only when nested archives made the plan above wrong
        sink_.skipped(path, SkipReason::ArchiveLimit,
                      path + ": member larger than " + human(cap) + " after a nested archive: skipped");
        continue;
      }
      std::string_view bytes;
      ZipInflate r = zip_member_bytes(z, e, member_buffer(depth, e.usize), bytes);
      if (r != ZipInflate::Ok) {
        sink_.skipped(path, SkipReason::CorruptArchive,
                      path + ": damaged member: " +
                          (r == ZipInflate::CrcMismatch    ? "CRC mismatch"
                           : r == ZipInflate::SizeMismatch ? "not the size the directory gives"
                                                           : "bad deflate data") +
                          ": skipped");
        continue;
      }
      produced += bytes.size();
      if (looks_like_archive(bytes.substr(0, 512))) {
        if (depth >= b_.lim.max_depth) {
          sink_.skipped(path, SkipReason::ArchiveLimit,
                        path + ": archive nested deeper than " + std::to_string(b_.lim.max_depth) +
                            " levels (--archive-depth): skipped");
          continue;
        }
        if (walk_memory(bytes, path, depth + 1)) continue;
      }
      b_.bytes += bytes.size();
      sink_.whole(path, bytes);
    }
    release_member_buffer(depth);
    return true;
  }

  // Opens and walks `a` (rc: what archive_read_open* returned); false if it is no archive.
  bool open_and_walk(archive* a, int rc, const std::string& name, int depth) {
    bool handled;
    if (!opened(a, rc, name, depth, handled)) return handled;
    return walk(a, name, depth);
  }

  // Reads every member of the open reader `a` (named `name`, at nesting `depth`, 1 for the
  // outermost). Returns false if not even a first header could be read.
  bool walk(archive* a, const std::string& name, int depth) {
    uint64_t produced = 0;  // bytes this level decompressed
    bool any = false;
    std::string last = name;
    while (!b_.stopped) {
      archive_entry* e = nullptr;
      int r = archive_read_next_header(a, &e);
      if (r == ARCHIVE_EOF) break;
      if (r == ARCHIVE_FATAL || (r == ARCHIVE_FAILED && !e)) {
        if (b_.stopped) return true;  // a bound stopped the stream under it: already said
        if (!any) {
          // Recognised (a compression or a format matched) but unreadable: damaged. Else it
          // only started like an archive: the caller scans its bytes.
          if (archive_filter_count(a) < 2 && archive_format(a) == 0) return false;
          sink_.skipped(name, SkipReason::CorruptArchive, name + ": damaged or truncated archive: " + error_of(a));
          return true;
        }
        sink_.skipped(last, SkipReason::CorruptArchive,
                      name + ": damaged or truncated archive after " + last + ": " + error_of(a));
        return true;
      }
      if (!any) {
        // libarchive unwraps compression inside compression itself (a .gz of a .gz): each
        // layer is a level of nesting too.
        int layers = archive_filter_count(a) - 1;
        if (layers > 1 && depth + layers - 1 > b_.lim.max_depth) {
          sink_.skipped(name, SkipReason::ArchiveLimit,
                        name + ": archive nested deeper than " + std::to_string(b_.lim.max_depth) +
                            " levels (--archive-depth; " + std::to_string(layers) + " layers of compression): skipped");
          return true;
        }
        depth += layers > 1 ? layers - 1 : 0;
      }
      any = true;
      std::string member;
      if (archive_format(a) == ARCHIVE_FORMAT_RAW) {
        member = raw_member_name(name);
      } else {
        const char* p = archive_entry_pathname_utf8(e);
        if (!p) p = archive_entry_pathname(e);
        member = p ? p : "";
      }
      std::string raw_name = member;
      bool safe = clean_name(member);
      std::string path = name + "!" + (safe ? member : raw_name);
      last = path;
      if (++b_.members > b_.lim.max_members) {
        stop(path, "more than " + std::to_string(b_.lim.max_members) + " members (--archive-max-members)");
        break;
      }
      mode_t type = archive_entry_filetype(e);
      if (type == AE_IFDIR) continue;
      if (archive_entry_hardlink(e) || type == AE_IFLNK) {
        // Links hold no bytes of their own; an image layer has thousands.
        sink_.skipped(path, SkipReason::Symlink, "");
        continue;
      }
      if (type != AE_IFREG) {
        sink_.skipped(path, SkipReason::SpecialFile, path + ": not a regular file (device, fifo or socket): skipped");
        continue;
      }
      if (!safe) {
        sink_.skipped(path, SkipReason::UnsafeName,
                      path + ": member name leaves the archive (\"../\" or an absolute path): skipped");
        continue;
      }
      if (archive_entry_is_encrypted(e)) {
        sink_.skipped(path, SkipReason::Encrypted, path + ": encrypted member: skipped");
        continue;
      }
      if (r == ARCHIVE_FAILED) {
        sink_.skipped(path, SkipReason::CorruptArchive, path + ": unreadable member: " + error_of(a));
        continue;
      }
      // A member whose bytes broke off ends its archive: what follows cannot be read either.
      if (!member_bytes(a, e, path, depth, produced)) return true;
    }
    return true;
  }

 private:
  void stop(const std::string& path, const std::string& why) {
    b_.stopped = true;
    sink_.skipped(path, SkipReason::ArchiveLimit, path + ": stopped at " + why + "; the rest of the archive is not scanned");
  }

  // Checks the bounds after `n` more bytes at a level; false (after saying so) when one is hit.
  bool within(archive* a, const std::string& path, uint64_t& produced, uint64_t n, bool leaf) {
    produced += n;
    if (leaf) b_.bytes += n;
    return bounds_hold(path, produced, static_cast<uint64_t>(std::max<la_int64_t>(archive_filter_bytes(a, -1), 1)),
                       b_.bytes);
  }

  // The bounds once a level has produced `produced` bytes from `consumed` and the archive's
  // leaf members come to `bytes`; false (after saying so) when one is passed.
  bool bounds_hold(const std::string& path, uint64_t produced, uint64_t consumed, uint64_t bytes) {
    // The ratio first: a zip declares a bomb's size before a byte is inflated, and the ratio is
    // what makes it a bomb.
    if (produced > b_.lim.ratio_floor && static_cast<double>(produced) > b_.lim.max_ratio * static_cast<double>(consumed)) {
      char ratio[32];
      std::snprintf(ratio, sizeof ratio, "%g", b_.lim.max_ratio);
      stop(path, "compression ratio " + std::string(ratio) + " (" + human(produced) + " from " + human(consumed) +
                     ", --archive-max-ratio)");
      return false;
    }
    if (bytes > b_.lim.max_bytes) {
      stop(path, human(b_.lim.max_bytes) + " of decompressed data (--archive-max-bytes)");
      return false;
    }
    double secs = std::chrono::duration<double>(Clock::now() - b_.start).count();
    if (secs > b_.lim.max_seconds) {
      char t[32];
      std::snprintf(t, sizeof t, "%g", b_.lim.max_seconds);
      stop(path, std::string(t) + " s (--archive-max-seconds)");
      return false;
    }
    return true;
  }

  // False when the member's bytes broke off (damaged or truncated).
  bool member_bytes(archive* a, archive_entry* e, const std::string& path, int depth, uint64_t& produced) {
    // The first bytes decide whether the member is an archive itself.
    std::string head;
    const void* blk;
    size_t size;
    la_int64_t off;
    bool eof = false;
    auto fail = [&] {
      if (!b_.stopped) sink_.skipped(path, SkipReason::CorruptArchive, path + ": damaged or truncated member: " + error_of(a));
      return false;
    };
    // Appends the member's data blocks to `head` until `more` says stop or the member ends.
    // Damaged: a block could not be read; Bound: a limit stopped the archive.
    enum class Fill { Ok, Damaged, Bound };
    auto fill = [&](auto more) {
      while (!eof && more()) {
        int r = archive_read_data_block(a, &blk, &size, &off);
        if (r == ARCHIVE_EOF) {
          eof = true;
          break;
        }
        if (r < ARCHIVE_WARN) return Fill::Damaged;
        head.append(static_cast<const char*>(blk), size);
        if (!within(a, path, produced, size, false)) return Fill::Bound;
      }
      return Fill::Ok;
    };
    if (Fill f = fill([&] { return head.size() < 512; }); f != Fill::Ok) return f == Fill::Damaged ? fail() : true;
    if (looks_like_archive(head)) {
      if (depth >= b_.lim.max_depth) {
        sink_.skipped(path, SkipReason::ArchiveLimit,
                      path + ": archive nested deeper than " + std::to_string(b_.lim.max_depth) +
                          " levels (--archive-depth): skipped");
        return true;
      }
      bool known = archive_entry_size_is_set(e);
      uint64_t declared = known ? static_cast<uint64_t>(archive_entry_size(e)) : 0;
      if (eof || (known && declared <= b_.lim.buffer_nested)) {
        // Small enough to hold: read it whole and open it from memory (seekable).
        if (Fill f = fill([&] { return head.size() <= b_.lim.buffer_nested; }); f != Fill::Ok)
          return f == Fill::Damaged ? fail() : true;
        if (eof) {
          if (walk_memory(head, path, depth + 1)) return true;
          // Not an archive after all (a file that merely starts like one): its bytes as they are.
          return plain(a, path, head, true, produced);
        }
        // Larger than it said: go on streaming it below.
      }
      ParentStream ps{a, std::move(head), false, &produced, this, &path};
      ArchivePtr child = new_reader();
      archive_read_set_read_callback(child.get(), parent_read);
      archive_read_set_callback_data(child.get(), &ps);
      if (!open_and_walk(child.get(), archive_read_open1(child.get()), path, depth + 1) && !b_.stopped)
        sink_.skipped(path, SkipReason::CorruptArchive, path + ": not a readable archive: " + error_of(child.get()));
      return true;
    }
    return plain(a, path, head, eof, produced);
  }

  // A member scanned as bytes: `head` holds its first bytes, the rest (unless `eof`) follows.
  bool plain(archive* a, const std::string& path, const std::string& head, bool eof, uint64_t& produced) {
    sink_.begin(path);
    b_.bytes += head.size();
    if (!head.empty()) sink_.data(head);
    const void* blk;
    size_t size;
    la_int64_t off;
    while (!eof) {
      int r = archive_read_data_block(a, &blk, &size, &off);
      if (r == ARCHIVE_EOF) break;
      if (r < ARCHIVE_WARN) {
        sink_.end();
        if (!b_.stopped)
          sink_.skipped(path, SkipReason::CorruptArchive, path + ": damaged or truncated member: " + error_of(a));
        return false;
      }
      if (!within(a, path, produced, size, true)) {
        sink_.end();
        return true;
      }
      sink_.data(std::string_view(static_cast<const char*>(blk), size));
    }
    sink_.end();
    return true;
  }

  // Where a zip member at `depth` inflates: one buffer per thread and nesting level, kept from
  // member to member and archive to archive (fresh pages cost a fault each).
  static std::vector<HugeBuffer>& member_buffers() {
    thread_local std::vector<HugeBuffer> pool;
    return pool;
  }
  // Null when memory ran out (the inflate then fails as damaged, which it is not: rare enough).
  static char* member_buffer(int depth, uint64_t n) {
    auto& pool = member_buffers();
    if (pool.size() <= static_cast<size_t>(depth)) pool.resize(depth + 1);
    HugeBuffer& b = pool[depth];
    return b.reserve(std::max<size_t>(n, 64u << 10)) ? b.data() : nullptr;
  }
  static void release_member_buffer(int depth) {
    auto& pool = member_buffers();
    if (pool.size() > static_cast<size_t>(depth) && pool[depth].capacity() > (16u << 20)) pool[depth].release();
  }

  Budget b_;
  ArchiveSink& sink_;
};

bool parent_within(ParentStream* ps, uint64_t n) {
  return ps->walker->within(ps->parent, *ps->path, *ps->parent_produced, n, false);
}

}  // namespace

bool looks_like_archive(std::string_view h) {
  return starts(h, "PK\x03\x04") || starts(h, "PK\x05\x06") ||  // zip (and empty zip)
         starts(h, "\x1f\x8b") ||                              // gzip
         (starts(h, "BZh") && h.size() > 3 && h[3] >= '1' && h[3] <= '9') ||
         starts(h, std::string_view("\xfd" "7zXZ\0", 6)) ||    // xz
         starts(h, "\x28\xb5\x2f\xfd") ||                      // zstd
         starts(h, "7z\xbc\xaf\x27\x1c") ||                    // 7z
         starts(h, "ustar", 257);                              // tar (POSIX and GNU)
}

ArchiveRead read_archive(std::string_view data, const std::string& name, const ArchiveLimits& lim, ArchiveSink& sink) {
  Walker w(lim, sink);
  return w.walk_memory(data, name, 1) ? ArchiveRead::Read : ArchiveRead::NotAnArchive;
}

ArchiveRead read_archive_fd(int fd, const std::string& name, const ArchiveLimits& lim, ArchiveSink& sink) {
  ArchivePtr a = new_reader();
  Walker w(lim, sink);
  int rc = archive_read_open_fd(a.get(), fd, 64 << 10);
  return w.open_and_walk(a.get(), rc, name, 1) ? ArchiveRead::Read : ArchiveRead::NotAnArchive;
}

}  // namespace keyhound
