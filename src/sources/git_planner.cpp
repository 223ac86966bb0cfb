// The scan planner: which commits a `keyhound git` or audit reads (history, range, staged,
// HEAD tree) and the unique blobs each introduced, with the commit and path that did.
#include "sources/git_source.h"

#include "sources/git_loose_check.h"
#include "base/parallel.h"
#include "sources/git_pack.h"
#include "sources/git_staged.h"

#include <git2/sys/odb_backend.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <atomic>
#include <queue>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace keyhound {

namespace {

using OidSet = std::unordered_set<git_oid, OidHash, OidEq>;

// An open-addressing set of ids for the planner's hot "seen before?" checks (a node-based set
// spent 15% of an audit's planning in malloc and cache misses).
class FlatOidSet {
 public:
  bool contains(const git_oid& id) const {
    if (slots_.empty()) return false;
    size_t mask = slots_.size() - 1;
    for (size_t i = OidHash{}(id) & mask; used_[i]; i = (i + 1) & mask)
      if (std::memcmp(slots_[i].id, id.id, GIT_OID_RAWSZ) == 0) return true;
    return false;
  }
  // True if `id` was not in the set.
  bool insert(const git_oid& id) {
    if ((n_ + 1) * 2 > slots_.size()) grow();
    size_t mask = slots_.size() - 1;
    for (size_t i = OidHash{}(id) & mask;; i = (i + 1) & mask) {
      if (!used_[i]) {
        used_[i] = 1;
        slots_[i] = id;
        n_++;
        return true;
      }
      if (std::memcmp(slots_[i].id, id.id, GIT_OID_RAWSZ) == 0) return false;
    }
  }

 private:
  void grow() {
    std::vector<git_oid> old = std::move(slots_);
    std::vector<uint8_t> old_used = std::move(used_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, git_oid{});
    used_.assign(slots_.size(), 0);
    n_ = 0;
    for (size_t i = 0; i < old.size(); ++i)
      if (old_used[i]) insert(old[i]);
  }
  std::vector<git_oid> slots_;
  std::vector<uint8_t> used_;
  size_t n_ = 0;
};


std::string iso_date(const git_time& t) {
  time_t s = static_cast<time_t>(t.time) + static_cast<time_t>(t.offset) * 60;
  struct tm tm {};
  gmtime_r(&s, &tm);
  char buf[48];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  int off = t.offset;
  char sign = off < 0 ? '-' : '+';
  off = std::abs(off);
  char tail[16];
  std::snprintf(tail, sizeof tail, "%c%02d:%02d", sign, off / 60, off % 60);
  return std::string(buf) + tail;
}

bool is_blob_mode(git_filemode_t m) {
  return m == GIT_FILEMODE_BLOB || m == GIT_FILEMODE_BLOB_EXECUTABLE || m == GIT_FILEMODE_LINK;
}

// Trees, commits and tags read ahead from the packs (PackSet, in pack order, each object
// inflated once), served to libgit2 through an object database backend ahead of its own: the
// planner parses them with libgit2 exactly as before, without libgit2 resolving a delta chain
// per object. Whatever is not here libgit2 reads itself.
struct ObjectStore {
  std::unordered_map<git_oid, std::pair<git_object_t, std::string>, OidHash, OidEq> objs;
};

// Standard layout: libgit2 hands back the git_odb_backend, which is the first member.
struct StoreBackend {
  git_odb_backend parent;
  ObjectStore* store;
};

int store_read(void** out, size_t* len, git_object_t* type, git_odb_backend* b, const git_oid* id) {
  ObjectStore* st = reinterpret_cast<StoreBackend*>(b)->store;
  auto it = st->objs.find(*id);
  if (it == st->objs.end()) return GIT_ENOTFOUND;
  const std::string& data = it->second.second;
  void* p = git_odb_backend_data_alloc(b, data.size() ? data.size() : 1);
  if (!p) return -1;
  std::memcpy(p, data.data(), data.size());
  *out = p;
  *len = data.size();
  *type = it->second.first;
  return 0;
}

int store_exists(git_odb_backend* b, const git_oid* id) {
  ObjectStore* st = reinterpret_cast<StoreBackend*>(b)->store;
  return st->objs.count(*id) ? 1 : 0;
}

void store_free(git_odb_backend* b) {
  auto* sb = reinterpret_cast<StoreBackend*>(b);
  delete sb->store;
  delete sb;
}

// Collects per worker thread (no lock), merged into the store after the walk.
struct StoreVisitor : PackVisitor {
  struct Item {
    git_oid id;
    git_object_t type;
    std::string data;
  };
  std::vector<std::vector<Item>> per_worker;
  std::atomic<uint64_t> bytes{0};
  uint64_t cap;
  StoreVisitor(unsigned threads, uint64_t c) : per_worker(worker_count(threads, SIZE_MAX)), cap(c) {}
  bool wants(const git_oid&, git_object_t type, uint64_t size) override {
    if (type == GIT_OBJECT_BLOB) return false;
    // Bounded: libgit2 reads the rest itself.
    return bytes.fetch_add(size) + size <= cap;
  }
  void visit(unsigned worker, const git_oid& id, git_object_t type, std::string_view data) override {
    per_worker[worker].push_back({id, type, std::string(data)});
  }
};

// Puts the loose objects the check inflated (git_loose_check) in front of libgit2's own
// backends, so it neither opens nor inflates them again: a fork's new commits, trees and blobs
// are loose. Owned by the repository, like the pack store.
void install_loose_store(GitRepo& repo, std::vector<LooseObject>& loose) {
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, repo.get()) != 0) return;
  auto* sb = new StoreBackend{};
  if (git_odb_init_backend(&sb->parent, GIT_ODB_BACKEND_VERSION) != 0) {
    delete sb;
    git_odb_free(odb);
    return;
  }
  sb->store = new ObjectStore;
  sb->store->objs.reserve(loose.size());
  for (auto& o : loose) {
    git_oid id;
    git_object_t type = o.type == "blob"     ? GIT_OBJECT_BLOB
                        : o.type == "tree"   ? GIT_OBJECT_TREE
                        : o.type == "commit" ? GIT_OBJECT_COMMIT
                        : o.type == "tag"    ? GIT_OBJECT_TAG
                                             : GIT_OBJECT_INVALID;
    if (type == GIT_OBJECT_INVALID || git_oid_fromstrn(&id, o.oid.data(), o.oid.size()) != 0) continue;
    sb->store->objs.emplace(id, std::make_pair(type, std::move(o.data)));
  }
  sb->parent.read = store_read;
  sb->parent.exists = store_exists;
  sb->parent.free = store_free;
  if (git_odb_add_backend(odb, &sb->parent, 999) != 0) store_free(&sb->parent);
  git_odb_free(odb);
}

