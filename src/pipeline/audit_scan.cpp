#include "pipeline/audit_scan.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <unordered_set>

#include "pipeline/git_scan.h"
#include "pipeline/item_stream.h"
#include "sources/git_source.h"
#include "sources/repo_discovery.h"

namespace keyhound {

namespace {

using Clock = std::chrono::steady_clock;

struct RepoResult {
  std::string identity;
  std::string outcome;  // scanned, unchanged, failed
  std::string error;
  uint64_t blobs_scanned = 0, blobs_known = 0, bytes = 0, findings = 0;
};

// Which of `candidates` (commit ids, hex) this repository holds. A mirror holds only what its
// refs reach, so this is the shared history, without walking it (a fork's history is long).
std::vector<std::string> held_among(GitRepo& repo, const std::vector<std::string>& candidates) {
  std::vector<std::string> out;
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, repo.get()) != 0) throw GitError(git_error_text("object database"));
  for (auto& hex : candidates) {
    git_oid id;
    if (git_oid_fromstr(&id, hex.c_str()) == 0 && git_odb_exists(odb, &id)) out.push_back(hex);
  }
  git_odb_free(odb);
  std::sort(out.begin(), out.end());
  return out;
}

// Plans and scans one opened repository into the datastore.
void audit_repository(const Scanner& sc, Datastore& ds, const AuditOptions& o, const AuditTarget& t, GitRepo& repo,
                      RepoResult& rr, Tally& tally) {
  std::string refs = ref_state(repo);
  auto rec = ds.repository(rr.identity);
  if (!o.rescan && rec && rec->status == "done" && rec->refs == refs) {
    rr.outcome = "unchanged";
    return;
  }
  ds.start_repository(rr.identity, t.source);
  GitPlanOptions po;
  po.mode = GitPlanOptions::Mode::History;
  po.exclude_path = o.exclude_path;
  po.threads = o.threads;
  if (!o.rescan) po.known_commit = [&ds](const git_oid& id) { return ds.commit_known(oid_hex(id)); };
  auto ms_since = [](Clock::time_point t) {
    return std::to_string(static_cast<long long>(std::chrono::duration<double, std::milli>(Clock::now() - t).count()));
  };
  auto t_plan = Clock::now();
  GitPlan plan = plan_git_scan(repo, po);
  // History shared with repositories audited before: their occurrences there are this one's too.
  if (o.debug) o.debug("audit " + rr.identity + ": plan " + ms_since(t_plan) + " ms");
  auto t_adopt = Clock::now();
  uint64_t seq_base = 0;
  if (!plan.known_boundary.empty()) {
    auto with_findings = ds.commits_with_occurrences();
    if (!with_findings.empty())
      seq_base = ds.adopt_occurrences(rr.identity, held_among(repo, with_findings));
  }
  if (o.debug) o.debug("audit " + rr.identity + ": shared history " + ms_since(t_adopt) + " ms");
  auto t_lookup = Clock::now();
  std::vector<std::string> problems = plan.errors;
  tally.result.summary.commits_scanned += plan.commits.size();
  add_skip_counts(tally.result.summary.skipped, plan.skipped);

  // Which blobs to scan: never seen, or seen with findings (their provenance here is new).
  std::vector<std::string> ids;
  ids.reserve(plan.blobs.size());
  for (auto& b : plan.blobs) ids.push_back(oid_hex(b.blob));
  std::vector<int64_t> states = o.rescan ? std::vector<int64_t>(ids.size(), -1) : ds.blob_states(ids);
  // A blob with findings is scanned again for a repository it has no occurrence in yet.
  std::unordered_set<std::string> here;
  if (!o.rescan)
    for (auto& b : ds.blobs_with_occurrences(rr.identity)) here.insert(std::move(b));
  std::vector<size_t> todo;  // plan indices
  for (size_t i = 0; i < states.size(); ++i) {
    if (states[i] == 0 || (states[i] > 0 && here.count(ids[i]))) rr.blobs_known++;
    else todo.push_back(i);
  }
  if (o.debug)
    o.debug("audit " + rr.identity + ": " + std::to_string(plan.blobs.size()) + " blobs, " +
            std::to_string(rr.blobs_known) + " already scanned, " + std::to_string(todo.size()) + " to scan (lookup " +
            ms_since(t_lookup) + " ms)");
  auto t_scan = Clock::now();

  GitScanOptions so;
  so.threads = o.threads;
  so.max_blob_size = o.max_blob_size;
  so.debug = o.debug;
  std::vector<GitBlobTask> all = std::move(plan.blobs);
  const size_t batch = std::max<size_t>(1, o.batch_blobs);
  for (size_t start = 0; start < todo.size(); start += batch) {
    size_t end = std::min(todo.size(), start + batch);
    plan.blobs.clear();
    for (size_t k = start; k < end; ++k) plan.blobs.push_back(all[todo[k]]);
    plan.errors.clear();
    plan.skipped.clear();
    plan.notes.clear();
    ScanBatch sb;
    sb.repository = rr.identity;
    so.on_outcome = [&](size_t task, const ItemOutcome& oc) {
      if (oc.problem) problems.push_back(oc.problem->line);
      if (!oc.scanned || oc.problem) return;  // not vouched for: scanned again next run
      sb.blobs.push_back({ids[todo[start + task]], static_cast<uint32_t>(oc.findings.size())});
      for (auto& f : oc.findings) {
        // A candidate its path did not confirm (evidence_files) is not a finding here.
        if (!f.evidence_files.empty()) continue;
        sb.occurrences.push_back({f, seq_base + todo[start + task]});
      }
    };
    Tally part;
    scan_git_plan(sc, repo.git_dir(), plan, so, part);
    ds.record_batch(sb);
    ScanSummary& s = part.result.summary;
    tally.add_clean(s.files_scanned, s.bytes_scanned, part.streamed);
    add_skip_counts(tally.result.summary.skipped, s.skipped);
    rr.blobs_scanned += s.files_scanned;
    rr.bytes += s.bytes_scanned;
    rr.findings += sb.occurrences.size();
  }
  if (o.debug) o.debug("audit " + rr.identity + ": scan " + ms_since(t_scan) + " ms");
  if (!problems.empty()) {
    rr.outcome = "failed";
    rr.error = problems.front();
    if (problems.size() > 1) rr.error += " (and " + std::to_string(problems.size() - 1) + " more)";
    ds.finish_repository(rr.identity, "failed", refs, rr.error);
    return;
  }
  std::vector<std::string> planned;
  planned.reserve(plan.commits.size());
  for (auto& c : plan.commits) planned.push_back(c.id);
  ds.finish_repository(rr.identity, "done", refs, "", planned);
  rr.outcome = "scanned";
}

}  // namespace

