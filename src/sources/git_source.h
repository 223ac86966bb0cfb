// Reads git repositories with libgit2 and plans what a `keyhound git` scan reads: the commits
// (parents before children), and the unique blobs with the commit and path that introduced
// each one. Knows nothing about rules or reports; src/pipeline/git_scan.* scans the plan.
// Implemented by concern: git_repo.cpp (opening, errors, object ids, reading a blob),
// git_planner.cpp (what a history, range, staged or HEAD-tree scan reads), git_line_diff.cpp
// (the lines a change added); deltas in git_delta.*, the staged fast path in git_staged.*.
// History audits first read every tree and commit of the packs with the pack reader
// (src/sources/git_pack.*) and hand them to libgit2 through an object database backend.
//
// libgit2 objects belong to one thread: the plan is built on one handle, and every scanning
// thread opens its own handle on the same git directory.
#pragma once
#include <git2.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "findings/skip_reason.h"

namespace keyhound {

struct GitError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Lets libgit2 load the system's CA certificates, for clones and fetches over https (audits of
// clone URLs). Call before libgit2's first use; without it no certificate is parsed at start-up
// (keyhound's other commands only read local repositories).
void enable_git_tls_certificates();

// "<what>: <libgit2's last error message>".
std::string git_error_text(const std::string& what);

// RAII handle on one repository, for one thread.
class GitRepo {
 public:
  // Opens `path` (a work tree, a subfolder of one, or a bare repository). Throws GitError.
  static GitRepo open(const std::string& path, bool search_up = true);
  GitRepo(GitRepo&& o) noexcept : repo_(o.repo_) { o.repo_ = nullptr; }
  GitRepo& operator=(GitRepo&&) = delete;
  GitRepo(const GitRepo&) = delete;
  ~GitRepo();
  git_repository* get() const { return repo_; }
  std::string git_dir() const;   // with a trailing slash
  std::string workdir() const;   // "" for a bare repository
  bool bare() const;
  bool shallow() const;

