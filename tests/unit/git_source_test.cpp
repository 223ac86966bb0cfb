// The git source's building blocks: added lines, ranges, LFS pointers, the added-line filter,
// the plan's unique blob set, and the hook script kept in sync with hooks/pre-commit.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/hook_command.h"
#include "pipeline/git_scan.h"
#include "sources/git_loose_check.h"
#include "sources/git_objects.h"
#include "sources/git_source.h"
#include "sources/repo_discovery.h"
#include "e2e_util.h"

using namespace keyhound;

namespace {
std::string tmpdir() {
  return e2e::make_temp_dir();
}
void sh(const std::string& cmd) {
  std::string full = "GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=A GIT_AUTHOR_EMAIL=a@x GIT_COMMITTER_NAME=A "
                     "GIT_COMMITTER_EMAIL=a@x " + cmd + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(full.c_str()), 0) << cmd;
}
void put(const std::string& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }
}  // namespace

TEST(GitSource, AddedLines) {
  EXPECT_EQ(added_lines("a\nb\nc\n", "a\nb\nc\n"), (std::vector<uint64_t>{}));
  EXPECT_EQ(added_lines("a\nb\nc\n", "a\nX\nb\nc\nY\n"), (std::vector<uint64_t>{2, 5}));
  EXPECT_EQ(added_lines("", "a\nb\n"), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(added_lines("a\nb\n", "a\nB\n"), (std::vector<uint64_t>{2}));
  EXPECT_EQ(added_lines("a\nb", "a\nb\nc"), (std::vector<uint64_t>{2, 3}));  // no final newline
}

TEST(GitSource, FindingOnAddedLineCountsParts) {
  Finding f;
  f.line = 3;
  EXPECT_TRUE(finding_on_added_line(f, {1, 3}));
  EXPECT_FALSE(finding_on_added_line(f, {1, 4}));
  FindingPart p;
  p.line = 4;
  f.parts.push_back(p);
  EXPECT_TRUE(finding_on_added_line(f, {1, 4}));
  Finding bin;  // line 0: never "on" an added line
  EXPECT_FALSE(finding_on_added_line(bin, {0, 1}));
}

TEST(GitSource, ParseRange) {
  EXPECT_EQ(parse_range("a..b"), (std::pair<std::string, std::string>{"a", "b"}));
  EXPECT_EQ(parse_range("a.."), (std::pair<std::string, std::string>{"a", "HEAD"}));
  EXPECT_EQ(parse_range("main"), (std::pair<std::string, std::string>{"", "main"}));
  EXPECT_THROW(parse_range("..b"), GitError);
  EXPECT_THROW(parse_range("a...b"), GitError);
  EXPECT_THROW(parse_range(""), GitError);
}

TEST(GitSource, LfsPointer) {
  EXPECT_TRUE(is_lfs_pointer("version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n"));
  EXPECT_FALSE(is_lfs_pointer("version 1.2.3\n"));
  EXPECT_FALSE(is_lfs_pointer("version https://git-lfs.github.com/spec/v1\n" + std::string(2000, 'x')));
}

TEST(GitSource, PlanVisitsEachTreeAndBlobOnceAndAttributesTheFirstCommit) {
  std::string d = tmpdir();
  sh("git init -q -b main " + d);
  std::filesystem::create_directories(d + "/lib/deep");
  put(d + "/lib/deep/same.txt", "constant\n");
  put(d + "/a.txt", "0\n");
  sh("git -C " + d + " add -A && git -C " + d + " commit -q -m c0");
  for (int i = 1; i <= 10; ++i) {
    put(d + "/a.txt", std::to_string(i) + "\n");
    put(d + "/copy" + std::to_string(i % 2) + ".txt", "constant\n");  // same blob, other paths
    sh("git -C " + d + " add -A && git -C " + d + " commit -q -m c" + std::to_string(i));
  }
  GitRepo repo = GitRepo::open(d);
  GitPlan plan = plan_git_scan(repo, {});
  EXPECT_TRUE(plan.errors.empty());
  ASSERT_EQ(plan.commits.size(), 11u);
  // 11 versions of a.txt + 1 constant blob.
  EXPECT_EQ(plan.blobs.size(), 12u);
  // lib/ and lib/deep/ never change: visited once; root trees: 11 (all different).
  EXPECT_EQ(plan.trees_visited, 13u);
  for (auto& b : plan.blobs)
    if (b.path == "lib/deep/same.txt") EXPECT_EQ(b.commit, 0);
  // Parents come first.
  EXPECT_EQ(plan.blobs.front().commit, 0);
  // --no-history: HEAD's tree only.
  GitPlanOptions head;
  head.mode = GitPlanOptions::Mode::HeadTree;
  GitPlan hp = plan_git_scan(repo, head);
  EXPECT_EQ(hp.commits.size(), 1u);
  EXPECT_EQ(hp.blobs.size(), 2u);  // a.txt and the constant blob (deduplicated over 3 paths)
  std::filesystem::remove_all(d);
}

TEST(GitSource, ExcludedPathsAreSkippedAndCounted) {
  std::string d = tmpdir();
  sh("git init -q -b main " + d);
  put(d + "/keep.txt", "k\n");
  put(d + "/vendor.txt", "v\n");
  sh("git -C " + d + " add -A && git -C " + d + " commit -q -m c0");
  GitRepo repo = GitRepo::open(d);
  GitPlanOptions o;
  o.exclude_path = [](const std::string& p) { return p == "vendor.txt"; };
  GitPlan plan = plan_git_scan(repo, o);
  ASSERT_EQ(plan.blobs.size(), 1u);
  EXPECT_EQ(plan.blobs[0].path, "keep.txt");
  EXPECT_EQ(plan.skipped[SkipReason::AllowlistedPath], 1u);
  std::filesystem::remove_all(d);
}

TEST(GitSource, HookScriptMatchesTheCheckedInHook) {
  std::ifstream in(std::string(KEYHOUND_SOURCE_DIR) + "/hooks/pre-commit", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), pre_commit_hook_script("keyhound"))
      << "hooks/pre-commit and the script in src/cli/hook_command.cpp differ";
  std::string s = pre_commit_hook_script("/opt/kh/keyhound");
  EXPECT_NE(s.find("KEYHOUND=\"${KEYHOUND:-/opt/kh/keyhound}\""), std::string::npos);
  EXPECT_NE(s.find("git --staged"), std::string::npos);
  EXPECT_NE(s.find("--no-verify"), std::string::npos);
  EXPECT_NE(s.find("keyhound:allow"), std::string::npos);
}

