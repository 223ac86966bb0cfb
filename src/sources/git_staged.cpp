#include "sources/git_staged.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string_view>

#include "sources/git_index.h"

namespace keyhound {
namespace {

// Finds the paths where the index and HEAD's tree differ, reading HEAD's trees only where
// the cache-tree does not vouch for a folder.
class ChangeFinder {
 public:
  ChangeFinder(git_repository* repo, const std::vector<IndexEntry>& entries) : repo_(repo), es_(entries) {}

  // Entries [lo, hi) are those under `dir` ("" or "a/b/"); `head` is HEAD's tree there.
  bool visit(const std::string& dir, const git_oid* head, const CacheTreeNode* ct, size_t lo, size_t hi) {
    if (ct && ct->valid && head && static_cast<size_t>(ct->entry_count) == hi - lo &&
        std::memcmp(ct->oid, head->id, 20) == 0)
      return true;  // git wrote this folder's tree from exactly these entries: unchanged
    git_tree* t = nullptr;
    if (head) {
      if (git_tree_lookup(&t, repo_, head) != 0) return false;
      ++trees_read;
    }
    bool ok = true;
    std::string name;
    for (size_t i = lo; i < hi && ok;) {
      std::string_view rest = es_[i].path.substr(dir.size());
      size_t slash = rest.find('/');
      name.assign(rest.substr(0, slash));
      const git_tree_entry* he = t ? git_tree_entry_byname(t, name.c_str()) : nullptr;
      bool head_is_tree = he && git_tree_entry_type(he) == GIT_OBJECT_TREE;
      if (slash == std::string_view::npos) {
        size_t j = i + 1;
        while (j < hi && es_[j].path == es_[i].path) ++j;
        const IndexEntry& e = es_[i];
        bool same = j == i + 1 && e.stage == 0 && !e.intent_to_add && he && !head_is_tree &&
                    static_cast<uint32_t>(git_tree_entry_filemode_raw(he)) == e.mode &&
                    std::memcmp(git_tree_entry_id(he)->id, e.oid, 20) == 0;
        if (!same) changed.push_back(dir + name);
        i = j;
      } else {
        std::string sub = dir + name + "/";
        std::string stop = dir + name + "0";  // '0' follows '/': the first path past the folder
        size_t j = static_cast<size_t>(
            std::partition_point(es_.begin() + i, es_.begin() + hi,
                                 [&](const IndexEntry& e) { return e.path < std::string_view(stop); }) -
            es_.begin());
        if (head_is_tree) {
          const CacheTreeNode* child = nullptr;
          if (ct)
            if (auto it = ct->children.find(name); it != ct->children.end()) child = it->second.get();
          ok = visit(sub, git_tree_entry_id(he), child, i, j);
        } else {
          changed.push_back(dir + name);
        }
        i = j;
      }
    }
    // HEAD entries the index lacks: deleted (or renamed away).
    size_t n = t ? git_tree_entrycount(t) : 0;
    for (size_t k = 0; k < n && ok; ++k) {
      const git_tree_entry* he = git_tree_entry_byindex(t, k);
      std::string path = dir + git_tree_entry_name(he);
      auto it = std::partition_point(es_.begin() + lo, es_.begin() + hi,
                                     [&](const IndexEntry& e) { return e.path < std::string_view(path); });
      bool present = it != es_.begin() + hi &&
                     (it->path == path || (it->path.size() > path.size() && it->path.substr(0, path.size()) == path &&
                                           it->path[path.size()] == '/'));
      if (!present) {
        // "a" may sort after "a-b/..." or "a.c" in the index: look for "a/" itself too.
        std::string sub = path + "/";
        auto it2 = std::partition_point(es_.begin() + lo, es_.begin() + hi,
                                        [&](const IndexEntry& e) { return e.path < std::string_view(sub); });
        present = it2 != es_.begin() + hi && it2->path.substr(0, sub.size()) == sub;
      }
      if (!present) changed.push_back(path);
    }
    git_tree_free(t);
    return ok;
  }

  std::vector<std::string> changed;
  size_t trees_read = 0;