std::vector<std::string> run_audit(const Scanner& sc, Datastore& ds, const AuditOptions& o, Tally& tally) {
  auto t0 = Clock::now();
  AuditProgress pr;
  pr.event = "repository";
  pr.total = o.targets.size();
  std::vector<std::string> audited;
  std::set<std::string> seen;
  for (const AuditTarget& t : o.targets) {
    RepoResult rr;
    rr.identity = t.url.empty() ? t.path : t.url;
    try {
      std::string path = t.path;
      if (!t.url.empty()) {
        std::filesystem::create_directories(o.clone_dir);
        path = (std::filesystem::path(o.clone_dir) / clone_folder_name(t.url)).string();
        mirror_repository(t.url, path, o.git_token);
      }
      GitRepo repo = GitRepo::open(path, false);
      if (t.url.empty()) rr.identity = repository_identity(repo);
      if (!seen.insert(rr.identity).second) {
        pr.total--;
        continue;
      }
      audit_repository(sc, ds, o, t, repo, rr, tally);
    } catch (const std::exception& e) {
      rr.outcome = "failed";
      rr.error = e.what();
      if (!seen.insert(rr.identity).second) {
        pr.total--;
        continue;
      }
      try {
        ds.start_repository(rr.identity, t.source);
        ds.finish_repository(rr.identity, "failed", "", rr.error);
      } catch (const std::exception& e2) {
        rr.error += std::string("; ") + e2.what();
      }
    }
    if (rr.outcome != "unchanged") audited.push_back(rr.identity);
    if (rr.outcome == "failed") {
      pr.failed++;
      // One line per failing repository; the audit goes on, the run exits 2.
      tally.warning("repository " + t.source + ": " + rr.error);
      tally.result.summary.errors++;
    }
    if (rr.outcome == "unchanged") pr.unchanged++;
    pr.done++;
    pr.repository = rr.identity;
    pr.outcome = rr.outcome;
    pr.blobs_scanned += rr.blobs_scanned;
    pr.blobs_known += rr.blobs_known;
    pr.bytes += rr.bytes;
    pr.findings += rr.findings;
    pr.elapsed_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    if (o.on_progress) o.on_progress(pr);
  }
  pr.event = "done";
  pr.repository.clear();
  pr.outcome.clear();
  pr.elapsed_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (o.on_progress) o.on_progress(pr);
  auto& notes = tally.result.summary.notes;
  notes["repositories"] = std::to_string(pr.done);
  if (pr.unchanged) notes["repositories unchanged"] = std::to_string(pr.unchanged);
  if (pr.failed) notes["repositories failed"] = std::to_string(pr.failed);
  if (pr.blobs_known) notes["blobs already scanned"] = std::to_string(pr.blobs_known);
  return audited;
}

void attach_rule(Finding& f, const RuleSet& rules) {
  f.rule_index = rules.find(f.rule_id);
  if (f.rule_index >= 0) f.facts = rules.rules[f.rule_index].facts;
}

void load_stored_findings(Datastore& ds, const OccurrenceFilter& filter, const RuleSet& rules, Tally& tally) {
  for (auto& so : ds.occurrences(filter)) {
    Finding f = std::move(so.finding);
    attach_rule(f, rules);
    f.properties["repository"] = so.repository;
    f.properties["triage"] = so.triage_status.empty() ? "open" : so.triage_status;
    tally.result.findings.push_back(std::move(f));
  }
  // --format jsonl writes findings as items finish: the datastore's are one item.
  if (tally.stream) tally.stream->done(0, tally.result.findings);
}

}  // namespace keyhound
