#include "pipeline/git_scan.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <optional>
#include <set>
#include <thread>
#include <unordered_set>
#include <unordered_map>

#include "base/parallel.h"
#include "decode/decode_scan.h"
#include "findings/enrich.h"
#include "sources/git_objects.h"
#include "sources/git_pack.h"

namespace keyhound {

namespace {

bool secret_in(const std::string& hay, const Finding& f) {
  if (!f.secret.empty() && hay.find(f.secret) == std::string::npos) return false;
  for (auto& p : f.parts)
    if (!p.secret.empty() && hay.find(p.secret) == std::string::npos) return false;
  return true;
}

// A git object we could not read or scan: an error (pipeline/item.h).
Problem blob_error(std::string line) { return Problem{ProblemLevel::Error, std::move(line)}; }

std::string where_text(const GitBlobTask& t, const GitPlan& plan) {
  std::string s = " (" + t.path;
  if (t.commit >= 0) s += " in commit " + plan.commits[t.commit].id.substr(0, 12);
  return s + ")";
}

// What a blob's bytes alone decide: skipped (LFS pointer), scanned (findings without
// provenance), or a scan error.
struct BlobResult {
  std::vector<Finding> findings;
  // An archive blob: its members (paths "!member", made whole with the blob's path later).
  std::optional<ItemOutcome> archive;
  uint64_t bytes = 0;
  bool scanned = false;
  std::optional<SkipReason> skip;
  std::string scan_error;
};

BlobResult scan_content(const Scanner& sc, Scratch& scratch, std::string_view data, const GitScanOptions& o) {
  BlobResult r;
  if (is_lfs_pointer(data)) {
    r.skip = SkipReason::LfsPointer;
    return r;
  }
  try {
    if (wants_archive(data, o.content)) {
      ItemOutcome members;
      if (scan_archive(sc, scratch, data, "", o.content, members)) {
        r.archive = std::move(members);
        return r;
      }
    }
    r.findings = sc.scan_block(data, scratch);
    add_decoded_findings(sc, scratch, data, o.content.decode, r.findings);
  } catch (const std::exception& e) {
    r.scan_error = e.what();
    return r;
  }
  r.bytes = data.size();
  r.scanned = true;
  return r;
}

// Where task t's bytes come from; `path` is the blob's path, or a member's inside it.
Provenance task_provenance(const GitBlobTask& t, const GitPlan& plan, const std::string& path) {
  Provenance p;
  p.path = path;
  p.blob = oid_hex(t.blob);
  if (t.commit >= 0) {
    const GitCommitInfo& c = plan.commits[t.commit];
    p.commit = c.id;
    p.author = c.author;
    p.email = c.email;
    p.date = c.date;
  }
  return p;
}

void attach_task_provenance(std::vector<Finding>& findings, const GitBlobTask& t, const GitPlan& plan) {
  Provenance p = task_provenance(t, plan, t.path);
  for (auto& f : findings) attach_provenance(f, p);
}

// An archive blob's members as items of the task: paths (and warning lines, which start with
// the member path) made whole with the blob's path and commit.
ItemOutcome archive_outcome(const ItemOutcome& members, const GitBlobTask& t, const GitPlan& plan) {
  ItemOutcome out = members;  // a copy: a blob may serve two tasks
  for (auto& in : out.inner) {
    if (in.problem) in.problem->line = t.path + in.problem->line + where_text(t, plan);
    in.path = t.path + in.path;
    Provenance p = task_provenance(t, plan, in.path);
    for (auto& f : in.findings) attach_provenance(f, p);
  }
  return out;
}

// The outcome of task t from its blob's result (no added-lines filter: not for such tasks).
ItemOutcome outcome_of(BlobResult r, const GitBlobTask& t, const GitPlan& plan) {
  if (r.archive) return archive_outcome(*r.archive, t, plan);
  ItemOutcome out;
  out.skip = r.skip;
  if (!r.scan_error.empty()) {
    out.skip = SkipReason::ScanError;
    out.problem = blob_error("blob " + oid_hex(t.blob) + where_text(t, plan) + ": " + r.scan_error);
  }
  if (!r.scanned) return out;
  out.findings = std::move(r.findings);
  out.bytes = r.bytes;
  out.scanned = true;
  attach_task_provenance(out.findings, t, plan);
  return out;
}

// Reads blobs for one worker: the plan's own reader first when it has one (staged plans made
// without libgit2), else (or when it declines) libgit2, through a handle opened on first need.
class BlobReader {
 public:
  BlobReader(const GitPlan& plan, const std::string& git_dir, git_repository* given)
      : plan_(plan), git_dir_(git_dir), given_(given) {}
  BlobBytes read(const git_oid& id, uint64_t max_size) {
    if (plan_.objects) {
      GitObjectType type;
      BlobBytes b;
      // libgit2's read takes any object type too.
      if (plan_.objects->read(id.id, type, b.data)) {
        b.size = b.data.size();
        if (b.size > max_size) {
          b.status = BlobBytes::Status::TooLarge;
          b.data.clear();
        }
        return b;
      }
    }
    return read_blob(repo(), id, max_size);
  }

