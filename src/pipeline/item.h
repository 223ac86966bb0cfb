// What the pipeline keeps of one scanned item (a file, stdin, a blob, an archive member) and
// the one tally that turns items into summary counts, findings and diagnostics.
//
// Errors and warnings, one rule for every source:
//   error (exit 2)  keyhound could not look at bytes it was asked to vouch for, so a clean
//                   report would be a false all-clear: a path the user named is missing, the
//                   repository or one of its objects is damaged or unreadable, the scanner
//                   itself failed on an item.
//   warning         the walk met an item the environment keeps from us (permission denied, a
//                   file that vanished mid-walk): it is skipped, counted under its reason and
//                   named on one line; the rest of the result stands. --quiet hides warnings,
//                   never errors.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "findings/finding.h"
#include "findings/scan_result.h"
#include "findings/skip_reason.h"
#include "pipeline/item_stream.h"

namespace keyhound {

enum class ProblemLevel { Warning, Error };

// One diagnostic line; it names the item (path, object id, provenance).
struct Problem {
  ProblemLevel level;
  std::string line;
};

// The outcome of one item. Its provenance is on its findings (Finding::where); the path of an
// item inside another one reads "outer!inner" (app.war!WEB-INF/x.properties), as many levels
// deep as needed.
struct ItemOutcome {
  std::string path;                // for ordering and diagnostics
  std::vector<Finding> findings;   // provenance attached, not yet finished
  uint64_t bytes = 0;              // bytes scanned
  bool scanned = false;
  bool streamed = false;           // read in chunks (files over the stream threshold)
  std::optional<SkipReason> skip;  // set when the item was not scanned
  std::optional<Problem> problem;  // at most one line per item
  // An archive: its members are items of their own (this one is not counted), those with
  // something to report here, the clean ones only counted.
  bool archive = false;
  std::vector<ItemOutcome> inner;
  uint64_t inner_clean = 0, inner_clean_bytes = 0;

  // Its findings and those of the items inside it, in order (copies).
  std::vector<Finding> all_findings() const;

  // True for the common case that only adds to the counts: scanned, nothing to report.
  bool clean() const { return scanned && findings.empty() && !skip && !problem && !archive; }
};

// Adds items up: counts into the summary, findings in the order items are added, diagnostics
// in order. Not thread-safe: workers keep their own outcomes and the tally runs after.
struct Tally {
  ScanResult result;
  std::vector<Problem> problems;
  uint64_t streamed = 0;
  uint64_t archives = 0;  // items read as archives (their members are counted as items)
  // Set by the pipeline when findings are written as found (--format jsonl): sources hand it
  // every item they number, from their worker threads (it is thread-safe; the tally is not).
  ItemStream* stream = nullptr;

  void add(ItemOutcome&& oc);
  // Scanned items with nothing to report, counted without building an outcome each.
  void add_clean(uint64_t items, uint64_t bytes, uint64_t streamed_items);
  void skip(SkipReason r, uint64_t n = 1) { result.summary.skipped[r] += n; }
  void warning(std::string line) { problems.push_back({ProblemLevel::Warning, std::move(line)}); }
  // Errors are counted in the summary (exit 2).
  void error(std::string line);
};

}  // namespace keyhound