 private:
  git_repository* repo_;
  const std::vector<IndexEntry>& es_;
};

bool ignore_case(git_repository* repo) {
  git_config* cfg = nullptr;
  if (git_repository_config_snapshot(&cfg, repo) != 0) return true;  // unknown: do not guess
  int v = 0;
  int rc = git_config_get_bool(&v, cfg, "core.ignorecase");
  git_config_free(cfg);
  if (rc == GIT_ENOTFOUND) {
    git_error_clear();
    return false;
  }
  return rc != 0 || v;
}

// The index entries at `path` or under it, as libgit2 entries in a fresh in-memory index.
bool add_entries(git_index* small, const std::vector<IndexEntry>& es, const std::string& path) {
  auto first = std::partition_point(es.begin(), es.end(), [&](const IndexEntry& e) { return e.path < std::string_view(path); });
  std::string p;
  std::optional<git_index_entry> stages[4];
  std::string stage_paths[4];
  for (auto it = first; it != es.end(); ++it) {
    std::string_view ep = it->path;
    if (!(ep == path || (ep.size() > path.size() && ep.substr(0, path.size()) == path && ep[path.size()] == '/')))
      break;
    git_index_entry ge{};
    ge.mode = it->mode;
    std::memcpy(ge.id.id, it->oid, 20);
    if (it->intent_to_add) ge.flags_extended |= GIT_INDEX_ENTRY_INTENT_TO_ADD;
    if (it->skip_worktree) ge.flags_extended |= GIT_INDEX_ENTRY_SKIP_WORKTREE;
    if (it->assume_valid) ge.flags |= GIT_INDEX_ENTRY_VALID;
    p.assign(ep);
    ge.path = p.c_str();
    if (it->stage == 0) {
      if (git_index_add(small, &ge) != 0) return false;
      continue;
    }
    // Conflict stages arrive in order (1 ancestor, 2 ours, 3 theirs) for one path.
    stage_paths[it->stage] = p;
    stages[it->stage] = ge;
    bool last = it + 1 == es.end() || it[1].path != ep;
    if (last) {
      git_index_entry* s[4] = {};
      for (int k = 1; k <= 3; ++k)
        if (stages[k]) {
          stages[k]->path = stage_paths[k].c_str();
          s[k] = &*stages[k];
        }
      if (git_index_conflict_add(small, s[1], s[2], s[3]) != 0) return false;
      for (auto& st : stages) st.reset();
    }
  }
  return true;
}

}  // namespace

StagedDiff staged_diff_fast(git_repository* repo, git_tree* head_tree, const std::string& index_path) {
  StagedDiff out;
  std::string why;
  std::optional<GitIndexFile> index = GitIndexFile::read(index_path, &why);
  if (!index) {
    out.how = "staged diff: libgit2's index (" + why + ")";
    return out;
  }
  if (ignore_case(repo)) {
    out.how = "staged diff: libgit2's index (core.ignorecase)";
    return out;
  }
  const std::vector<IndexEntry>& es = index->entries();
  ChangeFinder f(repo, es);
  // Conflicts and `git add -N` entries always count: git keeps them out of the cache-tree.
  for (const IndexEntry& e : es)
    if (e.stage != 0 || e.intent_to_add) f.changed.emplace_back(e.path);
  if (!f.visit("", git_tree_id(head_tree), index->cache_tree(), 0, es.size())) {
    git_error_clear();
    out.how = "staged diff: libgit2's index (a tree of HEAD could not be read)";
    return out;
  }
  // Sorted, each path once, and none under a folder already listed.
  std::vector<std::string>& c = f.changed;
  std::sort(c.begin(), c.end());
  c.erase(std::unique(c.begin(), c.end()), c.end());
  std::vector<std::string> paths;
  for (auto& p : c) {
    bool covered = false;
    for (size_t k = p.find('/'); k != std::string::npos && !covered; k = p.find('/', k + 1))
      covered = std::binary_search(paths.begin(), paths.end(), p.substr(0, k));
    if (!covered) paths.push_back(p);
  }

  git_index* small = nullptr;
  if (git_index_new(&small) != 0) {
    git_error_clear();
    out.how = "staged diff: libgit2's index (cannot make an index in memory)";
    return out;
  }
  for (auto& p : paths)
    if (!add_entries(small, es, p)) {
      git_error_clear();
      git_index_free(small);
      out.how = "staged diff: libgit2's index (an index entry libgit2 would not take: " + p + ")";
      return out;
    }
  std::vector<const char*> specs;
  for (auto& p : paths) specs.push_back(p.c_str());
  git_diff_options dopt = GIT_DIFF_OPTIONS_INIT;
  dopt.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
  dopt.pathspec.strings = const_cast<char**>(specs.data());
  dopt.pathspec.count = specs.size();
  git_diff* diff = nullptr;
  // Nothing staged: an empty diff (two empty trees), not a walk of HEAD against itself.
  int rc = paths.empty() ? git_diff_tree_to_tree(&diff, repo, nullptr, nullptr, &dopt)
                         : git_diff_tree_to_index(&diff, repo, head_tree, small, &dopt);
  git_index_free(small);
  if (rc != 0) {
    git_error_clear();
    out.how = "staged diff: libgit2's index (the diff of the changed paths failed)";
    return out;
  }
  out.diff = diff;
  out.how = "staged diff: index read directly, " + std::to_string(es.size()) + " entries, " +
            std::to_string(f.trees_read) + " trees of HEAD read (cache-tree " +
            (index->cache_tree() ? "present" : "absent") + "), " + std::to_string(paths.size()) + " changed paths";
  out.paths = std::move(paths);
  return out;
}

}  // namespace keyhound
