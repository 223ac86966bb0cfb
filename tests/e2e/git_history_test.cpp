// `keyhound git` over whole histories: every ref, every unique blob once, each finding at the
// commit that introduced it; damaged and unusual repositories.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "git_e2e_util.h"

using namespace e2e;
using namespace gite2e;
using nlohmann::json;

namespace {
std::set<std::string> commits_of(const json& j) {
  std::set<std::string> s;
  for (auto& f : j["findings"]) s.insert(f.value("commit", ""));
  return s;
}
}  // namespace

TEST(GitHistoryE2E, KeyAddedThenDeletedIsFoundAtTheCommitThatAddedIt) {
  std::string d = new_repo();
  commit_file(d, "README.md", "hello\n", "first");
  std::string added = commit_file(d, "config/credentials", key_pair(1), "add creds");
  git(d, "rm -q config/credentials");
  git(d, "commit -q -m remove");
  int rc = 0;
  json j = kh_git_json(d, &rc);
  EXPECT_EQ(rc, 1);
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump();
  auto& f = j["findings"][0];
  EXPECT_EQ(f["commit"], added);
  EXPECT_EQ(f["path"], "config/credentials");
  EXPECT_EQ(f["author"], "Test Author");
  EXPECT_EQ(f["email"], "author@example.com");
  EXPECT_EQ(f["line"], 2);
  EXPECT_EQ(f["rule_id"], "aws-access-key-id");
  EXPECT_EQ(f["date"].get<std::string>().size(), 25u) << f["date"];  // 2024-01-02T03:04:05+00:00
  EXPECT_EQ(j["summary"]["commits_scanned"], 3);
  EXPECT_EQ(j["summary"]["files_scanned"], 2);  // README and credentials
  // Text output names the commit too.
  auto t = run(kh() + " git " + d);
  EXPECT_EQ(t.exit_code, 1);
  EXPECT_NE(t.out.find(added.substr(0, 12)), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("in 3 commits"), std::string::npos) << t.out;
}

TEST(GitHistoryE2E, SideBranchTagAndStashAreAllScanned) {
  std::string d = new_repo();
  commit_file(d, "a.txt", "base\n");
  git(d, "checkout -q -b side");
  std::string side = commit_file(d, "side.env", key_pair(2), "side only");
  git(d, "checkout -q main");
  // A commit reachable only from a tag.
  git(d, "checkout -q --detach");
  std::string tagged = commit_file(d, "tagged.env", key_pair(3), "tag only");
  git(d, "tag -a v1 -m release");
  git(d, "checkout -q main");
  // A key only in the stash.
  write_file(d + "/a.txt", "base\n" + key_pair(4));
  git(d, "stash -q");
  json j = kh_git_json(d);
  ASSERT_EQ(j["findings"].size(), 3u) << j.dump();
  auto cs = commits_of(j);
  EXPECT_TRUE(cs.count(side));
  EXPECT_TRUE(cs.count(tagged));
  std::set<std::string> paths;
  for (auto& f : j["findings"]) paths.insert(f["path"]);
  EXPECT_EQ(paths, (std::set<std::string>{"side.env", "tagged.env", "a.txt"}));
  // --branch main sees none of them.
  int rc = 0;
  json m = kh_git_json("--branch main " + d, &rc);
  EXPECT_EQ(rc, 0) << m.dump();
  EXPECT_EQ(m["findings"].size(), 0u);
  json s = kh_git_json("--branch side " + d);
  EXPECT_EQ(s["findings"].size(), 1u);
}

TEST(GitHistoryE2E, KeyAddedInAMergeCommitIsAttributedToTheMerge) {
  std::string d = new_repo();
  commit_file(d, "a.txt", "base\n");
  git(d, "checkout -q -b feature");
  commit_file(d, "b.txt", "feature\n");
  git(d, "checkout -q main");
  commit_file(d, "c.txt", "main\n");
  git(d, "merge -q --no-ff --no-commit feature");
  write_file(d + "/merged.env", key_pair(5));
  git(d, "add merged.env");
  git(d, "commit -q -m merge");
  std::string merge = git(d, "rev-parse HEAD");
  json j = kh_git_json(d);
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump();
  EXPECT_EQ(j["findings"][0]["commit"], merge);
  EXPECT_EQ(j["summary"]["commits_scanned"], 4);
}

