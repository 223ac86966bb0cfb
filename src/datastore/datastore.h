// The audit datastore: repositories, the blobs already scanned (global across repositories and
// runs), findings (a keyed hash and the redacted secret; the full secret only when asked),
// every place each one occurs, and triage. One interface; SQLite (sqlite_datastore.*) and
// PostgreSQL (postgres_datastore.*, many concurrent writers) implement it.
//
// Crash safety is the backend's contract: record_batch() is one transaction, and every insert
// is keyed on natural keys (blob id; fingerprint; repository+fingerprint+blob+commit+path+line+
// column) and ignored when present, so a batch replayed after kill -9 changes nothing.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "findings/finding.h"

namespace keyhound {

struct RepositoryRecord {
  std::string identity;    // canonical git directory, or the clone URL
  std::string source;      // what the user named: a path, a URL, "github:org", "gitlab:group"
  std::string refs;        // "refname oid\n" sorted: the refs as last scanned
  std::string status;      // "pending" (started, not finished), "done", "failed"
  std::string error;       // why it failed
  std::string scanned_at;  // UTC time of the last finish
};

// One scanned blob: its id (40 hex) and how many raw scanner findings its bytes hold (before
// any path-dependent filter). A blob with findings is scanned again wherever it reappears, so
// its occurrences there get their own commit and path; a clean one never again.
struct ScannedBlob {
  std::string id;
  uint32_t findings = 0;
};

// What one batch of scanning adds, written in one transaction: the findings' blobs are marked
// scanned together with the findings, never before.
struct ScanBatch {
  std::string repository;         // identity
  std::vector<ScannedBlob> blobs;
  // Findings with provenance (where.commit/path/blob) and fingerprint; `seq` orders each
  // repository's occurrences as its plan did (the first is what `keyhound git` reports).
  struct Occurrence {
    Finding finding;
    uint64_t seq = 0;
  };
  std::vector<Occurrence> occurrences;
  // The blobs this batch claimed (claim_blobs): released, scanned or not (a skipped one is
  // tried again by whoever meets it next, as one process would).
  std::vector<std::string> claimed;
};

// One stored occurrence, rebuilt as a Finding (secrets redacted unless stored), with its
// repository and triage state.
struct StoredOccurrence {
  std::string repository;
  uint64_t seq = 0;
  Finding finding;
  std::string triage_status;  // "" when never triaged
  bool secret_stored = false; // finding.secret is the full secret (--store-secrets)
};

struct TriageRecord {
  std::string fingerprint;
  std::string status;   // open, false-positive, accepted, revoked
  std::string comment;
  std::string who;
  std::string at;       // UTC ISO 8601
};

struct OccurrenceFilter {
  std::vector<std::string> repositories;  // identity or source; empty = all
  std::vector<std::string> rules;         // rule ids; empty = all
  std::vector<std::string> statuses;      // triage statuses ("open" includes never triaged)
  bool first_only = true;                 // one occurrence per (repository, fingerprint)
};

class Datastore {
 public:
  virtual ~Datastore() = default;
  // Whether full secrets are stored (decided when the datastore is created, or by
  // --store-secrets on a later run).
  virtual bool stores_secrets() const = 0;
  virtual void set_store_secrets(bool on) = 0;

  virtual std::optional<RepositoryRecord> repository(const std::string& identity) = 0;
  virtual std::vector<RepositoryRecord> repositories() = 0;
  // Creates the repository (status pending) or marks an existing one pending again.
  virtual void start_repository(const std::string& identity, const std::string& source) = 0;
  // status "done" (refs as scanned; `commits`, the commits this run planned, become known in
  // the same transaction) or "failed" (error; refs and commits untouched).
  virtual void finish_repository(const std::string& identity, const std::string& status, const std::string& refs,
                                 const std::string& error, const std::vector<std::string>& commits = {}) = 0;

