// Archives and compressed files (zip/jar/war/ear, tar, tar.gz/bz2/xz/zst, gz, bz2, xz, zst,
// 7z) read in memory through libarchive, member by member, nested archives included, each
// member named "outer!inner". Nothing is written to disk. Bounds keep a hostile archive
// cheap: nesting depth, decompressed bytes, compression ratio, member count and time; a
// member past one, or unsafe (a "../" or absolute name, a link, a device, encrypted, damaged),
// is handed on as skipped with one line naming it and why.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "findings/skip_reason.h"

namespace keyhound {

struct ArchiveLimits {
  int max_depth = 3;                     // --archive-depth: archives inside archives (0: none opened)
  uint64_t max_bytes = 2ull << 30;       // --archive-max-bytes: member bytes per archive
  double max_ratio = 100;                // --archive-max-ratio: decompressed / compressed, per level
  uint64_t max_members = 100000;         // --archive-max-members: per archive, nested ones included
  double max_seconds = 30;               // --archive-max-seconds: per archive
  uint64_t buffer_nested = 16ull << 20;  // a nested archive up to this size is read from memory
                                         // (seekable: zip central directory, 7z); larger ones stream
  // The ratio bound applies once a level has produced this much (small files compress well).
  uint64_t ratio_floor = 1ull << 20;
  // A gzip stream held in memory whose trailer says it inflates to at most this is inflated
  // whole with libdeflate rather than streamed through zlib; this is also the most all threads
  // together hold that way at once (more waits for nothing: it streams). A zip held in memory
  // is read by keyhound's zip reader when no member it would read inflates to more than this
  // (else libarchive streams it).
  uint64_t inflate_max = 256ull << 20;
};

// Receives what an archive holds: each regular member's bytes in order (begin, data..., end)
// and each member not read.
class ArchiveSink {
 public:
  virtual ~ArchiveSink() = default;
  virtual void begin(const std::string& path) = 0;
  virtual void data(std::string_view chunk) = 0;
  virtual void end() = 0;
  // A member's bytes all at once (the zip reader holds them whole): begin, data and end,
  // unless the sink can use them where they are.
  virtual void whole(const std::string& path, std::string_view bytes) {
    begin(path);
    if (!bytes.empty()) data(bytes);
    end();
  }
  // `path` was not read (or only in part, when a bound stopped it): one line naming it and the
  // reason, or no line for things met in every file system image (links).
  virtual void skipped(const std::string& path, SkipReason reason, const std::string& line) = 0;
};

// True when `head` (the first bytes, 262 are enough) starts like an archive or compressed file.
bool looks_like_archive(std::string_view head);

enum class ArchiveRead {
  Read,          // members went to the sink (some perhaps as skipped)
  NotAnArchive,  // libarchive did not take it: scan the bytes as they are
};

// Reads the archive in `data`, named `name` (members are "name!member").
ArchiveRead read_archive(std::string_view data, const std::string& name, const ArchiveLimits& lim, ArchiveSink& sink);
// The same from a file descriptor, streamed (files too large to hold in memory).
ArchiveRead read_archive_fd(int fd, const std::string& name, const ArchiveLimits& lim, ArchiveSink& sink);

}  // namespace keyhound