TEST(GitHistoryE2E, RenamedFileIsOneFindingAndAChangedRenameIsAttributedToIt) {
  std::string d = new_repo();
  std::string first = commit_file(d, "old.env", key_pair(6), "add");
  git(d, "mv old.env new.env");
  git(d, "commit -q -m rename");
  json j = kh_git_json(d);
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump();
  EXPECT_EQ(j["findings"][0]["commit"], first);
  EXPECT_EQ(j["findings"][0]["path"], "old.env");
  // Rename and add a second key in the same commit: the new blob belongs to that commit.
  git(d, "mv new.env renamed.env");
  std::string second = commit_file(d, "renamed.env", key_pair(6) + key_pair(7), "rename and add");
  j = kh_git_json(d);
  ASSERT_EQ(j["findings"].size(), 3u) << j.dump();  // old blob's key, new blob's two keys
  int in_second = 0;
  for (auto& f : j["findings"])
    if (f["commit"] == second) {
      in_second++;
      EXPECT_EQ(f["path"], "renamed.env");
    }
  EXPECT_EQ(in_second, 2);
}

TEST(GitHistoryE2E, IdenticalBlobsInManyCommitsAreScannedOnce) {
  std::string d = new_repo();
  std::string first = commit_file(d, "keys/creds.env", key_pair(8), "key");
  for (int i = 0; i < 25; ++i) {
    // The key file and a copy of it under another name never change: one blob.
    write_file(d + "/copy" + std::to_string(i % 3) + ".env", key_pair(8));
    commit_file(d, "counter.txt", "n = " + std::to_string(i) + "\n", "bump");
  }
  json j = kh_git_json(d);
  // 1 key blob + 25 counter versions.
  EXPECT_EQ(j["summary"]["files_scanned"], 26) << j["summary"].dump();
  EXPECT_EQ(j["summary"]["commits_scanned"], 26);
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump();
  EXPECT_EQ(j["findings"][0]["commit"], first);
  EXPECT_EQ(j["findings"][0]["path"], "keys/creds.env");
}

TEST(GitHistoryE2E, RangeAndSinceReportOnlyWhatTheRangeAdded) {
  std::string d = new_repo();
  std::string base = commit_file(d, "app.env", "# settings\n" + key_pair(9), "old key");
  std::string c2 = commit_file(d, "app.env", "# settings\n" + key_pair(9) + "debug = true\n", "touch");
  std::string c3 = commit_file(d, "app.env", "# settings\n" + key_pair(9) + "debug = true\n" + key_pair(10), "new key");
  int rc = 0;
  json r = kh_git_json("--range " + base + ".." + c2 + " " + d, &rc);
  EXPECT_EQ(rc, 0) << r.dump();
  EXPECT_EQ(r["findings"].size(), 0u);
  EXPECT_EQ(r["summary"]["commits_scanned"], 1);
  r = kh_git_json("--range " + base + ".." + c3 + " " + d, &rc);
  EXPECT_EQ(rc, 1);
  ASSERT_EQ(r["findings"].size(), 1u) << r.dump();
  EXPECT_EQ(r["findings"][0]["commit"], c3);
  EXPECT_EQ(r["findings"][0]["line"], 7);  // the second pair's key id line
  r = kh_git_json("--since " + c2 + " " + d);
  ASSERT_EQ(r["findings"].size(), 1u) << r.dump();
  EXPECT_EQ(r["findings"][0]["commit"], c3);
  auto bad = run(kh() + " git --range nosuchrev..HEAD " + d);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("nosuchrev"), std::string::npos) << bad.err;
}

TEST(GitHistoryE2E, NoHistoryScansOnlyTheHeadTree) {
  std::string d = new_repo();
  commit_file(d, "gone.env", key_pair(11), "add");
  git(d, "rm -q gone.env");
  git(d, "commit -q -m rm");
  commit_file(d, "ok.txt", "fine\n");
  int rc = 0;
  json j = kh_git_json("--no-history " + d, &rc);
  EXPECT_EQ(rc, 0) << j.dump();
  EXPECT_EQ(j["summary"]["files_scanned"], 1);
}

