#include "pipeline/scan_job.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>

#include "base/parallel.h"
#include "findings/enrich.h"
#include "findings/suppress.h"
#include "sources/file_source.h"
#include "sources/file_walker.h"

namespace keyhound {

namespace {

struct FileOutcome {
  std::string path;
  std::vector<Finding> findings;
  uint64_t bytes = 0;
  bool scanned = false;
  bool streamed = false;  // read in chunks through StreamScan
  std::string skip;
  std::string warning;
};

// What one worker thread keeps from file to file.
struct FileWorker {
  std::unique_ptr<Scratch> scratch;
  ReadBuffer buf;
  // Files with something to report (findings, a skip, a warning), in this worker's order;
  // the clean majority only adds to the counts.
  std::vector<FileOutcome> outcomes;
  uint64_t clean_files = 0, clean_bytes = 0, clean_streamed = 0;
};

FileOutcome scan_one(const Scanner& sc, FileWorker& w, const WalkEntry& e, const ScanJobOptions& o) {
  Scratch& scratch = *w.scratch;
  FileOutcome out;
  OpenedFile f = open_for_scan(e.path, e.named);
  if (f.fd < 0) {
    if (!f.skip.empty()) out.skip = f.skip;
    else {
      out.skip = "unreadable";
      out.warning = f.error;
    }
    return out;
  }
  std::string err;
  if (!e.size_known && f.size > o.max_file_size) {  // the walk did not stat it
    ::close(f.fd);
    out.skip = "too large";
    return out;
  }
  try {
    if (f.size <= o.stream_threshold) {
      if (!read_into(f.fd, f.size, o.max_file_size, w.buf, err)) {
        out.skip = "unreadable";
        out.warning = e.path + ": read error: " + err;
      } else {
        std::string_view data = w.buf.view();
        out.findings = sc.scan_block(data, scratch);
        out.bytes = data.size();
        out.scanned = true;
        w.buf.shrink_to(8u << 20);
      }
    } else {
      StreamScan ss(sc, scratch);
      bool ok = read_chunks(f.fd, o.chunk_size, o.max_file_size, [&](std::string_view c) { ss.feed(c); }, err);
      if (!ok) {
        out.skip = "unreadable";
        out.warning = e.path + ": read error: " + err;
      } else {
        out.findings = ss.finish();
        out.bytes = ss.bytes();
        out.scanned = true;
        out.streamed = true;
      }
    }
  } catch (const std::exception& ex) {
    out.skip = "scan error";
    out.warning = e.path + ": " + ex.what();
  }
  ::close(f.fd);
  for (auto& fd : out.findings) { Provenance p; p.path = e.path; attach_provenance(fd, p); }
  return out;
}

}  // namespace

void finish_findings(std::vector<Finding>& findings, ScanSummary& summary, bool include_examples,
                     const std::function<void(Finding&)>& post_process) {
  std::vector<Finding> kept;
  kept.reserve(findings.size());
  for (auto& f : findings) {
    if (f.example && !include_examples) {
      summary.examples_hidden++;
      continue;
    }
    apply_inline_allow(f);
    if (post_process) post_process(f);
    if (f.suppressed) summary.suppressed++;
    else summary.findings++;
    kept.push_back(std::move(f));
  }
  findings.swap(kept);
}

ScanResult run_scan_job(const Scanner& sc, const ScanJobOptions& o, std::vector<std::string>& warnings) {
  auto t0 = std::chrono::steady_clock::now();
  ScanResult res;
  res.tool_version = KEYHOUND_VERSION;
  std::vector<std::string> roots;
  bool want_stdin = false;
  for (auto& p : o.paths) {
    if (p == "-") want_stdin = true;
    else roots.push_back(p);
  }
  std::vector<Finding> all;
  if (want_stdin) {
    Scratch scratch(sc.db());
    StreamScan ss(sc, scratch);
    std::string err;
    if (!read_chunks(0, o.chunk_size, UINT64_MAX, [&](std::string_view c) { ss.feed(c); }, err)) {
      warnings.push_back("-: cannot read standard input: " + err);
      res.summary.errors++;
    } else {
      auto fs = ss.finish();
      for (auto& f : fs) { Provenance p; p.path = "-"; attach_provenance(f, p); }
      res.summary.files_scanned++;
      res.summary.bytes_scanned += ss.bytes();
      for (auto& f : fs) all.push_back(std::move(f));
    }
  }
  WalkOptions wo;
  wo.max_file_size = o.max_file_size;
  wo.exclude = o.exclude_path;
  // The walk feeds the workers as it goes: scanning starts with the first file found.
  WalkResult walk;
  std::vector<std::unique_ptr<FileWorker>> workers;
  std::mutex workers_mu;
  unsigned threads = worker_count(o.threads, SIZE_MAX);
  run_fed_tasks<WalkEntry>(
      threads,
      [&] {
        auto w = std::make_unique<FileWorker>();
        w->scratch = std::make_unique<Scratch>(sc.db());
        FileWorker* raw = w.get();
        std::lock_guard<std::mutex> lk(workers_mu);
        workers.push_back(std::move(w));
        return raw;
      },
      [&](const std::function<void(WalkEntry&&)>& push) { walk_paths_each(roots, wo, walk, push); },
      [&](FileWorker* w, WalkEntry& e) {
        FileOutcome oc = scan_one(sc, *w, e, o);
        if (oc.findings.empty() && oc.skip.empty() && oc.warning.empty() && oc.scanned) {
          w->clean_files++;
          w->clean_bytes += oc.bytes;
          w->clean_streamed += oc.streamed;
          return;
        }
        oc.path = std::move(e.path);
        w->outcomes.push_back(std::move(oc));
      });
  for (auto& w : walk.warnings) warnings.push_back(w);
  for (auto& e : walk.errors) {
    warnings.push_back(e);
    res.summary.errors++;
  }
  res.summary.skipped = walk.skipped;
  // Deterministic order whatever the thread count: by path, as a sorted walk would give.
  std::vector<FileOutcome> outcomes;
  uint64_t streamed = 0;
  for (auto& w : workers) {
    res.summary.files_scanned += w->clean_files;
    res.summary.bytes_scanned += w->clean_bytes;
    streamed += w->clean_streamed;
    for (auto& oc : w->outcomes) outcomes.push_back(std::move(oc));
  }
  std::sort(outcomes.begin(), outcomes.end(),
            [](const FileOutcome& a, const FileOutcome& b) { return a.path < b.path; });
  for (auto& oc : outcomes) {
    if (oc.streamed) ++streamed;
    if (!oc.warning.empty()) warnings.push_back(oc.warning);
    if (!oc.skip.empty()) res.summary.skipped[oc.skip]++;
    if (oc.scanned) {
      res.summary.files_scanned++;
      res.summary.bytes_scanned += oc.bytes;
    }
    for (auto& f : oc.findings) all.push_back(std::move(f));
  }
  // Files larger than the stream threshold went through the chunked path; say how many.
  if (streamed) res.summary.notes["streamed_files"] = std::to_string(streamed);
  finish_findings(all, res.summary, o.include_examples, o.post_process);
  res.findings = std::move(all);
  res.summary.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace keyhound
