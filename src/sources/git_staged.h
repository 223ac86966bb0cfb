// The staged change (index against HEAD) at the cost of the change, not of the repository:
// the index is read directly (src/sources/git_index.h), subtrees whose cache-tree entry is valid
// and equal to HEAD's tree are skipped as git does, and libgit2 then diffs only the paths that
// differ, so its findings (renames, conflicts, modes, submodules) are those of a full diff.
#pragma once
#include <git2.h>

#include <string>
#include <vector>

namespace keyhound {

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