TEST(GitHistoryE2E, BareRepositoryAndShallowClone) {
  std::string d = new_repo();
  commit_file(d, "old.env", key_pair(12), "old key");
  for (int i = 0; i < 3; ++i) commit_file(d, "n.txt", std::to_string(i));
  commit_file(d, "new.env", key_pair(13), "new key");
  std::string parent = std::filesystem::path(d).parent_path().string();
  git(parent, "clone -q --bare " + shell_quote(d) + " bare.git");
  json b = kh_git_json(parent + "/bare.git");
  EXPECT_EQ(b["findings"].size(), 2u) << b.dump();
  EXPECT_EQ(b["summary"]["commits_scanned"], 5);
  git(parent, "clone -q --depth 1 " + shell_quote("file://" + d) + " shallow");
  int rc = 0;
  json s = kh_git_json(parent + "/shallow", &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_EQ(s["summary"]["shallow"], "true") << s["summary"].dump();
  EXPECT_EQ(s["summary"]["commits_scanned"], 1);
  EXPECT_EQ(s["summary"]["errors"], 0);
  EXPECT_EQ(s["findings"].size(), 2u) << s.dump();  // both keys are in HEAD's tree
  auto t = run(kh() + " git " + parent + "/shallow");
  EXPECT_NE(t.out.find("shallow: true"), std::string::npos) << t.out;
}

TEST(GitHistoryE2E, SubmoduleIsSkippedAndSaid) {
  std::string sub = new_repo();
  commit_file(sub, "sub.env", key_pair(14), "key in the submodule");
  std::string d = new_repo();
  commit_file(d, "a.txt", "x\n");
  git(d, "submodule add -q " + shell_quote(sub) + " vendor/sub");
  git(d, "commit -q -m submodule");
  int rc = 0;
  json j = kh_git_json(d, &rc);
  EXPECT_EQ(rc, 0) << j.dump();
  EXPECT_EQ(j["summary"]["submodules skipped"], "1") << j["summary"].dump();
  EXPECT_EQ(j["findings"].size(), 0u);
}

TEST(GitHistoryE2E, LfsPointerIsReportedAsPointerAndNotScanned) {
  std::string d = new_repo();
  // Not a real pointer's content past the header, but proves the body is not scanned.
  std::string ptr = "version https://git-lfs.github.com/spec/v1\noid sha256:" + std::string(64, 'a') +
                    "\nsize 1234\n" + key_pair(15);
  commit_file(d, "big.bin", ptr, "lfs");
  commit_file(d, "plain.txt", "x\n");
  int rc = 0;
  json j = kh_git_json(d, &rc);
  EXPECT_EQ(rc, 0) << j.dump();
  EXPECT_EQ(j["summary"]["skipped"]["lfs pointer"], 1) << j["summary"].dump();
  EXPECT_EQ(j["summary"]["lfs pointers"], "1");
  EXPECT_EQ(j["summary"]["files_scanned"], 1);
}

TEST(GitHistoryE2E, BlobOverMaxSizeIsSkippedAndCounted) {
  std::string d = new_repo();
  commit_file(d, "big.env", std::string(3000, '#') + "\n" + key_pair(16), "big");
  commit_file(d, "small.env", key_pair(17), "small");
  json j = kh_git_json("--max-blob-size 2000 " + d);
  EXPECT_EQ(j["summary"]["skipped"]["too large"], 1) << j["summary"].dump();
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["path"], "small.env");
}

TEST(GitHistoryE2E, CorruptLooseObjectIsNamedAndTheRestGoesOn) {
  std::string d = new_repo();
  commit_file(d, "good.env", key_pair(18), "good");
  commit_file(d, "bad.env", key_pair(19), "bad");
  std::string bad = git(d, "rev-parse HEAD:bad.env");
  std::string obj = d + "/.git/objects/" + bad.substr(0, 2) + "/" + bad.substr(2);
  ASSERT_TRUE(std::filesystem::exists(obj));
  std::filesystem::permissions(obj, std::filesystem::perms::owner_all);
  write_file(obj, "this is not a zlib stream at all");
  int rc = 0;
  std::string err;
  json j = kh_git_json(d, &rc, &err);
  EXPECT_EQ(rc, 2);
  EXPECT_NE(err.find(bad), std::string::npos) << err;
  EXPECT_NE(err.find("keyhound: error: "), std::string::npos) << err;
  EXPECT_EQ(j["summary"]["errors"], 1);
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump();
  EXPECT_EQ(j["findings"][0]["path"], "good.env");
}

TEST(GitHistoryE2E, SarifCarriesTheCommit) {
  std::string d = new_repo();
  std::string c = commit_file(d, "k.env", key_pair(20), "key");
  auto r = run(kh() + " git --format sarif " + d);
  EXPECT_EQ(r.exit_code, 1);
  json s = json::parse(r.out);
  auto& res = s["runs"][0]["results"][0];
  EXPECT_EQ(res["properties"]["commit"], c) << res.dump();
  EXPECT_NE(r.out.find("versionControlProvenance"), std::string::npos);
}

TEST(GitHistoryE2E, NotARepositoryIsAnError) {
  std::string d = make_temp_dir();
  auto r = run(kh() + " git " + d);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a git repository"), std::string::npos) << r.err;
}

TEST(GitHistoryE2E, KeyStayingInAChangingFileIsReportedOnceAtItsFirstCommit) {
  std::string d = new_repo();
  std::string first = commit_file(d, "app.env", key_pair(21) + "v = 0\n", "key");
  for (int i = 1; i <= 4; ++i) commit_file(d, "app.env", key_pair(21) + "v = " + std::to_string(i) + "\n");
  json j = kh_git_json(d);
  EXPECT_EQ(j["summary"]["files_scanned"], 5);
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump();
  EXPECT_EQ(j["findings"][0]["commit"], first);
  EXPECT_EQ(j["summary"]["repeats in later blobs"], "4");
}
