// Audits many repositories into one datastore: each repository's whole history is planned
// like `keyhound git` plans it, blobs any earlier repository or run already scanned clean are
// left out, and the rest is scanned in batches, each written in one transaction (its blobs
// marked scanned with their findings). A blob that holds findings is scanned again wherever it
// reappears, so a fork's copy of a key gets its own commit and path.
// Also reads stored findings back for `report`.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "datastore/datastore.h"
#include "engine/scanner.h"
#include "pipeline/item.h"

namespace keyhound {

struct AuditTarget {
  std::string source;  // as the user named it: a path, a URL, "github:org/repo"
  std::string path;    // a local repository to open ("" for a URL)
  std::string url;     // a clone URL, mirrored into the clone directory
};

// One line of progress: after each repository (event "repository"), and at the end ("done").
struct AuditProgress {
  std::string event;
  std::string repository;   // identity of the repository just finished
  std::string outcome;      // scanned, unchanged, failed
  size_t done = 0, total = 0, failed = 0, unchanged = 0;
  uint64_t blobs_scanned = 0, blobs_known = 0, bytes = 0, findings = 0;
  double elapsed_seconds = 0;
};

struct AuditOptions {
  std::vector<AuditTarget> targets;
  std::string clone_dir = "keyhound-clones";
  std::string git_token;                 // https password for clones (may be empty)
  unsigned threads = 0;
  uint64_t max_blob_size = 64ull << 20;
  size_t batch_blobs = 20000;            // blobs per transaction
  bool rescan = false;                   // scan every blob and repository again (new rules)
  // This process audits shard `shard_index` of `shard_count`: the repositories whose identity
  // hashes there (shard_of), or with shard_blobs every repository but only the blobs whose id
  // does (one huge repository over many tasks).
  unsigned shard_index = 0, shard_count = 1;
  bool shard_blobs = false;
  int claim_ttl = 900;                   // seconds a blob claim lasts (a dead task's expire)
  std::function<bool(const std::string&)> exclude_path;
  std::function<void(const AuditProgress&)> on_progress;
  std::function<void(const std::string&)> debug;
};

// Which of `count` shards a repository identity (or a blob id) belongs to: FNV-1a 64 of its
// bytes modulo count, the same on every machine and in every release.
unsigned shard_of(const std::string& key, unsigned count);

// Audits every target into `ds`. Adds the counts to `tally` (blobs scanned this run, bytes,
// skips) and, per failing repository, one warning line plus one error count (exit 2 at the end).
// Returns the identities of the repositories scanned in this run (failed ones included; not
// the ones whose refs had not moved).
std::vector<std::string> run_audit(const Scanner& sc, Datastore& ds, const AuditOptions& o, Tally& tally);

// The stored findings the filter selects, into tally.result.findings, in report order (by
// repository, then as each repository's plan met them); triage status in properties["triage"]
// and the repository in properties["repository"].
void load_stored_findings(Datastore& ds, const OccurrenceFilter& filter, const RuleSet& rules, Tally& tally);
// Gives findings read back from a datastore their rule's index and provider facts (enrichment,
// verifier, advice) from the rules in play, as the scanner gives them; each rule is looked up
// once (a report reads thousands of findings of a few rules).
class RuleAttacher {
 public:
  explicit RuleAttacher(const RuleSet& rules) : rules_(rules) {}
  void operator()(Finding& f);

 private:
  const RuleSet& rules_;
  std::unordered_map<std::string, int> index_;
};

}  // namespace keyhound
