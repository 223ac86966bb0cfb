#include "pipeline/item.h"

namespace keyhound {

void Tally::error(std::string line) {
  problems.push_back({ProblemLevel::Error, std::move(line)});
  result.summary.errors++;
}

std::vector<Finding> ItemOutcome::all_findings() const {
  std::vector<Finding> out = findings;
  for (auto& in : inner) {
    auto more = in.all_findings();
    out.insert(out.end(), more.begin(), more.end());
  }
  return out;
}

void Tally::add_clean(uint64_t items, uint64_t bytes, uint64_t streamed_items) {
  result.summary.files_scanned += items;
  result.summary.bytes_scanned += bytes;
  streamed += streamed_items;
}

void Tally::add(ItemOutcome&& oc) {
  if (oc.problem) {
    if (oc.problem->level == ProblemLevel::Error) error(std::move(oc.problem->line));
    else warning(std::move(oc.problem->line));
  }
  if (oc.skip) skip(*oc.skip);
  if (oc.scanned) add_clean(1, oc.bytes, oc.streamed ? 1 : 0);
  for (auto& f : oc.findings) result.findings.push_back(std::move(f));
  if (oc.archive) {
    archives++;
    add_clean(oc.inner_clean, oc.inner_clean_bytes, 0);
    for (auto& in : oc.inner) add(std::move(in));
  }
}

}  // namespace keyhound
