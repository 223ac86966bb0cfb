// Where an audit's repositories come from: git repositories found under directories (bare or
// not, submodule checkouts included), clone URLs mirrored into a clone directory (fetched, not
// cloned again, on later runs), and the state of a repository's refs.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sources/git_source.h"

namespace keyhound {

// Every git repository at or under `dir`: a work tree (a `.git` directory or file, as
// submodule checkouts have) or a bare repository (HEAD, objects/ and refs/). Returns the paths
// to open, sorted; never follows symlinks. Directories it cannot read go to `warnings`.
std::vector<std::string> find_git_repositories(const std::string& dir, std::vector<std::string>& warnings);

// True for what `audit` treats as a clone URL: scheme://..., or scp-like user@host:path.
bool is_clone_url(const std::string& s);

// The folder under the clone directory that mirrors `url` ("example.com_org_repo.git").
std::string clone_folder_name(const std::string& url);

// Mirrors `url` (every ref) into `dir` as a bare repository, or fetches into the mirror already
// there (refs the remote dropped are pruned). `token` (may be empty) is the password for
// https. Throws GitError naming the URL.
void mirror_repository(const std::string& url, const std::string& dir, const std::string& token);

// The canonical identity of an opened repository: its git directory, absolute, no trailing slash.
std::string repository_identity(const GitRepo& repo);

// "refname oid\n" for every ref (and HEAD), sorted: equal text means nothing new to scan.
std::string ref_state(const GitRepo& repo);

// A local repository's identity and ref_state() read from its files, without opening it
// through libgit2 (a re-audit asks this of every repository, and most have not moved). Only
// for what it reads exactly as libgit2 does: a `.git` folder or a bare one, owned by this
// user, loose and packed refs of the usual forms. nullopt for anything else (a `.git` file,
// a lock file, an odd ref): the caller opens the repository.
struct QuickRepoState {
  std::string identity;
  std::string refs;
};
std::optional<QuickRepoState> quick_repo_state(const std::string& path);

}  // namespace keyhound
