// The fast staged diff (src/sources/git_staged.*, src/sources/git_index.*) against libgit2's
// full diff of its own index: the same plan on random staged changes of every kind (adds,
// edits, deletes, renames, mode changes, type changes, new and removed folders, symlinks,
// submodules, `git add -N`, merge conflicts), on index versions 2-4, with the cache-tree
// valid, partly valid or absent; and the index reader against git's own view of the file.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>

#include "sources/git_index.h"
#include "sources/git_staged.h"
#include "sources/git_source.h"
#include "e2e_util.h"

using namespace keyhound;

namespace {
std::string tmpdir() {
  return e2e::make_temp_dir();
}
const char* kGitEnv =
    "GIT_CONFIG_NOSYSTEM=1 HOME=/nonexistent GIT_AUTHOR_NAME=A GIT_AUTHOR_EMAIL=a@x GIT_COMMITTER_NAME=A "
    "GIT_COMMITTER_EMAIL=a@x GIT_AUTHOR_DATE='1600000000 +0000' GIT_COMMITTER_DATE='1600000000 +0000' ";
// Runs a shell script in `dir` (each line may fail: random operations meet missing paths).
void script(const std::string& dir, const std::string& body) {
  std::string path = dir + "/../" + std::filesystem::path(dir).filename().string() + ".sh";
  std::ofstream(path) << "cd '" << dir << "' || exit 1\n" << body;
  std::string cmd = std::string(kGitEnv) + "sh " + path + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << body;
  std::filesystem::remove(path);
}
void write_text(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }
std::string out(const std::string& dir, const std::string& cmd) {
  std::string full = std::string(kGitEnv) + "cd '" + dir + "' && " + cmd;
  FILE* p = popen(full.c_str(), "r");
  std::string s;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) s.append(buf, n);
  pclose(p);
  return s;
}

GitPlan plan_staged(const std::string& dir, bool fast) {
  setenv("KEYHOUND_GIT_STAGED_FAST", fast ? "1" : "0", 1);
  GitRepo repo = GitRepo::open(dir);
  GitPlanOptions o;
  o.mode = GitPlanOptions::Mode::Staged;
  GitPlan p = plan_git_scan(repo, o);
  unsetenv("KEYHOUND_GIT_STAGED_FAST");
  return p;
}

std::string describe(const GitPlan& p) {
  std::ostringstream os;
  for (auto& b : p.blobs) {
    os << b.path << " " << oid_hex(b.blob) << " added_only=" << b.added_lines_only << " old=" << oid_hex(b.old_blob)
       << " commit=" << b.commit << "\n";
  }
  for (auto& [k, v] : p.skipped) os << "skipped " << static_cast<int>(k) << "=" << v << "\n";
  for (auto& [k, v] : p.notes) os << "note " << k << "=" << v << "\n";
  for (auto& e : p.errors) os << "error " << e << "\n";
  return os.str();
}

// The plan, or the error that stopped it.
std::string plan_or_error(const std::string& dir, bool fast) {
  try {
    return describe(plan_staged(dir, fast));
  } catch (const GitError& e) {
    return std::string("error: ") + e.what();
  }
}

// The plan made without libgit2 (src/sources/git_staged.h), or nullopt where it declines.
std::optional<GitPlan> plan_own(const std::string& dir, std::string* why = nullptr) {
  std::optional<PlainRepo> r = find_plain_repo(dir, why);
  if (!r) return std::nullopt;
  GitPlanOptions o;
  o.mode = GitPlanOptions::Mode::Staged;
  return plan_staged_own(*r, o, why);
}

int own_plans = 0;  // how many expect_same_plan calls the own way took

void expect_same_plan(const std::string& dir, const std::string& what) {
  GitPlan fast = plan_staged(dir, true);
  GitPlan full = plan_staged(dir, false);
  EXPECT_EQ(describe(fast), describe(full)) << what << "\nindex:\n"
                                            << out(dir, "git ls-files -s --debug | head -80") << "\nfast: " << fast.how;
  std::string why;
  if (std::optional<GitPlan> own = plan_own(dir, &why)) {
    own_plans++;
    EXPECT_EQ(describe(*own), describe(full)) << what << " (without libgit2)\nindex:\n"
                                              << out(dir, "git ls-files -s --debug | head -80") << "\n" << own->how;
  }
}