 private:
  explicit GitRepo(git_repository* r) : repo_(r) {}
  git_repository* repo_ = nullptr;
};

struct GitCommitInfo {
  std::string id;       // 40 hex
  std::string author;
  std::string email;
  std::string date;     // committer date, ISO 8601 with the committer's offset
};

// One blob to scan.
struct GitBlobTask {
  git_oid blob{};
  // Range and staged modes: only lines added relative to `old_blob` count. A zero old_blob
  // means the file is new there: every line counts.
  bool added_lines_only = false;
  git_oid old_blob{};
  // Merge commits: the path's blob in each further parent (zero: absent there). A line counts
  // as added only if it is added relative to every parent, as `git diff-tree --cc` sees it.
  std::vector<git_oid> other_parent_blobs;
  std::string path;
  int commit = -1;      // index into GitPlan::commits; -1 = the index (staged)
};

class PackSet;
class GitObjectReader;

struct GitPlan {
  std::vector<GitCommitInfo> commits;     // the commits looked at, parents first
  std::vector<GitBlobTask> blobs;         // unique blobs, in commit order
  SkipCounts skipped;                        // reason -> count (allowlisted path, conflicted...)
  std::map<std::string, std::string> notes;  // shallow, submodules skipped
  std::vector<std::string> errors;        // one line each, naming the object; the plan goes on
  uint64_t trees_visited = 0;
  // The known commits (GitPlanOptions::known_commit) the walk stopped at.
  std::vector<git_oid> known_boundary;
  std::string how;                        // --debug: how a staged plan was made
  // History audits: the repository's packs, for scan_git_plan to read every blob in pack
  // order (null when the pack reader is off: KEYHOUND_GIT_PACK_READER=0).
  std::shared_ptr<const PackSet> packs;
  // Staged plans made without libgit2 (src/sources/git_staged.h): the blobs are read here
  // first, and through libgit2 only if this reader declines one.
  std::shared_ptr<const GitObjectReader> objects;
};

struct GitPlanOptions {
  enum class Mode { History, Range, Staged, HeadTree };
  Mode mode = Mode::History;
  // Range: from..to (from may be empty: all of `to`; all zeros, as CI gives for a new branch:
  // the commits of `to` on no other ref).
  std::string range_from, range_to;
  // Range (--since): a revision, or a date ("2024-01-01", "2 weeks ago": commits of range_to
  // whose committer date is not older).
  std::string since;
  std::vector<std::string> branches;     // History: only these (default: every ref and HEAD)
  // History (audits): commits already scanned, with all their ancestors. They and their
  // ancestors are left out of the plan, and the blobs of their trees count as seen, so a
  // commit on top of them plans only what it changed. Their ids are in GitPlan::known_boundary.
  std::function<bool(const git_oid&)> known_commit;
  std::function<bool(const std::string&)> exclude_path;
  unsigned threads = 0;                  // History: threads that read the packs (0 = all cores)
  // History: the packs, when the caller opened them already (to scan their blobs while the
  // plan is built: start_blob_prescan); else plan_git_scan opens them.
  std::shared_ptr<const PackSet> packs;
  // History, read through the packs: the folders of the tips' snapshots are kept in the
  // process's tree cache afterwards (an audit's forks of this repository, planned next, read
  // the folders they change there; bounded).
  bool warm_tree_cache = false;
};

// False when KEYHOUND_GIT_PACK_READER=0: every object is then read through libgit2.
bool pack_reader_enabled();
// False when KEYHOUND_GIT_STAGED_FAST=0: --staged then diffs through libgit2's own index
// (src/sources/git_staged.h is the fast way).
bool staged_fast_enabled();

// Builds the plan. Throws GitError for problems that make the whole scan meaningless (a
// revision that does not exist, no HEAD for --no-history); a corrupt or missing object is an
// entry in plan.errors and the plan continues without it.
GitPlan plan_git_scan(GitRepo& repo, const GitPlanOptions& o);

// Seconds since the epoch for a --since date: "YYYY-MM-DD", "YYYY-MM-DD HH:MM[:SS]" (UTC), or
// "N second(s)|minute(s)|hour(s)|day(s)|week(s)|month(s)|year(s) ago" counted back from `now`.
// False if `text` is none of these.
bool parse_since_date(const std::string& text, int64_t now, int64_t* out);

// True for the all-zero object id (40 or 64 zeros) CI gives as the "before" of a new branch.
bool is_zero_revision(const std::string& rev);

// "A..B" -> {A, B}; "B" -> {"", B}. Throws GitError on an empty side.
std::pair<std::string, std::string> parse_range(const std::string& spec);

// The bytes of a blob, read through `repo`'s object database.
struct BlobBytes {
  enum class Status { Ok, TooLarge, Error };
  Status status = Status::Ok;
  std::string data;
  uint64_t size = 0;
  std::string error;    // names the object
};
BlobBytes read_blob(git_repository* repo, const git_oid& id, uint64_t max_size);

// 1-based numbers of the lines of `new_data` that are added relative to `old_data` (sorted).
std::vector<uint64_t> added_lines(std::string_view old_data, std::string_view new_data);

// True if the blob is a Git LFS pointer file (the content lives elsewhere).
bool is_lfs_pointer(std::string_view data);

std::string oid_hex(const git_oid& id);

// Hashing for object ids in unordered containers (ids are SHA-1s: the first bytes are enough).
struct OidHash {
  size_t operator()(const git_oid& o) const {
    size_t h;
    std::memcpy(&h, o.id, sizeof h);
    return h;
  }
};
struct OidEq {
  bool operator()(const git_oid& a, const git_oid& b) const { return git_oid_cmp(&a, &b) == 0; }
};
bool oid_is_zero(const git_oid& id);

}  // namespace keyhound
