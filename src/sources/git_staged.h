// The staged change (index against HEAD) at the cost of the change, not of the repository:
// the index is read directly (src/sources/git_index.h) and subtrees whose cache-tree entry is
// valid and equal to HEAD's tree are skipped as git does. Two ways:
// - without libgit2 (plan_staged_own): HEAD, its trees and the blobs are read by keyhound
//   (src/sources/git_objects.h), so a pre-commit run never loads libgit2 and its 14 libraries;
//   it takes on plain repositories and changes only, and declines everything else;
// - with libgit2 (staged_diff_fast): libgit2 diffs only the paths that differ, so its findings
//   (renames, conflicts, modes, submodules) are those of a full diff.
#pragma once
#include <git2.h>

#include <optional>
#include <string>
#include <vector>

#include "sources/git_source.h"

namespace keyhound {

// A work tree's repository, found without libgit2 as libgit2 would find it.
struct PlainRepo {
  std::string git_dir;     // HEAD and the index; with a trailing slash
  std::string common_dir;  // objects, refs and config: git_dir, or a linked worktree's main one
  std::string workdir;     // with a trailing slash
};

// The repository of `path` (a work tree or a folder in one) when it is a plain one: a `.git`
// folder, or a `.git` file naming a linked worktree's folder (with its commondir); not bare,
// owned by this user. nullopt (and `*why`) otherwise (submodules, a bare repository...): the
// caller opens it with libgit2.
std::optional<PlainRepo> find_plain_repo(const std::string& path, std::string* why);

// "" when the configuration (the repository's, the user's and the system's) holds nothing that
// could make libgit2 see the repository differently (core.ignorecase, core.worktree, core.bare,
// extensions, includes); else what it holds.
std::string plain_config_concern(const PlainRepo& repo);

// HEAD's commit id (20 bytes) from HEAD and the loose or packed ref it names, or a detached
// HEAD. False (and `*why`) for an unborn branch or anything unusual.
bool plain_head_commit(const PlainRepo& repo, unsigned char out[20], std::string* why);

// The plan of `git --staged`, made without libgit2, exactly as plan_git_scan would make it.
// nullopt (and `*why`) when anything is out of the ordinary: no HEAD commit yet, a shallow
// repository, core.ignorecase, a conflict or `git add -N` entry, a submodule or a type change
// among the changes, a deletion beside an addition (libgit2 would look for renames), an index
// or object this reader does not take on.
std::optional<GitPlan> plan_staged_own(const PlainRepo& repo, const GitPlanOptions& o, std::string* why);

// The index a staged scan compares with HEAD: $GIT_INDEX_FILE when set and not empty (git sets
// it for the hooks of `git commit -a`, `git commit PATHS` and `--include`/`--only` to the
// temporary index that holds what will be committed; a relative path is taken from the current
// directory, as git does), else `git_dir`/index.
std::string staged_index_path(const std::string& git_dir);

struct StagedDiff {
  git_diff* diff = nullptr;   // owned by the caller (git_diff_free); null when not made
  std::string how;            // one line for --debug: the way taken, or why the fast way was not
  std::vector<std::string> paths;  // the paths handed to libgit2 (the fast way only)
};

// The diff of `head_tree` (non-null) against the index file `index_path` of `repo`, made the
// fast way. diff is null (and `how` says why) when the fast way does not apply (no index file,
// an index this reader does not take on, case-insensitive or sparse indexes, a tree it cannot
// read): the caller then diffs through libgit2's own index, as before.
StagedDiff staged_diff_fast(git_repository* repo, git_tree* head_tree, const std::string& index_path);

}  // namespace keyhound