// Reads every pack's trees, commits and tags into a store and puts it in front of libgit2's
// own backends. Returns the store (owned by the backend, hence by the repository) or null.
ObjectStore* install_pack_store(GitRepo& repo, const PackSet& packs, unsigned threads, std::vector<std::string>& errors) {
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, repo.get()) != 0) return nullptr;
  auto* sb = new StoreBackend{};
  if (git_odb_init_backend(&sb->parent, GIT_ODB_BACKEND_VERSION) != 0) {
    delete sb;
    git_odb_free(odb);
    return nullptr;
  }
  sb->store = new ObjectStore;
  StoreVisitor v(threads, 1ull << 30);
  packs.walk(threads, PackSet::Roots::NonBlob, true, v, errors);
  size_t n = 0;
  for (auto& w : v.per_worker) n += w.size();
  sb->store->objs.reserve(n);
  for (auto& w : v.per_worker)
    for (auto& it : w) sb->store->objs.emplace(it.id, std::make_pair(it.type, std::move(it.data)));
  sb->parent.read = store_read;
  sb->parent.exists = store_exists;
  sb->parent.free = store_free;
  ObjectStore* st = sb->store;
  if (git_odb_add_backend(odb, &sb->parent, 1000) != 0) {
    store_free(&sb->parent);
    st = nullptr;
  }
  git_odb_free(odb);
  return st;
}

struct Node {
  git_oid id{};
  git_oid tree{};
  int64_t time = 0;
  std::vector<git_oid> parents;
  GitCommitInfo info;
};

// Trees read through libgit2, kept by id for the rest of the process: an audit plans fork
// after fork on top of the same known snapshot, and each reads the same folders of it
// (expand_boundary), each time through a cold libgit2 cache and a delta chain. A tree's id is
// the hash of its bytes, so what one repository held is exactly what another's tree of that id
// holds. Bounded: emptied when full (whoever still walks a tree holds its bytes).
class TreeCache {
 public:
  std::shared_ptr<const std::string> find(const git_oid& id) {
    std::lock_guard<std::mutex> lock(m_);
    auto it = trees_.find(id);
    return it == trees_.end() ? nullptr : it->second;
  }
  void add(const git_oid& id, std::shared_ptr<const std::string> raw) {
    std::lock_guard<std::mutex> lock(m_);
    if (bytes_ + raw->size() > kBudget) {
      trees_.clear();
      bytes_ = 0;
    }
    bytes_ += raw->size();
    trees_.emplace(id, std::move(raw));
  }

 private:
  static constexpr size_t kBudget = 32u << 20;
  std::mutex m_;
  std::unordered_map<git_oid, std::shared_ptr<const std::string>, OidHash, OidEq> trees_;
  size_t bytes_ = 0;
};

TreeCache& tree_cache() {
  static TreeCache cache;
  return cache;
}

struct Planner {
  GitRepo& repo;
  const GitPlanOptions& o;
  GitPlan plan;
  OidSet shallow_roots;
  FlatOidSet seen_trees, seen_blobs;
  const ObjectStore* store = nullptr;  // objects read ahead from the packs, their ids checked
  std::set<std::string> submodules;
  // Known commits' snapshots, read lazily: folder prefix ("" for the top) -> their trees there
  // not read yet. Their ids are seen (a new commit holding the same folder skips it); a new
  // commit that changes a folder reads theirs first, so what it kept is seen too. A fork's new
  // commits on top of a long history so read the folders they change, not the whole snapshot.
  std::unordered_map<std::string, std::vector<git_oid>> boundary_dirs;

  git_odb* odb = nullptr;  // the repository's, for cached_tree

  Planner(GitRepo& r, const GitPlanOptions& opts) : repo(r), o(opts) {}
  ~Planner() { git_odb_free(odb); }
  Planner(const Planner&) = delete;
  Planner& operator=(const Planner&) = delete;

  void load_shallow() {
    if (!repo.shallow()) return;
    std::ifstream in(repo.git_dir() + "shallow");
    std::string line;
    while (std::getline(in, line)) {
      git_oid id;
      if (line.size() >= GIT_OID_HEXSZ && git_oid_fromstrn(&id, line.data(), GIT_OID_HEXSZ) == 0)
        shallow_roots.insert(id);
    }
  }

  int lookup(git_object** out, const git_oid& id, git_object_t type) {
    return git_object_lookup(out, repo.get(), &id, type);
  }

