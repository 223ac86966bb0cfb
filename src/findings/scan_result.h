// What a scan hands to the reporters: the findings and the summary counts.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "findings/finding.h"
#include "findings/skip_reason.h"

namespace keyhound {

struct ScanSummary {
  uint64_t files_scanned = 0;     // files, stdin or blobs
  uint64_t bytes_scanned = 0;
  SkipCounts skipped;             // reason -> count
  uint64_t findings = 0;          // reported (not suppressed, not hidden)
  uint64_t suppressed = 0;        // inline allows, allowlists, baseline
  uint64_t examples_hidden = 0;   // documentation examples not shown
  uint64_t errors = 0;            // unreadable inputs and the like
  double elapsed_seconds = 0;
  std::map<std::string, std::string> notes;  // e.g. "shallow" -> "true" for git
  uint64_t commits_scanned = 0;   // git only
};

struct ScanResult {
  std::vector<Finding> findings;  // in report order
  ScanSummary summary;
  std::string tool_version;
};

}  // namespace keyhound