  // True once a repository holding this commit (40 hex) finished: it and all its ancestors
  // were scanned, in whatever repository.
  virtual bool commit_known(const std::string& id) = 0;
  // True once any repository finished (some commit_known() may be true).
  virtual bool any_commit_known() = 0;
  // The commits at which repositories other than `identity` recorded occurrences by scanning.
  virtual std::vector<std::string> commits_with_occurrences(const std::string& identity) = 0;
  // Records, in one transaction, that `identity` holds these commits (its history shared with
  // the repositories that scanned them): their occurrences are its own too, read through this
  // link and never copied. Returns one more than the highest seq it then has at its shared
  // commits (0 if none), where the occurrences of its own new commits start.
  virtual uint64_t share_commits(const std::string& identity, const std::vector<std::string>& commits) = 0;

  // For each blob id (40 hex): -1 never scanned, else its raw finding count.
  virtual std::vector<int64_t> blob_states(const std::vector<std::string>& ids) = 0;
  // The blobs (40 hex) that already have occurrences in this repository (its own or through
  // shared commits): their provenance here is known.
  virtual std::vector<std::string> blobs_with_occurrences(const std::string& identity) = 0;
  // Claims blobs (40 hex) for this process for `ttl_seconds`, so concurrent writers scan each
  // once: with `repository` "" never-scanned blobs, else blobs with findings to scan again for
  // that repository. Returns the ones it got (free, expired or its own, and still to scan);
  // record_batch() releases them. A backend with one writer gets them all.
  virtual std::vector<std::string> claim_blobs(const std::vector<std::string>& ids, const std::string& repository,
                                               int ttl_seconds) {
    (void)repository;
    (void)ttl_seconds;
    return ids;
  }
  // Gives up every claim this process holds (a repository failed midway); never throws.
  virtual void release_all_claims() {}
  // One transaction; replaying it is a no-op.
  virtual void record_batch(const ScanBatch& batch) = 0;
  // Keeps what the calls after it write in one transaction until release() commits it: small
  // repositories audited one after another (forks: a few new blobs each) are one commit, not
  // four each (a commit costs dozens of system calls). Held work is at most one batch's worth
  // or a second of audit, lost to a kill as a batch is. A backend with concurrent writers may
  // commit each call as it comes.
  virtual void hold() {}
  virtual void release() {}
  // True while a transaction hold() opened is open: after a failed call, false when the
  // backend rolled it back (what it held is lost, and written again by the next run).
  virtual bool held() const { return false; }
  virtual uint64_t scanned_blob_count() = 0;

  // Calls `each` with every occurrence the filter selects, in report order (by repository, then
  // as its plan met them), one at a time: a report of a large datastore holds each once.
  // `expect`, when given, is called once before the first `each` with at least how many
  // occurrences follow, so a reader can make room once.
  virtual void each_occurrence(const OccurrenceFilter& filter, const std::function<void(StoredOccurrence&)>& each,
                               const std::function<void(uint64_t)>& expect) = 0;
  void each_occurrence(const OccurrenceFilter& filter, const std::function<void(StoredOccurrence&)>& each) {
    each_occurrence(filter, each, {});
  }
  // At least as many as each_occurrence() gives for the filter (every place, before first_only),
  // so a reader can make room once.
  virtual uint64_t count_occurrences(const OccurrenceFilter& filter) = 0;
  // The same, collected.
  std::vector<StoredOccurrence> occurrences(const OccurrenceFilter& filter) {
    std::vector<StoredOccurrence> out;
    each_occurrence(filter, [&out](StoredOccurrence& so) { out.push_back(std::move(so)); });
    return out;
  }

  virtual void set_triage(const TriageRecord& t) = 0;
  virtual std::vector<TriageRecord> triage() = 0;
  // True if some occurrence has this fingerprint.
  virtual bool has_finding(const std::string& fingerprint) = 0;

  // Everything a run decides, in a fixed order and without what differs between equal runs
  // (row ids, times, the per-datastore hash key): two audits of the same repositories give
  // the same text however often they were interrupted.
  virtual std::string canonical_dump() = 0;
};

// Opens (creating it, mode 0600, when missing) the SQLite datastore at `path`, migrating an
// older schema. Throws std::runtime_error with one line naming the file.
std::unique_ptr<Datastore> open_sqlite_datastore(const std::string& path);

// `spec` is a postgresql:// (or postgres://) URL or a SQLite file: opens that datastore.
std::unique_ptr<Datastore> open_datastore(const std::string& spec);

// The triage statuses, in the order docs list them.
const std::vector<std::string>& triage_statuses();

}  // namespace keyhound
