#include "sources/git_staged.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>

#include "base/hex.h"
#include "sources/git_index.h"
#include "sources/git_objects.h"

namespace keyhound {
namespace {

// One change found: a path (a file, or a folder, of the index or of HEAD) where the two differ,
// with HEAD's entry there (mode 0: none).
struct Change {
  std::string path;
  uint32_t head_mode = 0;
  unsigned char head_id[20] = {};
};

// Finds the paths where the index and HEAD's tree differ, reading HEAD's trees only where
// the cache-tree does not vouch for a folder. `Trees` reads them: through libgit2
// (Libgit2Trees) or keyhound's own reader (OwnTrees).
template <class Trees>
class ChangeFinder {
 public:
  using Tree = typename Trees::Tree;
  ChangeFinder(Trees& trees, const std::vector<IndexEntry>& entries) : trees_(trees), es_(entries) {}

  // Entries [lo, hi) are those under `dir` ("" or "a/b/"); `head` is HEAD's tree id there.
  bool visit(const std::string& dir, const unsigned char* head, const CacheTreeNode* ct, size_t lo, size_t hi) {
    if (ct && ct->valid && head && static_cast<size_t>(ct->entry_count) == hi - lo &&
        std::memcmp(ct->oid, head, 20) == 0)
      return true;  // git wrote this folder's tree from exactly these entries: unchanged
    Tree t;
    if (head) {
      if (!trees_.load(head, t)) return false;
      ++trees_read;
    }
    auto record = [&](std::string path, const typename Trees::Entry* he) {
      Change c;
      c.path = std::move(path);
      if (he) {
        c.head_mode = Trees::mode(he);
        std::memcpy(c.head_id, Trees::id(he), 20);
      }
      changed.push_back(std::move(c));
    };
    bool ok = true;
    std::string name;
    for (size_t i = lo; i < hi && ok;) {
      std::string_view rest = es_[i].path.substr(dir.size());
      size_t slash = rest.find('/');
      name.assign(rest.substr(0, slash));
      const typename Trees::Entry* he = head ? Trees::byname(t, name) : nullptr;
      bool head_is_tree = he && Trees::is_tree(he);
      if (slash == std::string_view::npos) {
        size_t j = i + 1;
        while (j < hi && es_[j].path == es_[i].path) ++j;
        const IndexEntry& e = es_[i];
        bool same = j == i + 1 && e.stage == 0 && !e.intent_to_add && he && !head_is_tree &&
                    Trees::mode(he) == e.mode && std::memcmp(Trees::id(he), e.oid, 20) == 0;
        if (!same) record(dir + name, he);
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
          ok = visit(sub, Trees::id(he), child, i, j);
        } else {
          record(dir + name, he);
        }
        i = j;
      }
    }
    // HEAD entries the index lacks: deleted (or renamed away).
    size_t n = head ? Trees::count(t) : 0;
    for (size_t k = 0; k < n && ok; ++k) {
      const typename Trees::Entry* he = Trees::at(t, k);
      std::string path = dir + std::string(Trees::name(he));
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
      if (!present) record(path, he);
    }
    return ok;
  }

  std::vector<Change> changed;
  size_t trees_read = 0;

