// Runs a scan of files, directories and stdin over a pool of worker threads and collects the
// findings in a deterministic order (path, then offset), whatever the thread count.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/scanner.h"
#include "findings/scan_result.h"

namespace keyhound {

struct ScanJobOptions {
  std::vector<std::string> paths;       // files, directories, "-" for stdin
  unsigned threads = 0;                 // 0 = all cores
  uint64_t max_file_size = 256ull << 20;
  size_t chunk_size = 1 << 20;          // stream-mode chunk
  uint64_t stream_threshold = 64ull << 20;  // files larger than this are streamed
  bool include_examples = false;
  std::function<bool(const std::string&)> exclude_path;  // allowlisted paths
  std::function<void(Finding&)> post_process;            // allowlists, baselines
};

// Scans; warnings (one line each, naming the path) go to `warnings`. Errors about the named
// roots (missing path) go to result.summary.errors and `warnings`.
ScanResult run_scan_job(const Scanner& scanner, const ScanJobOptions& opts, std::vector<std::string>& warnings);

// Common last step for scan and git: provenance is set; applies inline allows and
// `post_process`, hides examples unless asked, and fills the summary counts.
void finish_findings(std::vector<Finding>& findings, ScanSummary& summary, bool include_examples,
                     const std::function<void(Finding&)>& post_process);

}  // namespace keyhound