// Text of a few lines; `tag` makes it unique.
std::string text(std::mt19937& rng, const std::string& tag) {
  std::string s;
  int n = 2 + static_cast<int>(rng() % 6);
  for (int i = 0; i < n; ++i) s += "line " + std::to_string(rng() % 50) + " " + tag + "\\n";
  return s;
}

// A repository whose paths sort in the ways that trip path walkers: "a" next to "a.txt",
// "a-b/" and "a/"; folders several levels deep; an executable and a symlink.
std::string make_base_repo() {
  std::string d = tmpdir();
  script(d,
         "git init -q -b main . || exit 1\n"
         "mkdir -p a-b b/c dir/sub m deep/x/y/z\n"
         "printf 'one\\ntwo\\n' > a\nprintf 'txt\\n' > a.txt\nprintf 'x\\n' > a-b/x\n"
         "printf 'd\\n' > b/c/d.txt\nprintf 'e\\n' > b/c/e.txt\nprintf 'f\\n' > b/f.txt\n"
         "printf 'k\\n' > dir/sub/k.txt\nprintf '#!/bin/sh\\n' > z.sh && chmod +x z.sh\n"
         "printf 'deep\\n' > deep/x/y/z/w.txt\nln -s a.txt link\n"
         "for i in 0 1 2 3 4 5 6 7 8 9; do printf \"n$i\\n\" > m/n$i.txt; done\n"
         "git add -A && git commit -q -m base || exit 1\n");
  return d;
}
// A fresh copy of that repository (made once: git init costs ~0.1 s here).
std::string base_repo() {
  static const std::string base = make_base_repo();
  std::string d = tmpdir();
  std::filesystem::copy(base, d, std::filesystem::copy_options::recursive | std::filesystem::copy_options::copy_symlinks);
  return d;
}

const char* kPool[] = {"a", "a.txt", "a-b/x", "b/c/d.txt", "b/c/e.txt", "b/f.txt", "dir/sub/k.txt", "z.sh",
                       "link", "m/n1.txt", "m/n5.txt", "deep/x/y/z/w.txt", "new/one.txt", "a/inner.txt",
                       "b/c", "m", "dir", "sub1", "x.txt"};
const char* kDirs[] = {"b", "b/c", "m", "dir", "deep/x", "a-b"};

