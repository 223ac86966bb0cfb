#include "pipeline/audit_scan.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <unordered_set>

#include "pipeline/git_scan.h"
#include "pipeline/item_stream.h"
#include "sources/git_objects.h"
#include "sources/git_source.h"
#include "sources/repo_discovery.h"

namespace keyhound {

namespace {

using Clock = std::chrono::steady_clock;

// The transaction held across small repositories (Datastore::hold): which repositories it
// holds finished, and since when it is open. Committed once it holds a batch's worth of blobs
// or a second of work, before a large repository's batches, and at the end of the audit.
struct HeldWork {
  bool open = false;
  Clock::time_point since;
  uint64_t blobs = 0;
  std::vector<std::string> finished;  // identities, in the order they finished
};

struct RepoResult {
  std::string identity;
  std::string outcome;  // scanned, unchanged, failed
  std::string error;
  uint64_t blobs_scanned = 0, blobs_known = 0, bytes = 0, findings = 0;
};

// Which of `candidates` (commit ids, hex) this repository holds. A mirror holds only what its
// refs reach, so this is the shared history, without walking it (a fork's history is long).
// A fork's are nearly all in its pack, found in the pack indexes directly; libgit2 is asked
// about the rest (loose objects, alternates).
std::vector<std::string> held_among(GitRepo& repo, const std::vector<std::string>& candidates) {
  std::vector<std::string> out;
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, repo.get()) != 0) throw GitError(git_error_text("object database"));
  std::unique_ptr<GitObjectReader> packs = GitObjectReader::open(repo.git_dir(), nullptr);
  for (auto& hex : candidates) {
    git_oid id;
    if (git_oid_fromstr(&id, hex.c_str()) != 0) continue;
    if ((packs && packs->in_pack_index(id.id)) || git_odb_exists(odb, &id)) out.push_back(hex);
  }
  git_odb_free(odb);
  std::sort(out.begin(), out.end());
  return out;
}

