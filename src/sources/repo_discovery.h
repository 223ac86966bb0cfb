// Where an audit's repositories come from: git repositories found under directories (bare or
// not, submodule checkouts included), clone URLs mirrored into a clone directory (fetched, not
// cloned again, on later runs), and the state of a repository's refs.
#pragma once
#include <functional>
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

}  // namespace keyhound
