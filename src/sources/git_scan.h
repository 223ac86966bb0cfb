// Scans a GitPlan: blobs are read and scanned on worker threads, each with its own libgit2
// repository handle and Hyperscan scratch; findings get the commit that introduced the blob.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/scanner.h"
#include "findings/scan_result.h"
#include "sources/git_source.h"

namespace keyhound {

struct GitScanOptions {
  unsigned threads = 0;                  // 0 = all cores
  uint64_t max_blob_size = 64ull << 20;  // larger blobs are skipped and counted
};

// Fills result.findings (in plan order, provenance attached, not yet finished) and the summary
// counts: files_scanned = blobs scanned, commits_scanned, skipped, notes, errors. Each error is
// one line naming the object, appended to `errors`; the scan goes on.
ScanResult scan_git_plan(const Scanner& sc, const std::string& git_dir, const GitPlan& plan,
                         const GitScanOptions& o, std::vector<std::string>& errors);

// True if the finding's line, or the line of any of its parts, is in `added` (sorted).
bool finding_on_added_line(const Finding& f, const std::vector<uint64_t>& added);

}  // namespace keyhound