// The loose-object check keeps what it inflated (the audit serves it to libgit2 from memory):
// every sound loose object with exactly git's type and content, within the byte budget.
TEST(GitSource, LooseCheckKeepsEachSoundObjectAsGitStoresIt) {
  std::string d = tmpdir();
  sh("git init -q " + d);
  put(d + "/a.txt", "alpha\n");
  put(d + "/b.bin", std::string("\0\x01\x02 binary", 10));
  sh("git -C " + d + " add . && git -C " + d + " commit -qm one");
  std::vector<LooseObject> keep;
  auto bad = find_bad_loose_objects(d + "/.git/", keep, 64u << 20);
  EXPECT_TRUE(bad.empty());
  ASSERT_EQ(keep.size(), 4u);  // two blobs, a tree, a commit
  for (auto& o : keep) {
    auto type = e2e::run("git -C " + d + " cat-file -t " + o.oid);
    EXPECT_EQ(type.out, o.type + "\n") << o.oid;
    auto body = e2e::run("git -C " + d + " cat-file " + o.type + " " + o.oid);
    EXPECT_EQ(body.out, o.data) << o.oid;
  }
  std::vector<LooseObject> none;
  EXPECT_TRUE(find_bad_loose_objects(d + "/.git/", none, 8).empty());
  for (auto& o : none) EXPECT_LE(o.data.size(), 8u);  // only what fits in the budget
}

