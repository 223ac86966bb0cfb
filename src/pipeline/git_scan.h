// Scans a GitPlan: blobs are read and scanned on worker threads, each with its own Hyperscan
// scratch; findings get the commit that introduced the blob. Audits read the packs' blobs in
// pack order (src/sources/git_pack.*); the rest is read through libgit2, a repository handle
// per thread.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/scanner.h"
#include "pipeline/archive_scan.h"
#include "pipeline/item.h"
#include "sources/git_source.h"

namespace keyhound {

struct GitScanOptions {
  unsigned threads = 0;                  // 0 = all cores
  uint64_t max_blob_size = 64ull << 20;  // larger blobs are skipped and counted
  std::function<void(const std::string&)> debug;  // --debug: which reading path ran
  // Audits: sees each task's outcome (plan index, every finding of its blob, before findings
  // repeated from earlier blobs are dropped), in plan order, before the tally does.
  std::function<void(size_t task, const ItemOutcome&)> on_outcome;
  ContentOptions content;                // --decode-depth, --archive-*
  // Called from the workers after each blob (bytes, findings): progress for people.
  std::function<void(uint64_t, uint64_t)> on_blob;
  // The caller's own handle on the repository: when one worker reads the blobs (a fork's few
  // new ones), it runs on the calling thread with this handle instead of opening another.
  git_repository* caller_repo = nullptr;
};

// Whole-history audits: every blob of the packs is built (in pack order) and scanned on
// background threads while the plan is being made; a blob's findings depend on its bytes
// alone, and scan_git_plan attaches the commit and path. Blobs the plan turns out not to want
// are scanned for nothing, so use it only when the plan wants (nearly) everything: every ref,
// no excluded paths.
class BlobPrescan;
std::shared_ptr<BlobPrescan> start_blob_prescan(const Scanner& sc, std::shared_ptr<const PackSet> packs,
                                                const GitScanOptions& o);

// Adds the plan's blobs to the tally in plan order (findings with provenance, not yet
// finished) with the plan's counts: files_scanned = blobs scanned, commits_scanned, skipped,
// notes. A damaged or unreadable object is an error line naming it; the scan goes on. With a
// prescan (started on plan.packs), its results are used and only the blobs it did not build
// are read here.
void scan_git_plan(const Scanner& sc, const std::string& git_dir, const GitPlan& plan, const GitScanOptions& o,
                   Tally& tally, BlobPrescan* prescan = nullptr);

// True if the finding's line, or the line of any of its parts, is in `added` (sorted).
bool finding_on_added_line(const Finding& f, const std::vector<uint64_t>& added);

}  // namespace keyhound