 private:
  git_repository* repo() {
    if (given_) return given_;
    if (!own_) own_.emplace(GitRepo::open(git_dir_, false));
    return own_->get();
  }
  const GitPlan& plan_;
  const std::string& git_dir_;
  git_repository* given_;
  std::optional<GitRepo> own_;
};

// Scans the bytes of task t's blob. `reader` reads the old version for added_lines_only tasks.
ItemOutcome scan_data(const Scanner& sc, Scratch& scratch, BlobReader* reader, const GitBlobTask& t,
                      const GitPlan& plan, std::string_view data, const GitScanOptions& o) {
  if (!t.added_lines_only) return outcome_of(scan_content(sc, scratch, data, o), t, plan);
  ItemOutcome out;
  auto where = [&] { return where_text(t, plan); };
  BlobResult r = scan_content(sc, scratch, data, o);
  if (!r.scanned) return outcome_of(std::move(r), t, plan);  // archives: every member
  out.findings = std::move(r.findings);
  out.bytes = r.bytes;
  out.scanned = true;
  // A merge's line is new only if it is new relative to every parent: filter by each in turn.
  std::vector<git_oid> olds{t.old_blob};
  olds.insert(olds.end(), t.other_parent_blobs.begin(), t.other_parent_blobs.end());
  for (const git_oid& old_id : olds) {
    if (oid_is_zero(old_id) || out.findings.empty() || out.problem) continue;
    if (std::memcmp(old_id.id, t.blob.id, GIT_OID_RAWSZ) == 0) {  // a mode change: no line is new
      out.findings.clear();
      continue;
    }
    BlobBytes old = reader->read(old_id, UINT64_MAX);
    if (old.status != BlobBytes::Status::Ok) {
      // Without the old version every line counts as added: better a known key than a miss.
      out.problem = blob_error(old.error + where());
    } else if (looks_binary(data) || looks_binary(old.data)) {
      // No lines in a binary file: keep the secrets the old version did not hold.
      std::vector<Finding> kept;
      for (auto& f : out.findings)
        if (!secret_in(old.data, f)) kept.push_back(std::move(f));
      out.findings.swap(kept);
    } else {
      std::vector<uint64_t> added;
      try {
        added = added_lines(old.data, data);
      } catch (const std::exception& e) {
        out.problem = blob_error("blob " + oid_hex(t.blob) + where() + ": " + e.what());
      }
      if (!out.problem) {
        std::vector<Finding> kept;
        for (auto& f : out.findings)
          if (finding_on_added_line(f, added)) kept.push_back(std::move(f));
        out.findings.swap(kept);
      }
    }
  }
  attach_task_provenance(out.findings, t, plan);
  return out;
}

ItemOutcome scan_task(const Scanner& sc, Scratch& scratch, BlobReader& reader, const GitBlobTask& t,
                      const GitPlan& plan, const GitScanOptions& o) {
  ItemOutcome out;
  BlobBytes b = reader.read(t.blob, o.max_blob_size);
  if (b.status == BlobBytes::Status::TooLarge) {
    out.skip = SkipReason::TooLarge;
    return out;
  }
  if (b.status == BlobBytes::Status::Error) {
    out.problem = blob_error(b.error + where_text(t, plan));
    return out;
  }
  return scan_data(sc, scratch, &reader, t, plan, b.data, o);
}


// Hands the plan's blobs to the scanner as the pack walk builds them: each task is claimed
// once (a blob may sit in several packs); a task whose bytes could not be built is released
// and read through libgit2 afterwards.
struct PlanVisitor : PackVisitor {
  const Scanner& sc;
  const GitPlan& plan;
  const GitScanOptions& o;
  std::vector<ItemOutcome>& outcomes;
  std::vector<std::unique_ptr<Scratch>>& scratch;
  const std::function<void(size_t)>& finished;  // task i's outcome is final
  std::unordered_map<git_oid, size_t, OidHash, OidEq> index;
  std::vector<std::atomic<uint8_t>> claimed;
  PlanVisitor(const Scanner& s, const GitPlan& p, const GitScanOptions& opts, std::vector<ItemOutcome>& oc,
              std::vector<std::unique_ptr<Scratch>>& sr, const std::function<void(size_t)>& fin)
      : sc(s), plan(p), o(opts), outcomes(oc), scratch(sr), finished(fin), claimed(p.blobs.size()) {
    index.reserve(p.blobs.size());
    for (size_t i = 0; i < p.blobs.size(); ++i)
      if (!p.blobs[i].added_lines_only) index.emplace(p.blobs[i].blob, i);
  }
  bool wants(const git_oid& id, git_object_t type, uint64_t size) override {
    if (type != GIT_OBJECT_BLOB) return false;
    auto it = index.find(id);
    if (it == index.end()) return false;
    uint8_t expected = 0;
    if (!claimed[it->second].compare_exchange_strong(expected, 1)) return false;
    if (size > o.max_blob_size) {  // not built at all unless a delta needs it as a base
      outcomes[it->second].skip = SkipReason::TooLarge;
      finished(it->second);
      return false;
    }
    return true;
  }
  void visit(unsigned worker, const git_oid& id, git_object_t, std::string_view data) override {
    size_t i = index.find(id)->second;
    outcomes[i] = scan_data(sc, *scratch[worker], nullptr, plan.blobs[i], plan, data, o);
    finished(i);
  }
  void failed(const git_oid& id) override {
    auto it = index.find(id);
    if (it != index.end()) claimed[it->second] = 0;
  }
};

using BlobResults = std::unordered_map<git_oid, BlobResult, OidHash, OidEq>;

}  // namespace

class BlobPrescan : public PackVisitor {
 public:
  BlobPrescan(const Scanner& sc, std::shared_ptr<const PackSet> packs, const GitScanOptions& o)
      : sc_(sc), packs_(std::move(packs)), o_(o), threads_(worker_count(o.threads, SIZE_MAX)), per_worker_(threads_) {
    for (unsigned i = 0; i < threads_; ++i) scratch_.push_back(std::make_unique<Scratch>(sc_.db()));
    thread_ = std::thread([this] {
      try {
        packs_->walk(threads_, PackSet::Roots::Blob, true, *this, errors_);
      } catch (...) {
        failure_ = std::current_exception();
      }
    });
  }
  ~BlobPrescan() override {
    cancel_ = true;
    if (thread_.joinable()) thread_.join();
  }
  // Waits for the walk; the results (by blob id) and the walk's error lines.
  void finish(BlobResults& results, std::vector<std::string>& errors) {
    thread_.join();
    if (failure_) std::rethrow_exception(failure_);
    size_t n = too_large_.size();
    for (auto& w : per_worker_) n += w.size();
    results.reserve(n);
    for (auto& id : too_large_) results[id].skip = SkipReason::TooLarge;
    for (auto& w : per_worker_)
      for (auto& [id, r] : w) results.emplace(id, std::move(r));
    errors.insert(errors.end(), errors_.begin(), errors_.end());
  }

