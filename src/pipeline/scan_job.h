// The file source's scan stage: files, directories and stdin over a pool of worker threads, the
// outcomes added to the tally in a deterministic order (path, then offset), whatever the
// thread count.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/scanner.h"
#include "pipeline/archive_scan.h"
#include "pipeline/item.h"

namespace keyhound {

struct ScanJobOptions {
  std::vector<std::string> paths;       // files, directories, "-" for stdin
  unsigned threads = 0;                 // 0 = all cores
  uint64_t max_file_size = 256ull << 20;
  size_t chunk_size = 1 << 20;          // stream-mode chunk
  uint64_t stream_threshold = 64ull << 20;  // files larger than this are streamed
  std::function<bool(const std::string&)> exclude_path;  // allowlisted paths
  // Decoding runs on every file: whole up to stream_threshold, chunk by chunk past it (a region
  // longer than 32 KiB across a chunk edge is read in part: decode/decode_scan.h). Archives and
  // compressed files are read member by member (any size).
  ContentOptions content;
  // Called from the workers after each file (bytes, findings): progress for people.
  std::function<void(uint64_t, uint64_t)> on_file;
};

// Scans into `tally`. A named root that is missing is an error; a file the walk cannot read is
// a warning (the rule: pipeline/item.h).
void run_scan_job(const Scanner& scanner, const ScanJobOptions& opts, Tally& tally);

}  // namespace keyhound
