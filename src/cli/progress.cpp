#include "cli/progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace keyhound {

Progress::Progress(std::string unit, int interval_ms)
    : unit_(std::move(unit)), interval_ms_(interval_ms < 1 ? 1 : interval_ms), start_(std::chrono::steady_clock::now()) {
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lk(mu_);
    while (!cv_.wait_for(lk, std::chrono::milliseconds(interval_ms_), [this] { return stop_; })) draw();
  });
}

Progress::~Progress() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (drawn_) std::fputs("\r\x1b[K", stderr);  // the summary takes the line
}

void Progress::draw() {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  uint64_t bytes = bytes_.load(std::memory_order_relaxed);
  double mbps = secs > 0 ? bytes / 1e6 / secs : 0;
  std::fprintf(stderr, "\r\x1b[Kkeyhound: %llu %s, %.1f MB, %.0f MB/s, %llu findings so far",
               static_cast<unsigned long long>(items_.load(std::memory_order_relaxed)), unit_.c_str(), bytes / 1e6,
               mbps, static_cast<unsigned long long>(findings_.load(std::memory_order_relaxed)));
  std::fflush(stderr);
  drawn_ = true;
}

std::unique_ptr<Progress> make_progress(const CommonOptions& o, const std::string& unit) {
  if (o.no_progress || !progress_wanted(o.quiet)) return nullptr;
  return std::make_unique<Progress>(unit, o.progress_ms);
}

bool progress_wanted(bool quiet) {
  const char* term = std::getenv("TERM");
  return !quiet && ::isatty(2) && !(term && std::string(term) == "dumb");
}

}  // namespace keyhound
