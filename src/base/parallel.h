// A tiny work queue: tasks [0, count) spread over threads, each thread with its own state
// (a Hyperscan scratch, a libgit2 repository handle: neither may be shared between threads).
#pragma once
#include <atomic>
#include <condition_variable>
#include <deque>
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

// Like run_tasks, but the tasks are not known up front: `produce(push)` runs on the calling
// thread and calls push(item) for each task as it finds it (a directory walk), while the
// workers already run `run(state, item)`. Returns when produce has returned and every item
// has run. The first exception (producer's or a worker's) is rethrown after all have stopped.
// threads == 0: no threads, each item runs on the calling thread when pushed.
template <typename Item, typename MakeState, typename Produce, typename Run>
void run_fed_tasks(unsigned threads, MakeState make_state, Produce produce, Run run) {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Item> queue;
  bool closed = false;
  std::exception_ptr failure;
  auto fail = [&] {
    std::lock_guard<std::mutex> lk(mu);
    if (!failure) failure = std::current_exception();
    closed = true;
    queue.clear();
    cv.notify_all();
  };
  auto worker = [&] {
    try {
      auto state = make_state();
      for (;;) {
        Item item;
        {
          std::unique_lock<std::mutex> lk(mu);
          cv.wait(lk, [&] { return closed || !queue.empty(); });
          if (queue.empty()) return;
          item = std::move(queue.front());
          queue.pop_front();
        }
        run(state, item);
      }
    } catch (...) {
      fail();
    }
  };
  if (threads == 0) {
    // No worker threads: each item runs on the calling thread as it is pushed (a job of one
    // file, where starting a thread would cost more than the scan, and on a busy machine
    // waits for a core).
    auto state = make_state();
    produce([&](Item&& item) { run(state, item); });
    return;
  }
  std::vector<std::thread> ts;
  for (unsigned i = 0; i < threads; ++i) ts.emplace_back(worker);
  try {
    produce([&](Item&& item) {
      std::lock_guard<std::mutex> lk(mu);
      if (closed) return;  // a worker failed: stop feeding
      queue.push_back(std::move(item));
      cv.notify_one();
    });
  } catch (...) {
    fail();
  }
  {
    std::lock_guard<std::mutex> lk(mu);
    closed = true;
  }
  cv.notify_all();
  for (auto& t : ts) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace keyhound
