// A tiny work queue: tasks [0, count) spread over threads, each thread with its own state
// (a Hyperscan scratch, a libgit2 repository handle: neither may be shared between threads).
#pragma once
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace keyhound {

// Threads to use for `count` tasks when the user asked for `requested` (0 = all cores).
inline unsigned worker_count(unsigned requested, size_t count) {
  unsigned n = requested ? requested : std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::min<size_t>(n, std::max<size_t>(1, count)));
}

// Calls run(state, i) for every i in [0, count), with state = make_state() once per thread.
// The first exception a worker throws is rethrown here after every thread has stopped.
template <typename MakeState, typename Run>
void run_tasks(unsigned threads, size_t count, MakeState make_state, Run run) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::exception_ptr failure;
  auto worker = [&] {
    try {
      auto state = make_state();
      for (size_t i = next++; i < count; i = next++) run(state, i);
    } catch (...) {
      std::lock_guard<std::mutex> lk(mu);
      if (!failure) failure = std::current_exception();
      next = count;  // the others stop at their next task
    }
  };
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::thread> ts;
    for (unsigned i = 0; i < threads; ++i) ts.emplace_back(worker);
    for (auto& t : ts) t.join();
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace keyhound