// held_among's fast path: a pack's index answers for what the pack holds, and only that.
TEST(GitSource, PackIndexListsWhatThePackHolds) {
  std::string d = tmpdir();
  sh("git init -q " + d);
  put(d + "/a.txt", "packed\n");
  sh("git -C " + d + " add . && git -C " + d + " commit -qm one && git -C " + d + " gc -q");
  put(d + "/b.txt", "loose\n");
  sh("git -C " + d + " add b.txt");
  auto reader = GitObjectReader::open(d + "/.git/", nullptr);
  ASSERT_TRUE(reader);
  auto raw = [&](const std::string& rev) {
    std::string hex = e2e::run("git -C " + d + " rev-parse " + rev).out.substr(0, 40);
    std::string id(20, '\0');
    for (size_t i = 0; i < 20; ++i) id[i] = static_cast<char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
    return id;
  };
  EXPECT_TRUE(reader->in_pack_index(reinterpret_cast<const unsigned char*>(raw("HEAD").data())));
  EXPECT_TRUE(reader->in_pack_index(reinterpret_cast<const unsigned char*>(raw("HEAD:a.txt").data())));
  EXPECT_FALSE(reader->in_pack_index(reinterpret_cast<const unsigned char*>(raw(":b.txt").data())));
}

// A re-audit reads refs without libgit2: what it reads must be exactly ref_state() (else a
// repository that moved would look unchanged), or nothing at all.
TEST(GitSource, QuickRepoStateReadsWhatLibgit2Reads) {
  auto same = [](const std::string& path) {
    auto q = quick_repo_state(path);
    ASSERT_TRUE(q) << path;
    GitRepo repo = GitRepo::open(path, false);
    EXPECT_EQ(q->refs, ref_state(repo)) << path;
    EXPECT_EQ(q->identity, repository_identity(repo)) << path;
  };
  std::string d = tmpdir();
  sh("git init -q -b main " + d);
  put(d + "/a.txt", "one\n");
  sh("git -C " + d + " add . && git -C " + d + " commit -qm one && git -C " + d + " tag v1 && git -C " + d +
     " tag -a -m annotated v2");
  same(d);
  sh("git -C " + d + " pack-refs --all");  // packed only
  same(d);
  put(d + "/a.txt", "two\n");
  sh("git -C " + d + " commit -qam two && git -C " + d + " branch side");  // loose over packed
  same(d);
  sh("git -C " + d + " symbolic-ref refs/remotes/origin/HEAD refs/heads/side");
  same(d);
  sh("git -C " + d + " symbolic-ref refs/remotes/origin/gone refs/heads/missing");  // left out by both
  same(d);
  sh("git -C " + d + " checkout -q --detach HEAD~1");
  same(d);
  same(d + "/.git");
  std::string bare = tmpdir() + "/m.git";
  sh("git clone -q --mirror " + d + " " + bare);
  same(bare);
  std::string unborn = tmpdir();
  sh("git init -q " + unborn);
  same(unborn);
  // What it does not take on, libgit2 reads.
  put(d + "/.git/refs/heads/wip.lock", "");
  EXPECT_FALSE(quick_repo_state(d));
  std::filesystem::remove(d + "/.git/refs/heads/wip.lock");
  sh("git -C " + d + " symbolic-ref refs/heads/chain refs/remotes/origin/HEAD");  // a chain
  EXPECT_FALSE(quick_repo_state(d));
  std::string wt = tmpdir() + "/wt";
  sh("git -C " + d + " worktree add -q " + wt + " side");
  EXPECT_FALSE(quick_repo_state(wt));  // a .git file
  EXPECT_FALSE(quick_repo_state(tmpdir()));  // no repository
}
