// Scanning the members of an archive (or compressed file) as items of their own: each member's
// bytes go through the scanner and the decoding stage like a file's, its outcome named
// "archive!member", and what the archive reader skipped is counted under its reason.
#pragma once
#include <string>
#include <string_view>

#include "decode/decode_scan.h"
#include "engine/scanner.h"
#include "pipeline/item.h"
#include "sources/archive.h"

namespace keyhound {

struct ContentOptions {
  DecodeOptions decode;
  ArchiveLimits archive;
  // A member up to this size is scanned whole; larger ones are streamed (both are decoded).
  uint64_t member_buffer = 16ull << 20;
};

// True when `head` should be read as an archive under these options.
bool wants_archive(std::string_view head, const ContentOptions& o);

// Scans the archive `data` named `name`: on success `out.inner` holds the members' outcomes
// (findings without provenance, paths "name!member") and the counts of clean ones, and true is
// returned; false when libarchive does not take the bytes (scan them as they are).
bool scan_archive(const Scanner& sc, Scratch& scratch, std::string_view data, const std::string& name,
                  const ContentOptions& o, ItemOutcome& out);
// The same from a file descriptor, streamed.
bool scan_archive_fd(const Scanner& sc, Scratch& scratch, int fd, const std::string& name, const ContentOptions& o,
                     ItemOutcome& out);

}  // namespace keyhound
