// Findings handed on as items finish, in the source's own item order, while the scan goes on:
// what `--format jsonl` writes as it finds. Workers finish items in any order; an item's
// findings go out once it and every item before it are done, so the stream is the same for
// any thread count.
#pragma once
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "findings/finding.h"

namespace keyhound {

class ItemStream {
 public:
  // `emit` runs under the stream's lock, one finding at a time, in item order. With
  // `once_per_fingerprint`, a fingerprint already emitted is not emitted again (git: a key kept
  // in later versions of a file is reported at its first blob only, as the final report does).
  ItemStream(std::function<void(Finding&)> emit, bool once_per_fingerprint)
      : emit_(std::move(emit)), once_(once_per_fingerprint) {}

  // From any thread, exactly once per item number (0, 1, 2, ... with no gaps): item `seq` is
  // done with these findings (provenance attached; copied, the caller keeps its own).
  void done(size_t seq, const std::vector<Finding>& findings);

  // Items still waiting for an earlier one (0 once every item is done).
  size_t waiting() const;

 private:
  void emit_all(std::vector<Finding>& fs);
  std::function<void(Finding&)> emit_;
  bool once_;
  mutable std::mutex mu_;
  size_t next_ = 0;
  std::map<size_t, std::vector<Finding>> early_;  // done before an earlier item
  std::set<std::string> seen_;
};

}  // namespace keyhound