 private:
  Trees& trees_;
  const std::vector<IndexEntry>& es_;
};

// HEAD's trees through libgit2.
struct Libgit2Trees {
  using Entry = git_tree_entry;
  struct Tree {
    git_tree* t = nullptr;
    Tree() = default;
    Tree(const Tree&) = delete;
    ~Tree() { git_tree_free(t); }
  };
  git_repository* repo;
  bool load(const unsigned char* id, Tree& out) {
    git_oid oid;
    std::memcpy(oid.id, id, 20);
    return git_tree_lookup(&out.t, repo, &oid) == 0;
  }
  static const Entry* byname(const Tree& t, const std::string& name) { return git_tree_entry_byname(t.t, name.c_str()); }
  static bool is_tree(const Entry* e) { return git_tree_entry_type(e) == GIT_OBJECT_TREE; }
  static uint32_t mode(const Entry* e) { return static_cast<uint32_t>(git_tree_entry_filemode_raw(e)); }
  static const unsigned char* id(const Entry* e) { return git_tree_entry_id(e)->id; }
  static size_t count(const Tree& t) { return git_tree_entrycount(t.t); }
  static const Entry* at(const Tree& t, size_t k) { return git_tree_entry_byindex(t.t, k); }
  static std::string_view name(const Entry* e) { return git_tree_entry_name(e); }
};

// HEAD's trees through keyhound's reader (trees exactly as git writes them, else declined).
struct OwnTrees {
  using Entry = GitTreeEntry;
  struct Tree {
    std::string data;
    std::vector<GitTreeEntry> entries;
  };
  const GitObjectReader& objects;
  bool load(const unsigned char* id, Tree& out) {
    GitObjectType type;
    return objects.read(id, type, out.data) && type == GitObjectType::Tree && parse_git_tree(out.data, out.entries);
  }
  static const Entry* byname(const Tree& t, const std::string& name) {
    // Git's order puts "a" (a file) before "a.b" but "a" (a folder) after it: a search for
    // either form, then the one entry with the name itself.
    for (bool as_tree : {false, true}) {
      std::string key = as_tree ? name + "/" : name;
      auto it = std::lower_bound(t.entries.begin(), t.entries.end(), key, [](const GitTreeEntry& e, const std::string& k) {
        std::string n(e.name);
        if (e.mode == 040000u) n += '/';
        return n < k;
      });
      if (it != t.entries.end() && it->name == name && (it->mode == 040000u) == as_tree) return &*it;
    }
    return nullptr;
  }
  static bool is_tree(const Entry* e) { return e->mode == 040000u; }
  static uint32_t mode(const Entry* e) { return e->mode; }
  static const unsigned char* id(const Entry* e) { return e->id; }
  static size_t count(const Tree& t) { return t.entries.size(); }
  static const Entry* at(const Tree& t, size_t k) { return &t.entries[k]; }
  static std::string_view name(const Entry* e) { return e->name; }
};

// The changed paths, sorted, each once, and none under a folder already listed.
std::vector<Change> outermost(std::vector<Change> c) {
  std::sort(c.begin(), c.end(), [](const Change& x, const Change& y) { return x.path < y.path; });
  c.erase(std::unique(c.begin(), c.end(), [](const Change& x, const Change& y) { return x.path == y.path; }), c.end());
  std::vector<Change> out;
  std::vector<std::string> kept;  // out's paths, sorted
  for (auto& ch : c) {
    bool covered = false;
    const std::string& p = ch.path;
    for (size_t k = p.find('/'); k != std::string::npos && !covered; k = p.find('/', k + 1))
      covered = std::binary_search(kept.begin(), kept.end(), p.substr(0, k));
    if (!covered) {
      kept.push_back(p);
      out.push_back(std::move(ch));
    }
  }
  return out;
}

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

// What --debug says of a staged diff made from the index read directly.
std::string index_read_summary(size_t entries, size_t trees_read, bool cache_tree, size_t changed) {
  return "index read directly, " + std::to_string(entries) + " entries, " + std::to_string(trees_read) +
         " trees of HEAD read (cache-tree " + (cache_tree ? "present" : "absent") + "), " + std::to_string(changed) +
         " changed paths";
}

}  // namespace

std::string staged_index_path(const std::string& git_dir) {
  const char* env = std::getenv("GIT_INDEX_FILE");
  if (env && *env) return env;
  return git_dir + "index";
}

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
  Libgit2Trees trees{repo};
  ChangeFinder<Libgit2Trees> f(trees, es);
  // Conflicts and `git add -N` entries always count: git keeps them out of the cache-tree.
  for (const IndexEntry& e : es)
    if (e.stage != 0 || e.intent_to_add) f.changed.push_back(Change{std::string(e.path)});
  if (!f.visit("", git_tree_id(head_tree)->id, index->cache_tree(), 0, es.size())) {
    git_error_clear();
    out.how = "staged diff: libgit2's index (a tree of HEAD could not be read)";
    return out;
  }
  std::vector<std::string> paths;
  for (auto& c : outermost(std::move(f.changed))) paths.push_back(std::move(c.path));

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
  out.how = "staged diff: " + index_read_summary(es.size(), f.trees_read, index->cache_tree(), paths.size());
  out.paths = std::move(paths);
  return out;
}