// One random staged operation as shell lines.
std::string random_op(std::mt19937& rng, int step) {
  auto pick = [&](auto& arr) { return std::string(arr[rng() % (sizeof arr / sizeof arr[0])]); };
  std::string p = pick(kPool), q = pick(kPool), tag = "s" + std::to_string(step);
  std::string n = (rng() % 2 ? "new" + std::to_string(rng() % 3) + "/" : "") + "f" + std::to_string(rng() % 5) + ".txt";
  std::string parent_n = n.find('/') == std::string::npos ? "." : n.substr(0, n.find('/'));
  switch (rng() % 17) {
    case 0:
    case 1:  // edit
      return "printf '" + text(rng, tag) + "' >> '" + p + "' && git add '" + p + "'\n";
    case 2:  // new file, maybe in a new folder
      return "mkdir -p " + parent_n + " && printf '" + text(rng, tag) + "' > " + n + " && git add " + n + "\n";
    case 3:  // delete (index only, or both)
      return rng() % 2 ? "git rm -q --cached '" + p + "'\n" : "git rm -q -f '" + p + "'\n";
    case 4:  // rename
      return "mkdir -p " + parent_n + " && git mv -f '" + p + "' " + n + "\n";
    case 5:  // rename with an edit
      return "mkdir -p " + parent_n + " && git mv -f '" + p + "' " + n + " && printf '" + text(rng, tag) + "' >> " +
             n + " && git add " + n + "\n";
    case 6:  // mode change
      return std::string("git update-index --chmod=") + (rng() % 2 ? "+x" : "-x") + " '" + p + "'\n";
    case 7:  // a new folder of files
      return "mkdir -p nd" + tag + "/in && printf '" + text(rng, tag) + "' > nd" + tag + "/in/a && printf '" +
             text(rng, tag + "b") + "' > nd" + tag + "/b && git add nd" + tag + "\n";
    case 8:  // a whole folder removed
      return "git rm -r -q --cached '" + pick(kDirs) + "'\n";
    case 9:  // file becomes a folder
      return "git rm -q --cached '" + p + "' && rm -rf '" + p + "' && mkdir -p '" + p + "' && printf '" +
             text(rng, tag) + "' > '" + p + "/inner' && git add '" + p + "/inner'\n";
    case 10: {  // folder becomes a file
      std::string dd = pick(kDirs);
      return "git rm -r -q --cached '" + dd + "' && rm -rf '" + dd + "' && printf '" + text(rng, tag) + "' > '" + dd +
             "' && git add '" + dd + "'\n";
    }
    case 11:  // symlink
      return "mkdir -p " + parent_n + " && ln -sfn target" + tag + " " + n + " && git add " + n + "\n";
    case 12:  // submodule (a gitlink), added or moved to another commit
      return "git update-index --add --cacheinfo 160000,$(git rev-parse HEAD),sm/" + std::to_string(rng() % 2) +
             "\n";
    case 13:  // intent to add
      return "mkdir -p " + parent_n + " && printf '" + text(rng, tag) + "' > " + n + " && git add -N " + n + "\n";
    case 14:  // git write-tree: the cache-tree becomes valid, and differs from HEAD
      return "git write-tree >/dev/null\n";
    case 15:  // another index version (3 appears by itself with -N entries)
      return "git update-index --index-version " + std::to_string(2 + rng() % 3) + "\n";
    default:  // commit what is staged so far (HEAD moves, cache-tree valid)
      return rng() % 3 ? "git commit -q -m " + tag + "\n" : "git read-tree HEAD\n";
  }
}
}  // namespace

TEST(GitIndexFile, ReadsEntriesAndCacheTreeOfEveryVersion) {
  std::string d = base_repo();
  for (int v : {2, 3, 4}) {
    script(d, "git update-index --index-version " + std::to_string(v) +
                  " && printf 'n\\n' > newfile && git add -N newfile\n");
    std::string why;
    auto idx = GitIndexFile::read(d + "/.git/index", &why);
    ASSERT_TRUE(idx) << why;
    EXPECT_EQ(idx->version(), v == 2 ? 3 : v);  // -N needs extended flags: git moves 2 to 3
    // Each entry as `git ls-files -s` prints it.
    std::ostringstream mine;
    for (auto& e : idx->entries()) {
      char oct[16];
      std::snprintf(oct, sizeof oct, "%06o", e.mode);
      git_oid id;
      std::memcpy(id.id, e.oid, 20);
      mine << oct << " " << oid_hex(id) << " " << int(e.stage) << "\t" << e.path << "\n";
    }
    EXPECT_EQ(mine.str(), out(d, "git ls-files -s")) << "version " << v;
  }
  // After a commit the whole cache-tree is valid and its root is HEAD's tree.
  script(d, "git rm -q --cached newfile; git commit -q -m again; true\n");
  auto idx = GitIndexFile::read(d + "/.git/index");
  ASSERT_TRUE(idx && idx->cache_tree());
  ASSERT_TRUE(idx->cache_tree()->valid);
  git_oid root;
  std::memcpy(root.id, idx->cache_tree()->oid, 20);
  EXPECT_EQ(oid_hex(root) + "\n", out(d, "git rev-parse 'HEAD^{tree}'"));
  EXPECT_EQ(idx->cache_tree()->entry_count, static_cast<int>(idx->entries().size()));
  // A git add invalidates the folders on the path to the file only.
  script(d, "printf 'more\\n' >> b/c/d.txt && git add b/c/d.txt\n");
  idx = GitIndexFile::read(d + "/.git/index");
  ASSERT_TRUE(idx && idx->cache_tree());
  EXPECT_FALSE(idx->cache_tree()->valid);
  const CacheTreeNode& b = *idx->cache_tree()->children.at("b");
  EXPECT_FALSE(b.valid);
  EXPECT_FALSE(b.children.at("c")->valid);
  EXPECT_TRUE(idx->cache_tree()->children.at("m")->valid);
}