  // Peels a revision (branch, tag, commit id, HEAD~2...) to a commit id. Throws GitError.
  git_oid resolve_commit(const std::string& rev) {
    git_object* obj = nullptr;
    if (git_revparse_single(&obj, repo.get(), rev.c_str()) != 0) {
      // A bare branch name that is only a remote-tracking branch, e.g. "feature" for origin/feature.
      std::string alt = "refs/remotes/origin/" + rev;
      if (git_revparse_single(&obj, repo.get(), alt.c_str()) != 0)
        throw GitError(rev + ": unknown revision");
    }
    git_object* peeled = nullptr;
    int rc = git_object_peel(&peeled, obj, GIT_OBJECT_COMMIT);
    git_object_free(obj);
    if (rc != 0) throw GitError(git_error_text(rev + ": not a commit"));
    git_oid id = *git_object_id(peeled);
    git_object_free(peeled);
    return id;
  }

  std::vector<git_oid> all_tips() {
    std::vector<git_oid> tips;
    git_reference_iterator* it = nullptr;
    if (git_reference_iterator_new(&it, repo.get()) != 0) {
      plan.errors.push_back(git_error_text("cannot list references"));
      return tips;
    }
    git_reference* ref = nullptr;
    int rc;
    while ((rc = git_reference_next(&ref, it)) == 0) {
      git_object* obj = nullptr;
      // Tags are peeled to the commit they name; refs to trees or blobs are not commits.
      if (git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) == 0) {
        tips.push_back(*git_object_id(obj));
        git_object_free(obj);
      } else if (git_reference_type(ref) == GIT_REFERENCE_DIRECT) {
        const git_oid* target = git_reference_target(ref);
        git_object_t type = GIT_OBJECT_INVALID;
        size_t len = 0;
        git_odb* odb = nullptr;
        bool missing = true;
        if (target && git_repository_odb(&odb, repo.get()) == 0) {
          missing = git_odb_read_header(&len, &type, odb, target) != 0;
          git_odb_free(odb);
        }
        if (missing)
          plan.errors.push_back(git_error_text(std::string("reference ") + git_reference_name(ref) + " -> " +
                                               (target ? oid_hex(*target) : "?")));
      }
      git_reference_free(ref);
    }
    if (rc != GIT_ITEROVER) plan.errors.push_back(git_error_text("cannot list references"));
    git_reference_iterator_free(it);
    git_oid head;
    if (git_reference_name_to_id(&head, repo.get(), "HEAD") == 0) tips.push_back(head);
    return tips;
  }

  // Every commit reachable from `tips` and not from `stop`; corrupt commits become errors.
  bool hide_known = false;  // collect() stops at known commits (history plans of audits)
  // History plans: collect() gives up past this many commits (0: never), and says so.
  size_t collect_limit = 0;
  bool over_limit = false;
  std::vector<Node> collect(const std::vector<git_oid>& tips, const OidSet& stop) {
    std::vector<Node> nodes;
    OidSet visited;
    std::vector<git_oid> stack(tips.rbegin(), tips.rend());
    while (!stack.empty()) {
      git_oid id = stack.back();
      stack.pop_back();
      if (stop.count(id) || !visited.insert(id).second) continue;
      if (hide_known && o.known_commit(id)) {
        plan.known_boundary.push_back(id);
        continue;
      }
      git_commit* c = nullptr;
      if (lookup(reinterpret_cast<git_object**>(&c), id, GIT_OBJECT_COMMIT) != 0) {
        plan.errors.push_back(git_error_text("commit " + oid_hex(id)));
        continue;
      }
      Node n;
      n.id = id;
      n.tree = *git_commit_tree_id(c);
      const git_signature* a = git_commit_author(c);
      const git_signature* cm = git_commit_committer(c);
      n.time = cm ? cm->when.time : 0;
      n.info.id = oid_hex(id);
      if (a) {
        n.info.author = a->name ? a->name : "";
        n.info.email = a->email ? a->email : "";
      }
      if (cm) n.info.date = iso_date(cm->when);
      if (!shallow_roots.count(id)) {
        unsigned np = git_commit_parentcount(c);
        for (unsigned i = 0; i < np; ++i) {
          const git_oid* p = git_commit_parent_id(c, i);
          if (p) {
            n.parents.push_back(*p);
            stack.push_back(*p);
          }
        }
      }
      git_commit_free(c);
      nodes.push_back(std::move(n));
      if (collect_limit && nodes.size() >= collect_limit) {
        over_limit = true;
        break;
      }
    }
    return nodes;
  }

  // Parents before children; among commits that are ready, older (committer time) first.
  static std::vector<Node> topo_order(std::vector<Node> nodes) {
    std::unordered_map<git_oid, size_t, OidHash, OidEq> index;
    for (size_t i = 0; i < nodes.size(); ++i) index[nodes[i].id] = i;
    std::vector<std::vector<size_t>> children(nodes.size());
    std::vector<size_t> indeg(nodes.size(), 0);
    for (size_t i = 0; i < nodes.size(); ++i)
      for (auto& p : nodes[i].parents) {
        auto it = index.find(p);
        if (it == index.end()) continue;
        children[it->second].push_back(i);
        indeg[i]++;
      }
    using Item = std::pair<int64_t, size_t>;
    std::priority_queue<Item, std::vector<Item>, std::greater<Item>> ready;
    for (size_t i = 0; i < nodes.size(); ++i)
      if (!indeg[i]) ready.push({nodes[i].time, i});
    std::vector<Node> out;
    out.reserve(nodes.size());
    while (!ready.empty()) {
      size_t i = ready.top().second;
      ready.pop();
      for (size_t c : children[i])
        if (--indeg[c] == 0) ready.push({nodes[c].time, c});
      out.push_back(std::move(nodes[i]));
    }
    return out;
  }

  void add_blob(const git_oid& id, const std::string& path, int commit, bool dedup, const git_oid* old,
                std::vector<git_oid> other_parent_blobs = {}) {
    if (o.exclude_path && o.exclude_path(path)) {
      plan.skipped[SkipReason::AllowlistedPath]++;
      return;
    }
    if (dedup && !seen_blobs.insert(id)) return;
    GitBlobTask t;
    t.blob = id;
    t.path = path;
    t.commit = commit;
    if (old) {
      t.added_lines_only = true;
      t.old_blob = *old;
      t.other_parent_blobs = std::move(other_parent_blobs);
    }
    plan.blobs.push_back(std::move(t));
  }

  // One tree being walked: parsed by libgit2, or (read ahead from a pack and in canonical
  // form) by parse_canonical_tree, entries pointing into the store's bytes.
  struct RawEntry {
    git_filemode_t mode;
    std::string_view name;
    const unsigned char* id;
  };
  struct OpenTree {
    git_tree* tree = nullptr;
    std::vector<RawEntry> raw;
    std::shared_ptr<const std::string> bytes;  // what `raw` points into, when from the tree cache
    bool ok = false;
    size_t count() const { return tree ? git_tree_entrycount(tree) : raw.size(); }
  };

  // A tree exactly as git writes one (modes 100644, 100755, 120000, 40000, 160000; names
  // without NUL or '/', not "." or ".."; each id whole): what libgit2 would parse it into.
  // Anything else is left to libgit2, which decides what is wrong with it.
  static bool parse_canonical_tree(std::string_view d, std::vector<RawEntry>& out) {
    out.clear();
    size_t i = 0;
    while (i < d.size()) {
      size_t sp = d.find(' ', i);
      if (sp == std::string_view::npos) return false;
      std::string_view m = d.substr(i, sp - i);
      git_filemode_t mode;
      if (m == "100644") mode = GIT_FILEMODE_BLOB;
      else if (m == "100755") mode = GIT_FILEMODE_BLOB_EXECUTABLE;
      else if (m == "40000") mode = GIT_FILEMODE_TREE;
      else if (m == "120000") mode = GIT_FILEMODE_LINK;
      else if (m == "160000") mode = GIT_FILEMODE_COMMIT;
      else return false;
      size_t nul = d.find('\0', sp + 1);
      if (nul == std::string_view::npos || d.size() - nul - 1 < GIT_OID_RAWSZ) return false;
      std::string_view name = d.substr(sp + 1, nul - sp - 1);
      if (name.empty() || name.size() > 4096 || name == "." || name == ".." || name.find('/') != std::string_view::npos)
        return false;
      out.push_back({mode, name, reinterpret_cast<const unsigned char*>(d.data() + nul + 1)});
      i = nul + 1 + GIT_OID_RAWSZ;
    }
    return true;
  }

  // A tree in canonical form from the process's tree cache, or read whole with libgit2 and
  // cached; false when it is not there, not a tree or not canonical (libgit2 then parses it
  // and says what is wrong).
  bool cached_tree(const git_oid& id, OpenTree& t) {
    std::shared_ptr<const std::string> bytes = tree_cache().find(id);
    if (!bytes) {
      if (!odb && git_repository_odb(&odb, repo.get()) != 0) return false;
      git_odb_object* obj = nullptr;
      if (git_odb_read(&obj, odb, &id) != 0) return false;
      if (git_odb_object_type(obj) == GIT_OBJECT_TREE)
        bytes = std::make_shared<const std::string>(static_cast<const char*>(git_odb_object_data(obj)),
                                                    git_odb_object_size(obj));
      git_odb_object_free(obj);
      if (!bytes || !parse_canonical_tree(*bytes, t.raw)) return false;
      tree_cache().add(id, bytes);
    } else if (!parse_canonical_tree(*bytes, t.raw)) {
      return false;
    }
    t.bytes = std::move(bytes);
    return true;
  }

  // Opens a tree not seen before; !ok when seen or unreadable (the error is recorded).
  OpenTree open_tree(const git_oid& tree_id, const std::string& prefix, int commit) {
    OpenTree t;
    if (!seen_trees.insert(tree_id)) return t;
    if (store) {
      auto it = store->objs.find(tree_id);
      if (it != store->objs.end() && it->second.first == GIT_OBJECT_TREE && parse_canonical_tree(it->second.second, t.raw)) {
        plan.trees_visited++;
        t.ok = true;
        return t;
      }
    }
    if (cached_tree(tree_id, t)) {
      plan.trees_visited++;
      t.ok = true;
      return t;
    }
    if (lookup(reinterpret_cast<git_object**>(&t.tree), tree_id, GIT_OBJECT_TREE) != 0) {
      std::string where = prefix.empty() ? "" : " (" + prefix.substr(0, prefix.size() - 1) + ")";
      plan.errors.push_back(git_error_text("tree " + oid_hex(tree_id) + where + " in commit " +
                                           (commit >= 0 ? plan.commits[commit].id.substr(0, 12) : "already scanned")));
      t.tree = nullptr;
      return t;
    }
    plan.trees_visited++;
    t.ok = true;
    return t;
  }

  // Marks what the known snapshots hold in the folder `prefix` seen (its files, and its folders
  // for later), before a new commit's tree there is walked.
  void expand_boundary(const std::string& prefix) {
    if (boundary_dirs.empty()) return;
    auto it = boundary_dirs.find(prefix);
    if (it == boundary_dirs.end()) return;
    std::vector<git_oid> trees = std::move(it->second);
    boundary_dirs.erase(it);
    for (auto& id : trees) {
      OpenTree t;
      if (store) {
        auto so = store->objs.find(id);
        if (so != store->objs.end() && so->second.first == GIT_OBJECT_TREE) t.ok = parse_canonical_tree(so->second.second, t.raw);
      }
      if (!t.ok) t.ok = cached_tree(id, t);
      if (!t.ok) {
        if (lookup(reinterpret_cast<git_object**>(&t.tree), id, GIT_OBJECT_TREE) != 0) {
          std::string where = prefix.empty() ? "" : " (" + prefix.substr(0, prefix.size() - 1) + ")";
          plan.errors.push_back(git_error_text("tree " + oid_hex(id) + where + " in commit already scanned"));
          continue;
        }
        t.ok = true;
      }
      plan.trees_visited++;
      for (size_t i = 0; i < t.count(); ++i) {
        git_filemode_t mode;
        std::string_view name;
        git_oid eid;
        if (t.tree) {
          const git_tree_entry* e = git_tree_entry_byindex(t.tree, i);
          mode = git_tree_entry_filemode(e);
          name = git_tree_entry_name(e);
          eid = *git_tree_entry_id(e);
        } else {
          mode = t.raw[i].mode;
          name = t.raw[i].name;
          std::memcpy(eid.id, t.raw[i].id, GIT_OID_RAWSZ);
        }
        std::string path = prefix;
        path.append(name);
        if (mode == GIT_FILEMODE_TREE) {
          seen_trees.insert(eid);
          auto& later = boundary_dirs[path + "/"];
          if (std::find_if(later.begin(), later.end(), [&](const git_oid& x) { return git_oid_equal(&x, &eid); }) ==
              later.end())
            later.push_back(eid);
        } else if (mode == GIT_FILEMODE_COMMIT) {
          submodules.insert(path);
        } else if (is_blob_mode(mode) && (!o.exclude_path || !o.exclude_path(path))) {
          seen_blobs.insert(eid);
        }
      }
      if (t.tree) git_tree_free(t.tree);
    }
  }

  // Depth-first, entries in tree order (the first path a blob is met at is the one reported).
  // An explicit stack: a 10,000-level deep tree must not overflow the call stack.
  // A folder a known snapshot holds too is compared with it first (expand_boundary).
  void walk_tree(const git_oid& tree_id, const std::string& prefix, int commit) {
    struct Frame {
      OpenTree t;
      size_t next;
      std::string prefix;
    };
    std::vector<Frame> stack;
    if (!boundary_dirs.empty() && !seen_trees.contains(tree_id)) expand_boundary(prefix);
    if (OpenTree root = open_tree(tree_id, prefix, commit); root.ok) stack.push_back({std::move(root), 0, prefix});
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next >= f.t.count()) {
        if (f.t.tree) git_tree_free(f.t.tree);
        stack.pop_back();
        continue;
      }
      git_filemode_t mode;
      std::string_view name;
      git_oid id;
      if (f.t.tree) {
        const git_tree_entry* e = git_tree_entry_byindex(f.t.tree, f.next++);
        mode = git_tree_entry_filemode(e);
        name = git_tree_entry_name(e);
        id = *git_tree_entry_id(e);
      } else {
        const RawEntry& e = f.t.raw[f.next++];
        mode = e.mode;
        name = e.name;
        std::memcpy(id.id, e.id, GIT_OID_RAWSZ);
      }
      if (mode == GIT_FILEMODE_TREE) {
        std::string sub_prefix = f.prefix;
        sub_prefix.append(name).push_back('/');
        if (!boundary_dirs.empty() && !seen_trees.contains(id)) expand_boundary(sub_prefix);
        if (OpenTree sub = open_tree(id, sub_prefix, commit); sub.ok)
          stack.push_back({std::move(sub), 0, std::move(sub_prefix)});  // invalidates f: nothing uses it after this
      } else if (mode == GIT_FILEMODE_COMMIT) {
        submodules.insert(f.prefix + std::string(name));
      } else if (is_blob_mode(mode)) {
        // Without path exclusions a blob seen before needs no path at all.
        if (!o.exclude_path && !seen_blobs.insert(id)) continue;
        std::string path = f.prefix;
        path.append(name);
        add_blob(id, path, commit, !!o.exclude_path, nullptr);
      }
    }
  }

  // Blobs a diff adds or changes; only their added lines will count. `other_parents` are a
  // merge's trees beyond the first parent's (the diff's old side): a blob that one of them
  // already holds at that path is not the merge's change.
  void add_diff(git_diff* diff, int commit, bool dedup, const std::vector<git_tree*>& other_parents = {}) {
    git_diff_find_options fo = GIT_DIFF_FIND_OPTIONS_INIT;
    fo.flags = GIT_DIFF_FIND_RENAMES;
    if (git_diff_find_similar(diff, &fo) != 0)
      plan.errors.push_back(git_error_text("rename detection"));
    size_t n = git_diff_num_deltas(diff);
    static const git_oid zero{};
    for (size_t i = 0; i < n; ++i) {
      const git_diff_delta* d = git_diff_get_delta(diff, i);
      switch (d->status) {
        case GIT_DELTA_ADDED:
        case GIT_DELTA_MODIFIED:
        case GIT_DELTA_RENAMED:
        case GIT_DELTA_COPIED:
        case GIT_DELTA_TYPECHANGE:
          break;
        case GIT_DELTA_CONFLICTED:
          plan.skipped[SkipReason::Conflicted]++;
          continue;
        default:
          continue;
      }
      git_filemode_t nm = static_cast<git_filemode_t>(d->new_file.mode);
      if (nm == GIT_FILEMODE_COMMIT) {
        submodules.insert(d->new_file.path);
        continue;
      }
      if (!is_blob_mode(nm)) continue;
      bool had_old = d->status != GIT_DELTA_ADDED &&
                     is_blob_mode(static_cast<git_filemode_t>(d->old_file.mode)) &&
                     !oid_is_zero(d->old_file.id);
      std::vector<git_oid> others;
      bool from_a_parent = false;
      for (git_tree* t : other_parents) {
        git_oid in_parent{};
        git_tree_entry* e = nullptr;
        if (t && git_tree_entry_bypath(&e, t, d->new_file.path) == 0) {
          if (is_blob_mode(git_tree_entry_filemode(e))) in_parent = *git_tree_entry_id(e);
          git_tree_entry_free(e);
        }
        if (git_oid_equal(&in_parent, &d->new_file.id)) from_a_parent = true;
        others.push_back(in_parent);
      }
      if (from_a_parent) continue;
      add_blob(d->new_file.id, d->new_file.path, commit, dedup, had_old ? &d->old_file.id : &zero, std::move(others));
    }
  }

  git_tree* tree_of(const git_oid& tree_id, const std::string& commit_hex) {
    git_tree* t = nullptr;
    if (git_tree_lookup(&t, repo.get(), &tree_id) != 0) {
      plan.errors.push_back(git_error_text("tree " + oid_hex(tree_id) + " in commit " + commit_hex.substr(0, 12)));
      return nullptr;
    }
    return t;
  }

  // The short branch name `rev` stands for ("feature" for HEAD on refs/heads/feature, or for
  // origin/feature); "" for a commit id or a detached HEAD.
  std::string branch_of(const std::string& rev) {
    git_reference* ref = nullptr;
    if (git_reference_dwim(&ref, repo.get(), rev.c_str()) != 0) return "";
    std::string name = git_reference_name(ref);
    if (git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC) name = git_reference_symbolic_target(ref);
    git_reference_free(ref);
    if (name.rfind("refs/heads/", 0) == 0) return name.substr(11);
    if (name.rfind("refs/remotes/", 0) == 0 && name.find('/', 13) != std::string::npos)
      return name.substr(name.find('/', 13) + 1);
    return "";
  }

  // The tips of every ref except the branch being pushed (its local and remote-tracking refs;
  // for a commit id or detached HEAD, the refs that point at `to` itself).
  std::vector<git_oid> other_tips(const std::string& to_rev, const git_oid& to) {
    std::string branch = branch_of(to_rev);
    std::vector<git_oid> tips;
    git_reference_iterator* it = nullptr;
    if (git_reference_iterator_new(&it, repo.get()) != 0) throw GitError(git_error_text("cannot list references"));
    git_reference* ref = nullptr;
    while (git_reference_next(&ref, it) == 0) {
      std::string name = git_reference_name(ref);
      bool own = !branch.empty() && (name == "refs/heads/" + branch ||
                                     (name.rfind("refs/remotes/", 0) == 0 && name.size() > branch.size() + 1 &&
                                      name.compare(name.size() - branch.size() - 1, std::string::npos, "/" + branch) == 0));
      git_object* obj = nullptr;
      if (!own && git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) == 0) {
        if (!branch.empty() || !git_oid_equal(git_object_id(obj), &to)) tips.push_back(*git_object_id(obj));
        git_object_free(obj);
      }
      git_reference_free(ref);
    }
    git_reference_iterator_free(it);
    return tips;
  }

  void plan_range() {
    OidSet stop;
    std::string to_rev = o.range_to.empty() ? "HEAD" : o.range_to;
    git_oid to = resolve_commit(to_rev);
    std::optional<int64_t> since_time;
    std::string from_rev = o.range_from;
    if (!o.since.empty()) {
      git_object* obj = nullptr;
      int64_t t = 0;
      if (git_revparse_single(&obj, repo.get(), o.since.c_str()) == 0) {
        git_object_free(obj);
        from_rev = o.since;
      } else if (parse_since_date(o.since, static_cast<int64_t>(std::time(nullptr)), &t)) {
        since_time = t;
      } else {
        throw GitError("--since " + o.since + ": neither a revision nor a date (2024-01-01, \"2 weeks ago\")");
      }
    }
    if (is_zero_revision(from_rev)) {
      for (auto& n : collect(other_tips(to_rev, to), {})) stop.insert(n.id);
    } else if (!from_rev.empty()) {
      git_oid from = resolve_commit(from_rev);
      for (auto& n : collect({from}, {})) stop.insert(n.id);
    }
    auto nodes = topo_order(collect({to}, stop));
    if (since_time)
      nodes.erase(std::remove_if(nodes.begin(), nodes.end(), [&](const Node& n) { return n.time < *since_time; }),
                  nodes.end());
    for (auto& n : nodes) {
      int ci = static_cast<int>(plan.commits.size());
      plan.commits.push_back(n.info);
      git_tree* new_tree = tree_of(n.tree, n.info.id);
      if (!new_tree) continue;
      git_tree* old_tree = nullptr;
      if (!n.parents.empty()) {
        git_commit* p = nullptr;
        if (git_commit_lookup(&p, repo.get(), &n.parents[0]) == 0) {
          old_tree = tree_of(*git_commit_tree_id(p), oid_hex(n.parents[0]));
          git_commit_free(p);
        } else if (!shallow_roots.count(n.id)) {
          plan.errors.push_back(git_error_text("commit " + oid_hex(n.parents[0])));
        }
      }
      std::vector<git_tree*> other_parents;
      for (size_t i = 1; i < n.parents.size(); ++i) {
        git_commit* p = nullptr;
        git_tree* t = nullptr;
        if (git_commit_lookup(&p, repo.get(), &n.parents[i]) == 0) {
          t = tree_of(*git_commit_tree_id(p), oid_hex(n.parents[i]));
          git_commit_free(p);
        } else {
          plan.errors.push_back(git_error_text("commit " + oid_hex(n.parents[i])));
        }
        other_parents.push_back(t);
      }
      git_diff_options dopt = GIT_DIFF_OPTIONS_INIT;
      git_diff* diff = nullptr;
      if (git_diff_tree_to_tree(&diff, repo.get(), old_tree, new_tree, &dopt) == 0) {
        add_diff(diff, ci, true, other_parents);
        git_diff_free(diff);
      } else {
        plan.errors.push_back(git_error_text("diff of commit " + n.info.id.substr(0, 12)));
      }
      for (git_tree* t : other_parents) git_tree_free(t);
      git_tree_free(old_tree);
      git_tree_free(new_tree);
    }
  }

  void plan_staged() {
    if (repo.bare()) throw GitError("--staged: a bare repository has no index");
    git_tree* head_tree = nullptr;
    if (git_repository_head_unborn(repo.get()) != 1) {
      git_object* obj = nullptr;
      if (git_revparse_single(&obj, repo.get(), "HEAD^{tree}") != 0)
        throw GitError(git_error_text("HEAD"));
      head_tree = reinterpret_cast<git_tree*>(obj);
    }
    if (head_tree && staged_fast_enabled()) {
      StagedDiff sd = staged_diff_fast(repo.get(), head_tree, staged_index_path(repo.git_dir()));
      plan.how = sd.how;
      if (sd.diff) {
        git_tree_free(head_tree);
        add_diff(sd.diff, -1, false);
        git_diff_free(sd.diff);
        return;
      }
    } else {
      plan.how = head_tree ? "staged diff: libgit2's index (KEYHOUND_GIT_STAGED_FAST=0)"
                           : "staged diff: libgit2's index (no commit yet)";
    }
    git_index* index = nullptr;
    // libgit2's repository index ignores GIT_INDEX_FILE: the temporary index of `git commit -a`
    // or `git commit PATHS` is opened by path.
    const char* env_index = std::getenv("GIT_INDEX_FILE");
    int irc = env_index && *env_index ? git_index_open(&index, env_index) : git_repository_index(&index, repo.get());
    if (irc != 0) {
      git_tree_free(head_tree);
      throw GitError(git_error_text("index"));
    }
    git_diff_options dopt = GIT_DIFF_OPTIONS_INIT;
    git_diff* diff = nullptr;
    int rc = git_diff_tree_to_index(&diff, repo.get(), head_tree, index, &dopt);
    git_index_free(index);
    git_tree_free(head_tree);
    if (rc != 0) throw GitError(git_error_text("diff of the index against HEAD"));
    add_diff(diff, -1, false);
    git_diff_free(diff);
  }

  void plan_head_tree() {
    git_oid head;
    if (git_reference_name_to_id(&head, repo.get(), "HEAD") != 0)
      throw GitError(git_error_text("HEAD"));
    auto nodes = collect({head}, {});
    if (nodes.empty()) return;  // the error is in plan.errors
    plan.commits.push_back(nodes[0].info);
    walk_tree(nodes[0].tree, "", 0);
  }

  std::vector<git_oid> history_tips;  // plan_history(): the commits it started from

  // The trees of the snapshots of `history_tips`, from the objects read ahead, into the tree
  // cache: at most kWarmBytes, folders nearer the top first.
  void warm_tree_cache() {
    constexpr size_t kWarmBytes = 8u << 20;
    if (!store) return;
    size_t bytes = 0;
    std::vector<git_oid> queue;
    FlatOidSet queued;
    for (auto& c : history_tips) {
      git_commit* commit = nullptr;  // a tip is often loose, not among the objects read ahead
      if (lookup(reinterpret_cast<git_object**>(&commit), c, GIT_OBJECT_COMMIT) != 0) continue;
      git_oid tree = *git_commit_tree_id(commit);
      git_commit_free(commit);
      if (queued.insert(tree)) queue.push_back(tree);
    }
    for (size_t i = 0; i < queue.size() && bytes < kWarmBytes; ++i) {
      OpenTree t;
      if (tree_cache().find(queue[i])) {
        if (!cached_tree(queue[i], t)) continue;
      } else {
        auto it = store->objs.find(queue[i]);
        if (it != store->objs.end() && it->second.first == GIT_OBJECT_TREE) {
          auto raw = std::make_shared<const std::string>(it->second.second);
          if (!parse_canonical_tree(*raw, t.raw)) continue;
          tree_cache().add(queue[i], raw);
          t.bytes = std::move(raw);
        } else if (!cached_tree(queue[i], t)) {  // loose: read (and kept) through libgit2
          continue;
        }
      }
      bytes += t.bytes->size();
      for (auto& e : t.raw) {
        if (e.mode != GIT_FILEMODE_TREE) continue;
        git_oid sub;
        std::memcpy(sub.id, e.id, GIT_OID_RAWSZ);
        if (queued.insert(sub)) queue.push_back(sub);
      }
    }
  }

  void plan_history() {
    std::vector<git_oid> tips;
    if (o.branches.empty()) tips = all_tips();
    else
      for (auto& b : o.branches) tips.push_back(resolve_commit(b));
    history_tips = tips;
    hide_known = !!o.known_commit;
    auto nodes = collect(tips, {});
    hide_known = false;
    if (over_limit) return;  // the caller plans again with the pack reader
    nodes = topo_order(std::move(nodes));
    // What known commits hold is seen (read lazily: expand_boundary): a new commit on top of
    // them plans only its changes.
    for (auto& k : plan.known_boundary) {
      git_commit* c = nullptr;
      if (lookup(reinterpret_cast<git_object**>(&c), k, GIT_OBJECT_COMMIT) != 0) {
        plan.errors.push_back(git_error_text("commit " + oid_hex(k)));
        continue;
      }
      git_oid tree = *git_commit_tree_id(c);
      git_commit_free(c);
      if (seen_trees.insert(tree)) boundary_dirs[""].push_back(tree);
    }
    plan.commits.reserve(nodes.size());
    for (auto& n : nodes) {
      plan.commits.push_back(n.info);
      walk_tree(n.tree, "", static_cast<int>(plan.commits.size() - 1));
    }
  }

  GitPlan run() {
    load_shallow();
    switch (o.mode) {
      case GitPlanOptions::Mode::History: plan_history(); break;
      case GitPlanOptions::Mode::Range: plan_range(); break;
      case GitPlanOptions::Mode::Staged: plan_staged(); break;
      case GitPlanOptions::Mode::HeadTree: plan_head_tree(); break;
    }
    if (repo.shallow()) plan.notes["shallow"] = "true";
    if (!submodules.empty()) plan.notes["submodules skipped"] = std::to_string(submodules.size());
    return std::move(plan);
  }
};

}  // namespace

