#include "pipeline/scan_job.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <mutex>

#include "base/parallel.h"
#include "findings/enrich.h"
#include "sources/file_source.h"
#include "sources/file_walker.h"

namespace keyhound {

namespace {

// What one worker thread keeps from file to file.
struct FileWorker {
  std::unique_ptr<Scratch> scratch;
  ReadBuffer buf;
  // Files with something to report (findings, a skip, a problem), in this worker's order;
  // the clean majority only adds to the counts.
  std::vector<ItemOutcome> outcomes;
  uint64_t clean_files = 0, clean_bytes = 0, clean_streamed = 0;
};

ItemOutcome unreadable(const std::string& line) {
  ItemOutcome out;
  out.skip = SkipReason::Unreadable;
  out.problem = Problem{ProblemLevel::Warning, line};
  return out;
}

ItemOutcome scan_one(const Scanner& sc, FileWorker& w, const WalkEntry& e, const ScanJobOptions& o) {
  Scratch& scratch = *w.scratch;
  ItemOutcome out;
  OpenedFile f = open_for_scan(e.path, e.named);
  if (f.fd < 0) {
    if (f.skip) out.skip = f.skip;
    else out = unreadable(f.error);
    return out;
  }
  std::string err;
  if (!e.size_known && f.size > o.max_file_size) {  // the walk did not stat it
    ::close(f.fd);
    out.skip = SkipReason::TooLarge;
    return out;
  }
  try {
    char head[512];
    ssize_t hn = f.size > o.stream_threshold ? ::pread(f.fd, head, sizeof head, 0) : 0;
    if (hn > 0 && wants_archive(std::string_view(head, static_cast<size_t>(hn)), o.content) &&
        scan_archive_fd(sc, scratch, f.fd, e.path, o.content, out)) {
      // Too large to hold, read member by member from the file.
    } else if (f.size <= o.stream_threshold) {
      if (!read_into(f.fd, f.size, o.max_file_size, w.buf, err)) {
        out = unreadable(e.path + ": read error: " + err);
      } else {
        std::string_view data = w.buf.view();
        if (!wants_archive(data, o.content) || !scan_archive(sc, scratch, data, e.path, o.content, out)) {
          out.findings = sc.scan_block(data, scratch);
          add_decoded_findings(sc, scratch, data, o.content.decode, out.findings);
          out.bytes = data.size();
          out.scanned = true;
        }
        w.buf.shrink_to(8u << 20);
      }
    } else {
      StreamScan ss(sc, scratch);
      StreamDecode sd(sc, scratch, o.content.decode);
      bool ok = read_chunks(f.fd, o.chunk_size, o.max_file_size, [&](std::string_view c) {
        ss.feed(c);
        sd.feed(c);
      }, err);
      if (!ok) {
        out = unreadable(e.path + ": read error: " + err);
      } else {
        out.findings = ss.finish();
        sd.finish(out.findings);
        out.bytes = ss.bytes();
        out.scanned = true;
        out.streamed = true;
      }
    }
  } catch (const std::exception& ex) {
    out = ItemOutcome{};
    out.skip = SkipReason::ScanError;
    out.problem = Problem{ProblemLevel::Error, e.path + ": " + ex.what()};
  }
  ::close(f.fd);
  for (auto& fd : out.findings) { Provenance p; p.path = e.path; attach_provenance(fd, p); }
  for (auto& in : out.inner)
    for (auto& fd : in.findings) { Provenance p; p.path = in.path; attach_provenance(fd, p); }
  return out;
}

// A walk entry and its place in the walk: the order --format jsonl writes findings in.
struct NumberedEntry {
  WalkEntry e;
  size_t seq = 0;
};

}  // namespace

void run_scan_job(const Scanner& sc, const ScanJobOptions& o, Tally& tally) {
  size_t seq = 0;
  auto stream = [&tally](size_t n, const std::vector<Finding>& fs) {
    if (tally.stream) tally.stream->done(n, fs);
  };
  std::vector<std::string> roots, streams;  // streams: "-", pipes and devices named
  for (auto& p : o.paths) (p == "-" || is_stream_path(p) ? streams : roots).push_back(p);
  WalkOptions wo;
  wo.max_file_size = o.max_file_size;
  wo.exclude = o.exclude_path;
  // The walk feeds the workers as it goes: scanning starts with the first file found.
  WalkResult walk;
  std::vector<std::unique_ptr<FileWorker>> workers;
  std::mutex workers_mu;
  // Only files named (no folder to walk): as many threads as files at most, none of its own for one.
  bool only_files = std::none_of(roots.begin(), roots.end(), [](const std::string& p) {
    std::error_code ec;
    return std::filesystem::is_directory(p, ec);
  });
  unsigned threads = worker_count(o.threads, only_files ? roots.size() : SIZE_MAX);
  if (only_files && threads == 1) threads = 0;
  run_fed_tasks<NumberedEntry>(
      threads,
      [&] {
        auto w = std::make_unique<FileWorker>();
        w->scratch = std::make_unique<Scratch>(sc.db());
        FileWorker* raw = w.get();
        std::lock_guard<std::mutex> lk(workers_mu);
        workers.push_back(std::move(w));
        return raw;
      },
      [&](const std::function<void(NumberedEntry&&)>& push) {
        walk_paths_each(roots, wo, walk, [&](WalkEntry&& e) {
          e.path = tidy_path(std::move(e.path));
          push(NumberedEntry{std::move(e), seq++});
        });
      },
      [&](FileWorker* w, NumberedEntry& n) {
        WalkEntry& e = n.e;
        ItemOutcome oc = scan_one(sc, *w, e, o);
        if (o.on_file) {
          uint64_t bytes = oc.bytes + oc.inner_clean_bytes, found = oc.findings.size();
          for (auto& in : oc.inner) bytes += in.bytes, found += in.findings.size();
          o.on_file(bytes, found);
        }
        stream(n.seq, oc.archive ? oc.all_findings() : oc.findings);
        if (oc.clean()) {
          w->clean_files++;
          w->clean_bytes += oc.bytes;
          w->clean_streamed += oc.streamed;
          return;
        }
        oc.path = std::move(e.path);
        w->outcomes.push_back(std::move(oc));
      });
  // Pipes and stdin after the files: the files' findings are out (--format jsonl) while a
  // stream may still be open.
  for (auto& name : streams) {
    std::string err;
    int fd = name == "-" ? 0 : open_named_stream(name, 5000, err);
    // A device named on the command line may never end (/dev/zero): it stops at --max-file-size.
    uint64_t max = name == "-" ? UINT64_MAX : o.max_file_size;
    Scratch scratch(sc.db());
    StreamScan ss(sc, scratch);
    StreamDecode sd(sc, scratch, o.content.decode);
    auto feed = [&](std::string_view c) {
      ss.feed(c);
      sd.feed(c);
    };
    if (fd < 0 || !read_chunks(fd, o.chunk_size, max, feed, err)) {
      tally.error(name == "-" ? "-: cannot read standard input: " + err : name + ": cannot read: " + err);
      stream(seq++, {});
    } else {
      if (ss.bytes() >= max) tally.warning(name + ": read only the first " + std::to_string(max) +
                                           " bytes (--max-file-size)");
      ItemOutcome oc;
      oc.path = name;
      oc.findings = ss.finish();
      sd.finish(oc.findings);
      for (auto& f : oc.findings) { Provenance p; p.path = name; attach_provenance(f, p); }
      oc.bytes = ss.bytes();
      oc.scanned = true;
      stream(seq++, oc.findings);
      tally.add(std::move(oc));
    }
    if (fd > 0) ::close(fd);
  }
  for (auto& w : walk.warnings) tally.warning(w);
  for (auto& e : walk.errors) tally.error(e);
  for (auto& [reason, n] : walk.skipped) tally.skip(reason, n);
  // Deterministic order whatever the thread count: by path, as a sorted walk would give.
  std::vector<ItemOutcome> outcomes;
  for (auto& w : workers) {
    tally.add_clean(w->clean_files, w->clean_bytes, w->clean_streamed);
    for (auto& oc : w->outcomes) outcomes.push_back(std::move(oc));
  }
  std::sort(outcomes.begin(), outcomes.end(),
            [](const ItemOutcome& a, const ItemOutcome& b) { return a.path < b.path; });
  for (auto& oc : outcomes) tally.add(std::move(oc));
}

}  // namespace keyhound