TEST(GitIndexFile, DeclinesWhatItDoesNotTakeOn) {
  std::string d = base_repo();
  std::string why;
  EXPECT_FALSE(GitIndexFile::read(d + "/.git/no-such-index", &why));
  // A split index keeps entries in another file: libgit2's way is used (and gives its answer).
  script(d, "git update-index --split-index && printf 'x\\n' >> a && git add a\n");
  EXPECT_FALSE(GitIndexFile::read(d + "/.git/index", &why));
  std::string errors[2];
  for (int fast : {0, 1}) {
    try {
      plan_staged(d, fast);
    } catch (const GitError& e) {
      errors[fast] = e.what();  // libgit2 1.5 does not read split indexes either
    }
  }
  EXPECT_EQ(errors[0], errors[1]);
  // Damage: a truncated file.
  std::string e = base_repo();
  std::filesystem::resize_file(e + "/.git/index", 40);
  EXPECT_FALSE(GitIndexFile::read(e + "/.git/index", &why));
  std::ofstream(e + "/.git/index", std::ios::binary) << "DIRC\0\0\0\x09garbage-garbage-garbage-garbage-garbage";
  EXPECT_FALSE(GitIndexFile::read(e + "/.git/index", &why));
}

void random_staged_changes(unsigned first_seed, unsigned last_seed) {
  unsigned fast = 0;
  for (unsigned seed = first_seed; seed <= last_seed; ++seed) {
    std::mt19937 rng(seed);
    std::string d = base_repo();
    std::string ops;
    int n = 3 + static_cast<int>(rng() % 8);
    for (int i = 0; i < n; ++i) ops += random_op(rng, i);
    script(d, ops + "true\n");
    expect_same_plan(d, "seed " + std::to_string(seed) + ":\n" + ops);
    fast += plan_staged(d, true).how.find("index read directly") != std::string::npos;
    std::filesystem::remove_all(d);
  }
  EXPECT_EQ(fast, last_seed - first_seed + 1);  // the fast way was taken each time, not its fallback
}

TEST(GitStagedFast, SameAsTheFullDiffOnRandomStagedChanges) { random_staged_changes(1, 8); }
TEST(GitStagedFast, SameAsTheFullDiffOnMoreRandomStagedChanges) { random_staged_changes(9, 16); }

TEST(GitStagedFast, SameAsTheFullDiffDuringAMergeWithConflicts) {
  // Both branches change the same lines, delete what the other edits, and put a file where the
  // other puts a folder: the index holds stages 1-3.
  for (unsigned seed = 1; seed <= 4; ++seed) {
    std::mt19937 rng(seed * 101);
    std::string d = base_repo();
    script(d,
           "git checkout -q -b other\n"
           "printf 'theirs\\n' >> a && printf 'theirs\\n' > b/f.txt && git rm -q m/n1.txt && mkdir -p df && "
           "printf 't\\n' > df/inner && printf 'add\\n' > both.txt && git add -A && git commit -q -m other\n"
           "git checkout -q main\n"
           "printf 'ours\\n' >> a && git rm -q b/f.txt && printf 'ours\\n' >> m/n1.txt && printf 'o\\n' > df && "
           "printf 'other add\\n' > both.txt && git add -A && git commit -q -m ours\n"
           "git merge -q other; true\n");
    ASSERT_NE(out(d, "git ls-files -u"), "") << "no conflict made";
    expect_same_plan(d, "merge, seed " + std::to_string(seed));
    EXPECT_NE(plan_staged(d, true).how.find("index read directly"), std::string::npos);
    std::string ops;
    for (int i = 0; i < 4; ++i) ops += random_op(rng, i);
    script(d, ops + "true\n");
    expect_same_plan(d, "merge then:\n" + ops);
    std::filesystem::remove_all(d);
  }
}

