#include "sources/git_scan.h"

#include <algorithm>
#include <set>

#include "engine/parallel.h"
#include "findings/enrich.h"

namespace keyhound {

namespace {

struct BlobOutcome {
  std::vector<Finding> findings;
  uint64_t bytes = 0;
  bool scanned = false;
  std::string skip;     // reason
  std::string error;    // one line naming the object
};

bool secret_in(const std::string& hay, const Finding& f) {
  if (!f.secret.empty() && hay.find(f.secret) == std::string::npos) return false;
  for (auto& p : f.parts)
    if (!p.secret.empty() && hay.find(p.secret) == std::string::npos) return false;
  return true;
}

BlobOutcome scan_task(const Scanner& sc, Scratch& scratch, git_repository* repo, const GitBlobTask& t,
                      const GitPlan& plan, const GitScanOptions& o) {
  BlobOutcome out;
  auto where = [&] {
    std::string s = " (" + t.path;
    if (t.commit >= 0) s += " in commit " + plan.commits[t.commit].id.substr(0, 12);
    return s + ")";
  };
  BlobBytes b = read_blob(repo, t.blob, o.max_blob_size);
  if (b.status == BlobBytes::Status::TooLarge) {
    out.skip = "too large";
    return out;
  }
  if (b.status == BlobBytes::Status::Error) {
    out.error = b.error + where();
    return out;
  }
  if (is_lfs_pointer(b.data)) {
    out.skip = "lfs pointer";
    return out;
  }
  try {
    out.findings = sc.scan_block(b.data, scratch);
  } catch (const std::exception& e) {
    out.error = "blob " + oid_hex(t.blob) + where() + ": " + e.what();
    return out;
  }
  out.bytes = b.data.size();
  out.scanned = true;
  if (t.added_lines_only && !oid_is_zero(t.old_blob) && !out.findings.empty()) {
    BlobBytes old = read_blob(repo, t.old_blob, UINT64_MAX);
    if (old.status != BlobBytes::Status::Ok) {
      // Without the old version every line counts as added: better a known key than a miss.
      out.error = old.error + where();
    } else if (looks_binary(b.data) || looks_binary(old.data)) {
      // No lines in a binary file: keep the secrets the old version did not hold.
      std::vector<Finding> kept;
      for (auto& f : out.findings)
        if (!secret_in(old.data, f)) kept.push_back(std::move(f));
      out.findings.swap(kept);
    } else {
      std::vector<uint64_t> added;
      try {
        added = added_lines(old.data, b.data);
      } catch (const std::exception& e) {
        out.error = "blob " + oid_hex(t.blob) + where() + ": " + e.what();
      }
      if (out.error.empty()) {
        std::vector<Finding> kept;
        for (auto& f : out.findings)
          if (finding_on_added_line(f, added)) kept.push_back(std::move(f));
        out.findings.swap(kept);
      }
    }
  }
  Provenance p;
  p.path = t.path;
  p.blob = oid_hex(t.blob);
  if (t.commit >= 0) {
    const GitCommitInfo& c = plan.commits[t.commit];
    p.commit = c.id;
    p.author = c.author;
    p.email = c.email;
    p.date = c.date;
  }
  for (auto& f : out.findings) attach_provenance(f, p);
  return out;
}

}  // namespace

bool finding_on_added_line(const Finding& f, const std::vector<uint64_t>& added) {
  auto has = [&](uint64_t l) { return l > 0 && std::binary_search(added.begin(), added.end(), l); };
  if (has(f.line)) return true;
  for (auto& p : f.parts)
    if (has(p.line)) return true;
  return false;
}

ScanResult scan_git_plan(const Scanner& sc, const std::string& git_dir, const GitPlan& plan,
                         const GitScanOptions& o, std::vector<std::string>& errors) {
  ScanResult res;
  res.tool_version = KEYHOUND_VERSION;
  res.summary.commits_scanned = plan.commits.size();
  res.summary.skipped = plan.skipped;
  res.summary.notes = plan.notes;
  for (auto& e : plan.errors) {
    errors.push_back(e);
    res.summary.errors++;
  }
  const size_t n_tasks = plan.blobs.size();
  std::vector<BlobOutcome> outcomes(n_tasks);
  // Blobs are small: a thread per four of them at most.
  struct WorkerState {
    GitRepo repo;
    std::unique_ptr<Scratch> scratch;
  };
  run_tasks(
      worker_count(o.threads, n_tasks / 4), n_tasks,
      [&] { return WorkerState{GitRepo::open(git_dir, false), std::make_unique<Scratch>(sc.db())}; },
      [&](WorkerState& w, size_t i) { outcomes[i] = scan_task(sc, *w.scratch, w.repo.get(), plan.blobs[i], plan, o); });
  std::set<std::string> seen;
  uint64_t repeated = 0;
  for (auto& oc : outcomes) {
    if (!oc.error.empty()) {
      errors.push_back(oc.error);
      res.summary.errors++;
    }
    if (!oc.skip.empty()) res.summary.skipped[oc.skip]++;
    if (oc.scanned) {
      res.summary.files_scanned++;
      res.summary.bytes_scanned += oc.bytes;
    }
    for (auto& f : oc.findings) {
      // A key that stays in a file while other lines change is in every later version of the
      // blob: report it once, at the first (introducing) commit. The fingerprint is rule +
      // secret + path, so a copy in another file is still its own finding.
      if (!f.fingerprint.empty() && !seen.insert(f.fingerprint).second) {
        repeated++;
        continue;
      }
      res.findings.push_back(std::move(f));
    }
  }
  if (repeated) res.summary.notes["repeats in later blobs"] = std::to_string(repeated);
  auto lfs = res.summary.skipped.find("lfs pointer");
  if (lfs != res.summary.skipped.end()) res.summary.notes["lfs pointers"] = std::to_string(lfs->second);
  return res;
}

}  // namespace keyhound
