#include "pipeline/item_stream.h"

namespace keyhound {

void ItemStream::emit_all(std::vector<Finding>& fs) {
  for (auto& f : fs) {
    if (once_ && !f.fingerprint.empty() && !seen_.insert(f.fingerprint).second) continue;
    emit_(f);
  }
}

void ItemStream::done(size_t seq, const std::vector<Finding>& findings) {
  std::lock_guard<std::mutex> lk(mu_);
  if (seq != next_) {
    early_.emplace(seq, findings);
    return;
  }
  std::vector<Finding> fs = findings;
  emit_all(fs);
  ++next_;
  // Items that finished early and now follow on.
  for (auto it = early_.begin(); it != early_.end() && it->first == next_; it = early_.erase(it)) {
    emit_all(it->second);
    ++next_;
  }
}

size_t ItemStream::waiting() const {
  std::lock_guard<std::mutex> lk(mu_);
  return early_.size();
}

}  // namespace keyhound