TEST(GitStagedFast, NothingStagedAndIndexWithoutCacheTree) {
  std::string d = base_repo();
  GitPlan p = plan_staged(d, true);
  EXPECT_TRUE(p.blobs.empty());
  EXPECT_NE(p.how.find("index read directly"), std::string::npos) << p.how;
  EXPECT_NE(p.how.find("0 trees of HEAD read"), std::string::npos) << p.how;  // the cache-tree vouched
  // Without a cache-tree (removed by rewriting the index entry by entry) every tree is compared.
  script(d, "git ls-files -s > ../entries && rm .git/index && git update-index --index-info < ../entries && "
            "printf 'new\\n' > m/n9.txt && git add m/n9.txt\n");
  auto idx = GitIndexFile::read(d + "/.git/index");
  ASSERT_TRUE(idx);
  EXPECT_TRUE(!idx->cache_tree() || !idx->cache_tree()->valid);
  expect_same_plan(d, "no cache-tree");
  GitPlan q = plan_staged(d, true);
  ASSERT_EQ(q.blobs.size(), 1u);
  EXPECT_EQ(q.blobs[0].path, "m/n9.txt");
}

TEST(GitStagedFast, LinkedWorktreeSparseIndexAndLongPaths) {
  // A linked worktree keeps its own index under .git/worktrees/NAME/.
  std::string d = base_repo();
  std::string wt = d + "-wt";
  script(d, "git worktree add -q -b side '" + wt + "' || exit 1\n");
  script(wt, "printf 'wt\\n' >> b/f.txt && git add b/f.txt && git mv m/n2.txt m/moved.txt\n");
  expect_same_plan(wt, "linked worktree");
  GitPlan p = plan_staged(wt, true);
  EXPECT_NE(p.how.find("index read directly"), std::string::npos) << p.how;
  EXPECT_EQ(p.blobs.size(), 2u);
  // A path longer than 4095 bytes (the flags' length field saturates), in versions 2 and 4.
  std::string longdir = std::string(200, 'l');
  std::string longpath;
  for (int i = 0; i < 22; ++i) longpath += longdir + "/";
  // Straight into the index: the file system would refuse a path this long.
  script(d, "git update-index --add --cacheinfo 100644,$(printf 'deep\\n' | git hash-object -w --stdin),'" +
                longpath + "f.txt' || exit 1\n");
  EXPECT_EQ(plan_or_error(d, true), plan_or_error(d, false));
  EXPECT_NE(plan_or_error(d, true).find(longpath + "f.txt"), std::string::npos);
  EXPECT_NE(plan_staged(d, true).how.find("index read directly"), std::string::npos);
  // libgit2 1.5 refuses it in version 4; so does the fast way (the same error, not a new answer).
  script(d, "git update-index --index-version 4\n");
  EXPECT_EQ(plan_or_error(d, true), plan_or_error(d, false));
  EXPECT_EQ(plan_or_error(d, true).rfind("error: index", 0), 0u);
  // A sparse index stores whole folders as entries: libgit2's way (it gives its own answer).
  std::string s = base_repo();
  script(s, "git sparse-checkout init --cone --sparse-index && git sparse-checkout set b && "
            "printf 's\\n' >> b/f.txt && git add b/f.txt; true\n");
  EXPECT_EQ(plan_or_error(s, true), plan_or_error(s, false));
  std::filesystem::remove_all(wt);
  std::filesystem::remove_all(d);
  std::filesystem::remove_all(s);
}