namespace {

bool is_blob_mode(uint32_t m) { return m == 0100644u || m == 0100755u || m == 0120000u; }

// The tree id on a commit's first line ("tree <40 hex>\n").
bool commit_tree(std::string_view commit, unsigned char out[20]) {
  if (commit.size() < 46 || commit.substr(0, 5) != "tree " || commit[45] != '\n') return false;
  for (int i = 0; i < 20; ++i) {
    int hi = hex_digit_value(commit[5 + 2 * i]), lo = hex_digit_value(commit[6 + 2 * i]);
    if (hi < 0 || lo < 0 || std::isupper(static_cast<unsigned char>(commit[5 + 2 * i])) ||
        std::isupper(static_cast<unsigned char>(commit[6 + 2 * i])))
      return false;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return true;
}

}  // namespace

std::optional<GitPlan> plan_staged_own(const PlainRepo& repo, const GitPlanOptions& o, std::string* why) {
  auto no = [&](std::string reason) -> std::optional<GitPlan> {
    if (why) *why = std::move(reason);
    return std::nullopt;
  };
  const std::string& gd = repo.git_dir;
  const std::string& common = repo.common_dir;
  if (std::string c = plain_config_concern(repo); !c.empty()) return no(c);
  struct stat st {};
  for (const std::string* d : {&gd, &common}) {
    if (stat((*d + "shallow").c_str(), &st) == 0) return no("a shallow repository");
    if (stat((*d + "info/grafts").c_str(), &st) == 0) return no("info/grafts");
  }
  unsigned char head[20];
  std::string r;
  if (!plain_head_commit(repo, head, &r)) return no(r);
  std::shared_ptr<GitObjectReader> objects = GitObjectReader::open(common, &r);
  if (!objects) return no(r);
  GitObjectType type;
  std::string commit;
  unsigned char root[20];
  if (!objects->read(head, type, commit) || type != GitObjectType::Commit || !commit_tree(commit, root))
    return no("HEAD's commit could not be read");
  std::optional<GitIndexFile> index = GitIndexFile::read(staged_index_path(gd), &r);
  if (!index) return no("index: " + r);
  const std::vector<IndexEntry>& es = index->entries();
  for (const IndexEntry& e : es) {
    if (e.stage != 0) return no("a conflict in the index");
    if (e.intent_to_add) return no("a `git add -N` entry");
  }
  OwnTrees trees{*objects};
  ChangeFinder<OwnTrees> f(trees, es);
  if (!f.visit("", root, index->cache_tree(), 0, es.size())) return no("a tree of HEAD this reader does not take on");

  // The deltas libgit2's diff would give, as GitPlanner::add_diff turns them into tasks.
  GitPlan plan;
  bool deleted = false, added = false;
  auto task = [&](const IndexEntry& e, const unsigned char* old) {
    std::string path(e.path);
    if (o.exclude_path && o.exclude_path(path)) {
      plan.skipped[SkipReason::AllowlistedPath]++;
      return;
    }
    GitBlobTask t;
    std::memcpy(t.blob.id, e.oid, 20);
    t.path = std::move(path);
    t.commit = -1;
    t.added_lines_only = true;
    if (old) std::memcpy(t.old_blob.id, old, 20);
    plan.blobs.push_back(std::move(t));
  };
  auto type_of = [](uint32_t mode) { return mode & 0170000u; };
  std::vector<Change> changes = outermost(std::move(f.changed));
  for (const Change& ch : changes) {
    const std::string& p = ch.path;
    auto exact = std::partition_point(es.begin(), es.end(), [&](const IndexEntry& e) { return e.path < std::string_view(p); });
    bool has_exact = exact != es.end() && exact->path == p;
    std::string sub = p + "/";
    auto under = std::partition_point(es.begin(), es.end(), [&](const IndexEntry& e) { return e.path < std::string_view(sub); });
    bool has_under = under != es.end() && under->path.substr(0, sub.size()) == sub;
    if (ch.head_mode == 0160000u) return no("a submodule among the changes");
    if (has_exact && has_under) return no("a path that is a file and a folder in the index");
    if (has_exact) {
      const IndexEntry& e = *exact;
      if (e.mode == 0160000u) return no("a submodule among the changes");
      if (!is_blob_mode(e.mode)) return no("an index entry of an unknown mode");
      if (ch.head_mode == 0) {
        added = true;
        task(e, nullptr);
      } else if (type_of(ch.head_mode) != type_of(e.mode)) {
        return no("a type change (libgit2 splits it into a deletion and an addition)");
      } else {
        task(e, is_blob_mode(ch.head_mode) ? ch.head_id : nullptr);
      }
    } else if (has_under) {
      if (ch.head_mode != 0) return no("a file of HEAD became a folder");
      for (auto it = under; it != es.end() && it->path.substr(0, sub.size()) == sub; ++it) {
        if (it->mode == 0160000u) return no("a submodule among the changes");
        if (!is_blob_mode(it->mode)) return no("an index entry of an unknown mode");
        added = true;
        task(*it, nullptr);
      }
    } else {
      deleted = true;
    }
  }
  if (deleted && added) return no("a deletion beside an addition (libgit2 looks for renames)");
  std::stable_sort(plan.blobs.begin(), plan.blobs.end(),
                   [](const GitBlobTask& a, const GitBlobTask& b) { return a.path < b.path; });
  plan.how = "staged diff without libgit2: " +
             index_read_summary(es.size(), f.trees_read, index->cache_tree(), changes.size());
  plan.objects = std::move(objects);
  return plan;
}

}  // namespace keyhound