GitPlan plan_git_scan(GitRepo& repo, const GitPlanOptions& o) {
  // libgit2 1.5 must never read a loose object whose header lies about its size (heap overflow
  // in git_odb_read). Audits check every loose object first: a lying blob is left out and
  // named; a lying tree, commit or tag would be read by the walk itself, so the scan stops with
  // an error naming it. The pre-commit path checks only the blobs it reads (read_blob), to stay
  // fast in repositories with many loose objects.
  std::vector<BadLooseObject> bad;
  std::vector<LooseObject> loose;
  if (o.mode == GitPlanOptions::Mode::History || o.mode == GitPlanOptions::Mode::Range)
    bad = find_bad_loose_objects(repo.git_dir(), loose, 64u << 20);
  std::set<std::string> bad_blobs;
  for (auto& b : bad)
    if (b.type != "blob")
      throw GitError("corrupt object " + b.oid + " (" + (b.type.empty() ? "unknown type" : b.type) + "): " +
                     b.problem + "; refusing to read it");
  for (auto& b : bad) bad_blobs.insert(b.oid);
  if (!loose.empty()) install_loose_store(repo, loose);
  std::shared_ptr<const PackSet> packs;
  std::vector<std::string> pack_errors;
  ObjectStore* store = nullptr;
  const bool pack_reader = o.mode == GitPlanOptions::Mode::History && pack_reader_enabled();
  // An audit of a repository whose history is mostly known (a fork, a re-audit) plans a few
  // commits: libgit2 reads them faster than the pack reader reads every tree of the packs. Such
  // a plan is tried first, and given up for the pack reader past 500 new commits.
  std::optional<GitPlan> few;
  if (pack_reader && o.known_commit && !o.packs) {
    Planner p(repo, o);
    p.collect_limit = 500;
    GitPlan tried = p.run();
    if (!p.over_limit) few = std::move(tried);
  }
  if (pack_reader && !few) {
    if (o.packs) {
      packs = o.packs;
      pack_errors = packs->open_errors();
    } else {
      packs = PackSet::open_dir(repo.git_dir(), pack_errors);
    }
    if (packs->pack_count()) store = install_pack_store(repo, *packs, o.threads, pack_errors);
  }
  GitPlan plan;
  if (few) {
    plan = std::move(*few);
  } else {
    Planner p(repo, o);
    p.store = store;
    plan = p.run();
    if (o.warm_tree_cache && o.mode == GitPlanOptions::Mode::History) p.warm_tree_cache();
  }
  if (store) {
    store->objs = {};  // the planner was its only reader; the backend answers "not found" now
  }
  if (!pack_errors.empty()) plan.errors.insert(plan.errors.begin(), pack_errors.begin(), pack_errors.end());
  if (packs && packs->pack_count()) plan.packs = packs;
  if (!bad_blobs.empty()) {
    std::vector<GitBlobTask> kept;
    for (auto& t : plan.blobs) {
      std::string id = oid_hex(t.blob);
      if (!bad_blobs.count(id) && !oid_is_zero(t.old_blob) && bad_blobs.count(oid_hex(t.old_blob))) id = oid_hex(t.old_blob);
      if (bad_blobs.count(id)) {
        plan.errors.push_back("corrupt object " + id + " (blob): " +
                              std::find_if(bad.begin(), bad.end(), [&](const BadLooseObject& b) { return b.oid == id; })->problem +
                              "; not read");
        plan.skipped[SkipReason::CorruptObject]++;
      } else {
        kept.push_back(std::move(t));
      }
    }
    plan.blobs.swap(kept);
  }
  return plan;
}