// Plans and scans one opened repository into the datastore.
void audit_repository(const Scanner& sc, Datastore& ds, const AuditOptions& o, const AuditTarget& t, GitRepo& repo,
                      RepoResult& rr, Tally& tally, HeldWork& held) {
  std::string refs = ref_state(repo);
  auto rec = ds.repository(rr.identity);
  // Blob shards of one repository finish it one after another: each plans it whole.
  const bool whole = o.rescan || (o.shard_blobs && o.shard_count > 1);
  if (!whole && rec && rec->status == "done" && rec->refs == refs) {
    rr.outcome = "unchanged";
    return;
  }
  // A repository scanned in one batch (a fork: its few new blobs) is written in one
  // transaction, from its start to its finish; a larger one commits each batch as it goes.
  // Not when shards may share the datastore: a held write lock would stall the others.
  // On an exception, what was written is as valid as unheld calls' writes: committed, with the
  // repositories finished before in the same transaction (run_audit learns from held() whether
  // the backend rolled it all back instead).
  struct Holder {
    Datastore& ds;
    HeldWork& held;
    ~Holder() {
      if (!std::uncaught_exceptions() || !held.open) return;
      try {
        if (ds.held()) {
          ds.release();
          held.finished.clear();
          held.open = false;
        }
      } catch (...) {
      }
    }
  } holder{ds, held};
  if (o.shard_count <= 1 && !held.open) {
    ds.hold();
    held.open = true;
    held.since = Clock::now();
    held.blobs = 0;
  }
  // Commits the held transaction. Should the commit fail, `held` still names what it held:
  // run_audit then reports those repositories as not recorded.
  auto commit_held = [&] {
    if (!held.open) return;
    ds.release();
    held.open = false;
    held.finished.clear();
  };
  ds.start_repository(rr.identity, t.source);
  GitPlanOptions po;
  po.mode = GitPlanOptions::Mode::History;
  po.exclude_path = o.exclude_path;
  po.threads = o.threads;
  po.warm_tree_cache = true;  // forks of this repository may follow
  // Nothing known yet (the first repository of a datastore): no walk asks about every commit.
  if (!whole && ds.any_commit_known())
    po.known_commit = [&ds](const git_oid& id) { return ds.commit_known(oid_hex(id)); };
  auto ms_since = [](Clock::time_point t) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", std::chrono::duration<double, std::milli>(Clock::now() - t).count());
    return std::string(buf);
  };
  auto t_plan = Clock::now();
  GitPlan plan = plan_git_scan(repo, po);
  if (o.debug) o.debug("audit " + rr.identity + ": plan " + ms_since(t_plan) + " ms");
  // History shared with repositories audited before: their occurrences there are this one's
  // too, linked (one row per shared commit with findings), not copied.
  auto t_adopt = Clock::now();
  uint64_t seq_base = 0;
  if (!plan.known_boundary.empty()) {
    auto with_findings = ds.commits_with_occurrences(rr.identity);
    if (!with_findings.empty()) seq_base = ds.share_commits(rr.identity, held_among(repo, with_findings));
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
  // A blob with findings is scanned again for a repository it has no occurrence in yet (which
  // ones it has is asked only when the plan holds such a blob: a fork's new blobs are new).
  std::unordered_set<std::string> here;
  if (!o.rescan && std::any_of(states.begin(), states.end(), [](int64_t n) { return n > 0; }))
    for (auto& b : ds.blobs_with_occurrences(rr.identity)) here.insert(std::move(b));
  std::vector<size_t> todo;  // plan indices
  for (size_t i = 0; i < states.size(); ++i) {
    if (o.shard_blobs && o.shard_count > 1 && shard_of(ids[i], o.shard_count) != o.shard_index) continue;
    if (states[i] == 0 || (states[i] > 0 && here.count(ids[i]))) rr.blobs_known++;
    else todo.push_back(i);
  }
  if (todo.size() > std::max<size_t>(1, o.batch_blobs)) commit_held();
  if (o.debug)
    o.debug("audit " + rr.identity + ": " + std::to_string(plan.blobs.size()) + " blobs, " +
            std::to_string(rr.blobs_known) + " already scanned, " + std::to_string(todo.size()) + " to scan (lookup " +
            ms_since(t_lookup) + " ms)");
  auto t_scan = Clock::now();

  GitScanOptions so;
  so.threads = o.threads;
  so.max_blob_size = o.max_blob_size;
  so.debug = o.debug;
  so.caller_repo = repo.get();
  std::vector<GitBlobTask> all = std::move(plan.blobs);
  // Scans these plan indices and records them in one transaction.
  auto scan_batch = [&](const std::vector<size_t>& idx, std::vector<std::string> claimed) {
    plan.blobs.clear();
    for (size_t i : idx) plan.blobs.push_back(all[i]);
    plan.errors.clear();
    plan.skipped.clear();
    plan.notes.clear();
    ScanBatch sb;
    sb.repository = rr.identity;
    sb.claimed = std::move(claimed);
    so.on_outcome = [&](size_t task, const ItemOutcome& oc) {
      if (oc.problem) problems.push_back(oc.problem->line);
      if (!oc.scanned || oc.problem) return;  // not vouched for: scanned again next run
      sb.blobs.push_back({ids[idx[task]], static_cast<uint32_t>(oc.findings.size())});
      for (auto& f : oc.findings) {
        // A candidate its path did not confirm (evidence_files) is not a finding here.
        if (!f.evidence_files.empty()) continue;
        sb.occurrences.push_back({f, seq_base + idx[task]});
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
  };
  // Never-scanned blobs are claimed first (concurrent writers scan each once); one another
  // task holds waits until that task records it (then it is known, or, holding findings,
  // scanned here for this repository's provenance) or its claim expires.
  // A blob with findings is claimed for this repository (two tasks on one repository).
  auto take = [&](const std::vector<size_t>& cand, std::vector<size_t>& deferred) {
    if (o.rescan) {  // everything again, whatever is recorded (new rules)
      scan_batch(cand, {});
      return;
    }
    std::vector<std::string> fresh, again;
    for (size_t i : cand) (states[i] < 0 ? fresh : again).push_back(ids[i]);
    std::vector<std::string> got = fresh.empty() ? fresh : ds.claim_blobs(fresh, "", o.claim_ttl);
    if (!again.empty())
      for (auto& id : ds.claim_blobs(again, rr.identity, o.claim_ttl)) got.push_back(id);
    std::unordered_set<std::string> mine(got.begin(), got.end());
    std::vector<size_t> chosen;
    for (size_t i : cand) (mine.count(ids[i]) ? chosen : deferred).push_back(i);
    if (!chosen.empty()) scan_batch(chosen, std::move(got));
  };
  const size_t batch = std::max<size_t>(1, o.batch_blobs);
  std::vector<size_t> deferred;
  for (size_t start = 0; start < todo.size(); start += batch) {
    std::vector<size_t> cand(todo.begin() + start, todo.begin() + std::min(todo.size(), start + batch));
    take(cand, deferred);
  }
  while (!deferred.empty()) {
    std::vector<std::string> dids;
    for (size_t i : deferred) dids.push_back(ids[i]);
    auto now = ds.blob_states(dids);
    here.clear();
    for (auto& b : ds.blobs_with_occurrences(rr.identity)) here.insert(std::move(b));
    std::vector<size_t> cand, waiting;
    for (size_t k = 0; k < deferred.size(); ++k) {
      size_t i = deferred[k];
      states[i] = now[k];
      if (now[k] == 0 || (now[k] > 0 && here.count(ids[i]))) {
        rr.blobs_known++;
        continue;
      }
      cand.push_back(i);
    }
    for (size_t start = 0; start < cand.size(); start += batch) {
      std::vector<size_t> part(cand.begin() + start, cand.begin() + std::min(cand.size(), start + batch));
      take(part, waiting);
    }
    if (waiting.size() == deferred.size()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    deferred = std::move(waiting);
  }
  if (o.debug) o.debug("audit " + rr.identity + ": scan " + ms_since(t_scan) + " ms");
  if (!problems.empty()) {
    rr.outcome = "failed";
    rr.error = problems.front();
    if (problems.size() > 1) rr.error += " (and " + std::to_string(problems.size() - 1) + " more)";
    ds.finish_repository(rr.identity, "failed", refs, rr.error);
    commit_held();
    return;
  }
  auto t_finish = Clock::now();
  std::vector<std::string> planned;
  planned.reserve(plan.commits.size());
  for (auto& c : plan.commits) planned.push_back(c.id);
  ds.finish_repository(rr.identity, "done", refs, "", planned);
  rr.outcome = "scanned";
  if (held.open) {
    held.finished.push_back(rr.identity);
    held.blobs += rr.blobs_scanned + rr.blobs_known;
    if (held.blobs >= std::max<size_t>(1, o.batch_blobs) || Clock::now() - held.since >= std::chrono::seconds(1))
      commit_held();
  }
  if (o.debug) o.debug("audit " + rr.identity + ": finish " + ms_since(t_finish) + " ms");
}

}  // namespace

unsigned shard_of(const std::string& key, unsigned count) {
  uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a 64 offset basis and prime
  for (unsigned char c : key) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return count ? static_cast<unsigned>(h % count) : 0;
}

std::vector<std::string> run_audit(const Scanner& sc, Datastore& ds, const AuditOptions& o, Tally& tally) {
  auto t0 = Clock::now();
  size_t other_shards = 0;
  auto mine = [&](const std::string& identity) {
    if (o.shard_count <= 1 || o.shard_blobs || shard_of(identity, o.shard_count) == o.shard_index) return true;
    other_shards++;
    return false;
  };
  AuditProgress pr;
  pr.event = "repository";
  pr.total = o.targets.size();
  std::vector<std::string> audited;
  std::set<std::string> seen;
  HeldWork held;
  // The backend rolled back the held transaction (a failed write): the repositories finished in
  // it are not recorded. Each is named and counted as failed; the next run audits it again.
  auto check_held = [&](const std::string& why) {
    if (!held.open || ds.held()) return;
    held.open = false;
    for (auto& id : held.finished) {
      tally.warning("repository " + id + ": not recorded (" + why + "); it is audited again next run");
      tally.result.summary.errors++;
      pr.failed++;
    }
    held.finished.clear();
  };
  for (const AuditTarget& t : o.targets) {
    auto t_repo = Clock::now();
    RepoResult rr;
    rr.identity = t.url.empty() ? t.path : t.url;
    bool in_shard = false;  // checked: this repository is this shard's
    bool counted = false;   // its first appearance in the targets (a failure below is its own)
    try {
      std::string path = t.path;
      // A URL's shard is known before it is cloned; a local repository's once opened.
      if (!t.url.empty() && !mine(rr.identity)) {
        pr.total--;
        continue;
      }
      std::optional<GitRepo> opened;
      // A re-audit asks every repository whether it moved: its refs are read from its files
      // first, and it is opened (libgit2 reads its config, refs and packs) only when they differ
      // from the last finished run's, or cannot be read that way.
      std::optional<QuickRepoState> quick;
      if (t.url.empty()) {
        if (!o.rescan && !(o.shard_blobs && o.shard_count > 1)) quick = quick_repo_state(path);
        if (quick) {
          rr.identity = quick->identity;
        } else {
          opened.emplace(GitRepo::open(path, false));
          rr.identity = repository_identity(*opened);
        }
        if (!mine(rr.identity)) {
          pr.total--;
          continue;
        }
      }
      in_shard = true;
      if (!seen.insert(rr.identity).second) {
        pr.total--;
        continue;
      }
      counted = true;
      if (quick) {
        auto rec = ds.repository(rr.identity);
        if (rec && rec->status == "done" && rec->refs == quick->refs) {
          rr.outcome = "unchanged";
        } else {
          opened.emplace(GitRepo::open(path, false));
          if (repository_identity(*opened) != rr.identity)  // the same folder, read two ways
            throw GitError("repository " + path + ": found at " + repository_identity(*opened) + " and " + rr.identity);
        }
      }
      if (!t.url.empty()) {
        std::filesystem::create_directories(o.clone_dir);
        path = (std::filesystem::path(o.clone_dir) / clone_folder_name(t.url)).string();
        mirror_repository(t.url, path, o.git_token);
        opened.emplace(GitRepo::open(path, false));
      }
      if (rr.outcome != "unchanged") audit_repository(sc, ds, o, t, *opened, rr, tally, held);
    } catch (const std::exception& e) {
      ds.release_all_claims();  // others need not wait for them to expire
      rr.outcome = "failed";
      rr.error = e.what();
      if (!counted && ((!in_shard && !mine(rr.identity)) || !seen.insert(rr.identity).second)) {
        pr.total--;
        continue;
      }
      // This repository is reported failed below, not as lost with the transaction.
      held.finished.erase(std::remove(held.finished.begin(), held.finished.end(), rr.identity), held.finished.end());
      check_held(rr.error);
      try {
        ds.start_repository(rr.identity, t.source);
        ds.finish_repository(rr.identity, "failed", "", rr.error);
      } catch (const std::exception& e2) {
        rr.error += std::string("; ") + e2.what();
        check_held(e2.what());
      }
    }
    if (o.debug) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.2f", std::chrono::duration<double, std::milli>(Clock::now() - t_repo).count());
      o.debug("audit " + rr.identity + ": " + rr.outcome + " in " + buf + " ms, opening and closing included");
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
  if (held.open) {
    try {
      ds.release();
      held.open = false;
    } catch (const std::exception& e) {
      check_held(e.what());
    }
  }
  pr.event = "done";
  pr.repository.clear();
  pr.outcome.clear();
  pr.elapsed_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (o.on_progress) o.on_progress(pr);
  auto& notes = tally.result.summary.notes;
  notes["repositories"] = std::to_string(pr.done);
  if (o.shard_count > 1)
    notes["shard"] = std::to_string(o.shard_index) + "/" + std::to_string(o.shard_count) +
                     (o.shard_blobs ? " (blobs)" : "");
  if (other_shards) notes["repositories in other shards"] = std::to_string(other_shards);
  if (pr.unchanged) notes["repositories unchanged"] = std::to_string(pr.unchanged);
  if (pr.failed) notes["repositories failed"] = std::to_string(pr.failed);
  if (pr.blobs_known) notes["blobs already scanned"] = std::to_string(pr.blobs_known);
  return audited;
}

void RuleAttacher::operator()(Finding& f) {
  auto it = index_.find(f.rule_id);
  if (it == index_.end()) it = index_.emplace(f.rule_id, rules_.find(f.rule_id)).first;
  f.rule_index = it->second;
  if (f.rule_index >= 0) f.facts = rules_.rules[f.rule_index].facts;
}

void load_stored_findings(Datastore& ds, const OccurrenceFilter& filter, const RuleSet& rules, Tally& tally) {
  RuleAttacher attach_rule(rules);
  // Room for every place at once: growing a vector of findings moves them all, into memory the
  // kernel must fault in again (room never written costs nothing).
  auto& findings = tally.result.findings;
  ds.each_occurrence(
      filter,
      [&](StoredOccurrence& so) {
        Finding& f = findings.emplace_back(std::move(so.finding));
        attach_rule(f);
        f.properties["repository"] = std::move(so.repository);
        f.properties["triage"] = so.triage_status.empty() ? "open" : so.triage_status;
      },
      [&](uint64_t n) { findings.reserve(findings.size() + n); });
  // --format jsonl writes findings as items finish: the datastore's are one item.
  if (tally.stream) tally.stream->done(0, tally.result.findings);
}

}  // namespace keyhound
