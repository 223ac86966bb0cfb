// Progress of a long scan for a person watching: one line on stderr, redrawn in place (files
// or blobs done, MB/s, findings so far), erased when the scan ends. Only on a terminal.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <memory>
#include <thread>

#include "pipeline/run.h"

namespace keyhound {

class Progress {
 public:
  // `unit` names the items ("files", "blobs"). Draws every `interval_ms` from the start (the
  // first line after one interval, so a quick scan prints nothing).
  Progress(std::string unit, int interval_ms);
  ~Progress();  // stops drawing and erases the line
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  // From any thread: one more item of `bytes` bytes with `findings` findings.
  void add(uint64_t bytes, uint64_t findings) {
    items_.fetch_add(1, std::memory_order_relaxed);
    bytes_.fetch_add(bytes, std::memory_order_relaxed);
    findings_.fetch_add(findings, std::memory_order_relaxed);
  }

 private:
  void draw();
  std::string unit_;
  int interval_ms_;
  std::atomic<uint64_t> items_{0}, bytes_{0}, findings_{0};
  std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false, drawn_ = false;
  std::thread thread_;
};

// Whether to show progress: stderr is a terminal, not --quiet, not TERM=dumb.
bool progress_wanted(bool quiet);
// A progress line for `unit` when wanted (not --no-progress, and progress_wanted), else null.
std::unique_ptr<Progress> make_progress(const CommonOptions& o, const std::string& unit);

}  // namespace keyhound