bool is_zero_revision(const std::string& rev) {
  return (rev.size() == 40 || rev.size() == 64) && rev.find_first_not_of('0') == std::string::npos;
}

bool parse_since_date(const std::string& text, int64_t now, int64_t* out) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char tail = 0;
  int n = std::sscanf(text.c_str(), "%4d-%2d-%2d%*[ T]%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &tail);
  if (n >= 3 && n != 7 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h < 24 && mi < 60 && sec < 61) {
    if (n == 3 && text.size() != 10) return false;
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    *out = static_cast<int64_t>(timegm(&tm));
    return true;
  }
  long long count = 0;
  char unit[16] = {0}, ago[8] = {0};
  if (std::sscanf(text.c_str(), "%lld %15[a-z] %7[a-z]%c", &count, unit, ago, &tail) != 3 || count < 0 ||
      std::string(ago) != "ago")
    return false;
  std::string u = unit;
  if (u.size() > 1 && u.back() == 's') u.pop_back();
  static const std::pair<const char*, int64_t> units[] = {{"second", 1},       {"minute", 60},
                                                          {"hour", 3600},      {"day", 86400},
                                                          {"week", 7 * 86400}, {"month", 30 * 86400},
                                                          {"year", 365 * 86400}};
  for (auto& [name, secs] : units)
    if (u == name) {
      *out = now - count * secs;
      return true;
    }
  return false;
}

std::pair<std::string, std::string> parse_range(const std::string& spec) {
  auto pos = spec.find("..");
  if (pos == std::string::npos) {
    if (spec.empty()) throw GitError("--range: empty range");
    return {"", spec};
  }
  if (spec.find("...") != std::string::npos) throw GitError("--range " + spec + ": use A..B (three dots are not supported)");
  std::string a = spec.substr(0, pos), b = spec.substr(pos + 2);
  if (a.empty()) throw GitError("--range " + spec + ": missing the start revision (A..B)");
  if (b.empty()) b = "HEAD";
  return {a, b};
}

}  // namespace keyhound