  bool wants(const git_oid& id, git_object_t type, uint64_t size) override {
    if (type != GIT_OBJECT_BLOB || cancel_) return false;
    Shard& sh = shards_[id.id[0] % kShards];
    std::lock_guard<std::mutex> lk(sh.mu);
    if (!sh.claimed.insert(id).second) return false;  // met in another pack already
    if (size > o_.max_blob_size) {                    // never built unless a delta needs it
      too_large_mu_.lock();
      too_large_.push_back(id);
      too_large_mu_.unlock();
      return false;
    }
    return true;
  }
  void visit(unsigned worker, const git_oid& id, git_object_t, std::string_view data) override {
    per_worker_[worker].emplace_back(id, scan_content(sc_, *scratch_[worker], data, o_));
    if (o_.on_blob) o_.on_blob(data.size(), per_worker_[worker].back().second.findings.size());
  }
  void failed(const git_oid& id) override {
    Shard& sh = shards_[id.id[0] % kShards];
    std::lock_guard<std::mutex> lk(sh.mu);
    sh.claimed.erase(id);
  }

 private:
  static constexpr unsigned kShards = 16;
  struct Shard {
    std::mutex mu;
    std::unordered_set<git_oid, OidHash, OidEq> claimed;
  };
  const Scanner& sc_;
  std::shared_ptr<const PackSet> packs_;
  GitScanOptions o_;
  unsigned threads_;
  std::vector<std::unique_ptr<Scratch>> scratch_;
  std::vector<std::vector<std::pair<git_oid, BlobResult>>> per_worker_;
  Shard shards_[kShards];
  std::mutex too_large_mu_;
  std::vector<git_oid> too_large_;
  std::vector<std::string> errors_;
  std::atomic<bool> cancel_{false};
  std::exception_ptr failure_;
  std::thread thread_;
};

std::shared_ptr<BlobPrescan> start_blob_prescan(const Scanner& sc, std::shared_ptr<const PackSet> packs,
                                                const GitScanOptions& o) {
  if (!packs || !packs->pack_count()) return nullptr;
  return std::make_shared<BlobPrescan>(sc, std::move(packs), o);
}

bool finding_on_added_line(const Finding& f, const std::vector<uint64_t>& added) {
  auto has = [&](uint64_t l) { return l > 0 && std::binary_search(added.begin(), added.end(), l); };
  if (has(f.line)) return true;
  for (auto& p : f.parts)
    if (has(p.line)) return true;
  return false;
}

void scan_git_plan(const Scanner& sc, const std::string& git_dir, const GitPlan& plan, const GitScanOptions& o,
                   Tally& tally, BlobPrescan* prescan) {
  auto debug = [&](const std::string& line) {
    if (o.debug) o.debug(line);
  };
  ScanSummary& summary = tally.result.summary;
  summary.commits_scanned += plan.commits.size();
  add_skip_counts(summary.skipped, plan.skipped);
  for (auto& [k, v] : plan.notes) summary.notes[k] = v;
  for (auto& e : plan.errors) tally.error(e);
  if (!plan.how.empty()) debug(plan.how);
  const size_t n_tasks = plan.blobs.size();
  std::vector<ItemOutcome> outcomes(n_tasks);
  // Task i is done: progress, and --format jsonl's stream (in task order, once per fingerprint).
  std::function<void(size_t)> finished = [&](size_t i) {
    if (o.on_blob) o.on_blob(outcomes[i].bytes, outcomes[i].findings.size());
    if (tally.stream) tally.stream->done(i, outcomes[i].all_findings());
  };
  // Blobs are small: a thread per four of them at most.
  const unsigned threads = worker_count(o.threads, n_tasks / 4);
  // Audits read the packs in pack order (each object inflated once) when the plan wants a
  // good share of what they hold; a few blobs (or no packs) are read one by one by libgit2.
  std::vector<size_t> rest;
  if (prescan) {
    debug("git reading path: pack reader, every blob scanned while the plan was made (whole-history audit)");
    BlobResults results;
    std::vector<std::string> pack_errors;
    prescan->finish(results, pack_errors);
    for (auto& e : pack_errors) tally.error(e);
    for (size_t i = 0; i < n_tasks; ++i) {
      const GitBlobTask& t = plan.blobs[i];
      auto it = t.added_lines_only ? results.end() : results.find(t.blob);
      if (it == results.end()) rest.push_back(i);
      else {
        outcomes[i] = outcome_of(it->second, t, plan);  // a copy: a blob may serve two tasks
        if (tally.stream) tally.stream->done(i, outcomes[i].all_findings());  // progress was counted
      }
    }
  } else if (plan.packs && n_tasks && n_tasks * 16 >= plan.packs->object_count()) {
    debug("git reading path: pack reader, the plan's " + std::to_string(n_tasks) + " blobs in pack order");
    std::vector<std::unique_ptr<Scratch>> scratch;
    for (unsigned i = 0; i < threads; ++i) scratch.push_back(std::make_unique<Scratch>(sc.db()));
    PlanVisitor pv(sc, plan, o, outcomes, scratch, finished);
    std::vector<std::string> pack_errors;
    plan.packs->walk(threads, PackSet::Roots::Blob, true, pv, pack_errors);
    for (auto& e : pack_errors) tally.error(e);
    for (size_t i = 0; i < n_tasks; ++i)
      if (!pv.claimed[i]) rest.push_back(i);
  } else {
    debug(plan.objects ? "git reading path: keyhound's object reader, blob by blob"
                       : "git reading path: libgit2, blob by blob");
    rest.resize(n_tasks);
    for (size_t i = 0; i < n_tasks; ++i) rest[i] = i;
  }
  struct WorkerState {
    std::unique_ptr<BlobReader> reader;
    std::unique_ptr<Scratch> scratch;
  };
  if (!rest.empty()) {
    debug("git: " + std::to_string(rest.size()) + " of " + std::to_string(n_tasks) + " blobs read " +
          (plan.objects ? "by keyhound (libgit2 for any it declines)" : "through libgit2"));
    const unsigned workers = worker_count(o.threads, rest.size() / 4);
    run_tasks(
        workers, rest.size(),
        [&] {
          // One worker runs on the calling thread (run_tasks): the caller's handle is its own.
          git_repository* given = workers == 1 ? o.caller_repo : nullptr;
          return WorkerState{std::make_unique<BlobReader>(plan, git_dir, given), std::make_unique<Scratch>(sc.db())};
        },
        [&](WorkerState& w, size_t k) {
          size_t i = rest[k];
          outcomes[i] = scan_task(sc, *w.scratch, *w.reader, plan.blobs[i], plan, o);
          finished(i);
        });
  }
  std::set<std::string> seen;
  uint64_t repeated = 0;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    ItemOutcome& oc = outcomes[i];
    if (o.on_outcome) o.on_outcome(i, oc);
    // A key that stays in a file while other lines change is in every later version of the
    // blob: report it once, at the first (introducing) commit. The fingerprint is rule +
    // secret + path, so a copy in another file is still its own finding.
    auto firsts_only = [&](std::vector<Finding>& fs) {
      std::vector<Finding> firsts;
      for (auto& f : fs) {
        if (!f.fingerprint.empty() && !seen.insert(f.fingerprint).second) {
          repeated++;
          continue;
        }
        firsts.push_back(std::move(f));
      }
      fs.swap(firsts);
    };
    firsts_only(oc.findings);
    for (auto& in : oc.inner) firsts_only(in.findings);
    tally.add(std::move(oc));
  }
  if (repeated) summary.notes["repeats in later blobs"] = std::to_string(repeated);
  auto lfs = summary.skipped.find(SkipReason::LfsPointer);
  if (lfs != summary.skipped.end()) summary.notes["lfs pointers"] = std::to_string(lfs->second);
}

}  // namespace keyhound