// The own way on changes it takes on (no renames, type changes, submodules, conflicts or
// `git add -N`), with HEAD's objects loose or packed and refs loose or packed: the same plan
// as libgit2's full diff, and taken every time.
TEST(GitStagedOwn, SameAsTheFullDiffWithoutLibgit2) {
  const char* ops[] = {"printf 'more\\n' >> a && git add a", "printf 'x\\n' >> b/c/d.txt && git add b/c/d.txt",
                       "printf 'n\\n' > new.txt && git add new.txt", "mkdir -p q/r && printf 'q\\n' > q/r/s && git add q",
                       "git update-index --chmod=+x a.txt", "printf 'm\\n' >> m/n5.txt && git add m",
                       "ln -sfn elsewhere link && git add link", "printf 'z\\n' >> z.sh && git add z.sh",
                       "git write-tree >/dev/null", "git update-index --index-version 4"};
  const char* layouts[] = {"", "git repack -adq", "git gc -q", "git repack -adq && git pack-refs --all && git checkout -q --detach"};
  own_plans = 0;
  int cases = 0;
  for (unsigned seed = 1; seed <= 12; ++seed) {
    std::mt19937 rng(seed);
    std::string d = base_repo();
    std::string body = std::string(layouts[seed % 4]) + "\n";
    int n = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < n; ++i) body += std::string(ops[rng() % (sizeof ops / sizeof ops[0])]) + "\n";
    if (seed % 3 == 0) body += "git rm -q --cached m/n1.txt\n";  // deletions only: no rename to look for
    script(d, body + "true\n");
    std::string why;
    bool takes = plan_own(d, &why).has_value();
    EXPECT_TRUE(takes || body.find("git rm") != std::string::npos) << body << "\ndeclined: " << why;
    expect_same_plan(d, body);
    cases++;
    std::filesystem::remove_all(d);
  }
  EXPECT_GE(own_plans, cases - 4);
}

TEST(GitStagedOwn, DeclinesRenamesConflictsAndUnbornBranches) {
  std::string d = base_repo();
  std::string why;
  script(d, "git mv a.txt renamed.txt\n");
  EXPECT_FALSE(plan_own(d, &why));
  EXPECT_NE(why.find("deletion beside an addition"), std::string::npos) << why;
  expect_same_plan(d, "rename");
  script(d, "git reset -q --hard && git update-index --add --cacheinfo 160000,$(git rev-parse HEAD),sm\n");
  EXPECT_FALSE(plan_own(d, &why));
  EXPECT_NE(why.find("submodule"), std::string::npos) << why;
  script(d, "git rm -q --cached sm && printf 'n\\n' > n && git add -N n\n");
  EXPECT_FALSE(plan_own(d, &why));
  EXPECT_NE(why.find("add -N"), std::string::npos) << why;
  std::string e = tmpdir();
  script(e, "git init -q . && printf 'k\\n' > k && git add k\n");
  EXPECT_FALSE(plan_own(e, &why));
  EXPECT_NE(why.find("no commit yet"), std::string::npos) << why;
  // A linked worktree (.git is a file naming its folder, whose commondir names the main one):
  // taken on, with HEAD and the index of the worktree and the objects and refs of the main one.
  std::string wt = d + "-wt";
  script(d, "git reset -q --hard && git worktree add -q -b side2 '" + wt + "' && git pack-refs --all\n");
  script(wt, "printf 'wt\\n' >> b/f.txt && git add b/f.txt && printf 'n\\n' > b/new.txt && git add b/new.txt\n");
  std::optional<GitPlan> own = plan_own(wt, &why);
  ASSERT_TRUE(own) << why;
  EXPECT_EQ(own->blobs.size(), 2u);
  expect_same_plan(wt, "linked worktree");
  std::optional<PlainRepo> pr = find_plain_repo(wt + "/b", &why);
  ASSERT_TRUE(pr) << why;
  EXPECT_EQ(pr->workdir, std::filesystem::canonical(wt).string() + "/");
  EXPECT_EQ(pr->common_dir, std::filesystem::canonical(d).string() + "/.git/");
  // A submodule's .git names a folder without commondir: libgit2 opens it.
  std::string sm = wt + "/smx";
  std::filesystem::create_directories(sm);
  std::filesystem::create_directories(d + "/.git/modules/x");
  write_text(sm + "/.git", "gitdir: " + d + "/.git/modules/x\n");
  EXPECT_FALSE(find_plain_repo(sm, &why));
  EXPECT_NE(why.find("commondir"), std::string::npos) << why;
  std::filesystem::remove_all(wt);
  std::filesystem::remove_all(d);
  std::filesystem::remove_all(e);
}
