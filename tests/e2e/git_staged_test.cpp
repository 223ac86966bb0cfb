// `keyhound git --staged`: what the index would commit, keys in added lines only.
#include <gtest/gtest.h>

#include <filesystem>

#include "git_e2e_util.h"

using namespace e2e;
using namespace gite2e;
using nlohmann::json;

namespace {
json staged(const std::string& d, int* rc) { return kh_git_json("--staged " + d, rc); }
}  // namespace

TEST(GitStagedE2E, RepositoryWithNoCommitsYet) {
  std::string d = new_repo();
  write_file(d + "/creds", "# none\n" + key_pair(30));
  git(d, "add creds");
  int rc = 0;
  json j = staged(d, &rc);
  EXPECT_EQ(rc, 1) << j.dump();
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["path"], "creds");
  EXPECT_EQ(j["findings"][0]["line"], 3);
  EXPECT_FALSE(j["findings"][0].contains("commit"));
  // Nothing staged: clean.
  std::string e = new_repo();
  json k = staged(e, &rc);
  EXPECT_EQ(rc, 0) << k.dump();
}

TEST(GitStagedE2E, OldKeyInATouchedFileDoesNotBlockButANewOneDoes) {
  std::string d = new_repo();
  commit_file(d, "app.env", key_pair(31) + "debug = false\n", "old key (the audit finds it)");
  write_file(d + "/app.env", key_pair(31) + "debug = true\n");
  git(d, "add app.env");
  int rc = 0;
  json j = staged(d, &rc);
  EXPECT_EQ(rc, 0) << j.dump();
  EXPECT_EQ(j["findings"].size(), 0u);
  // A new pair below: lines 5-7 of the staged version.
  write_file(d + "/app.env", key_pair(31) + "debug = true\n" + key_pair(32));
  git(d, "add app.env");
  j = staged(d, &rc);
  EXPECT_EQ(rc, 1);
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump();
  EXPECT_EQ(j["findings"][0]["line"], 6);
}

TEST(GitStagedE2E, OnlyTheSecretLineOfAPairNeedsToBeAdded) {
  std::string d = new_repo();
  std::string id = fake_key_id(33);
  commit_file(d, "c.env", "[default]\naws_access_key_id = " + id + "\n", "id only");
  write_file(d + "/c.env", "[default]\naws_access_key_id = " + id + "\naws_secret_access_key = " + fake_secret(33) + "\n");
  git(d, "add c.env");
  int rc = 0;
  json j = staged(d, &rc);
  EXPECT_EQ(rc, 1) << j.dump();
  EXPECT_EQ(j["findings"].size(), 1u);
}

TEST(GitStagedE2E, PartiallyStagedFileCountsTheIndexContent) {
  std::string d = new_repo();
  commit_file(d, "a.txt", "one\n");
  // Clean change staged, key only in the working tree: not committed, not blocked.
  write_file(d + "/a.txt", "one\ntwo\n");
  git(d, "add a.txt");
  write_file(d + "/a.txt", "one\ntwo\n" + key_pair(34));
  int rc = 0;
  json j = staged(d, &rc);
  EXPECT_EQ(rc, 0) << j.dump();
  // Key staged, then removed from the working tree only: it would still be committed.
  git(d, "add a.txt");
  write_file(d + "/a.txt", "zero\n");
  j = staged(d, &rc);
  EXPECT_EQ(rc, 1) << j.dump();
}

TEST(GitStagedE2E, LineNumbersPointIntoTheStagedVersion) {
  std::string d = new_repo();
  commit_file(d, "x.cfg", "a\nb\n");
  write_file(d + "/x.cfg", "a\nb\nc\n" + key_pair(35));  // key id on line 5
  git(d, "add x.cfg");
  write_file(d + "/x.cfg", "new\nnew\nnew\nnew\na\nb\nc\n" + key_pair(35));  // unstaged lines above
  int rc = 0;
  json j = staged(d, &rc);
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump();
  EXPECT_EQ(j["findings"][0]["line"], 5);
  EXPECT_EQ(j["findings"][0]["parts"][0]["line"], 6);
}

TEST(GitStagedE2E, PureRenameDoesNotBlockRenameWithNewKeyDoes) {
  std::string d = new_repo();
  commit_file(d, "old.env", key_pair(36) + "x = 1\n");
  git(d, "mv old.env new.env");
  int rc = 0;
  json j = staged(d, &rc);
  EXPECT_EQ(rc, 0) << j.dump();
  write_file(d + "/new.env", key_pair(36) + "x = 2\n" + key_pair(37));
  git(d, "add new.env");
  j = staged(d, &rc);
  EXPECT_EQ(rc, 1);
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump();
  EXPECT_EQ(j["findings"][0]["path"], "new.env");
}

TEST(GitStagedE2E, BinaryFiles) {
  std::string d = new_repo();
  std::string bin1 = std::string("\x00\x01\x02", 3) + key_pair(38) + std::string("\x00\xff", 2);
  write_file(d + "/blob.bin", bin1);
  git(d, "add blob.bin");
  int rc = 0;
  json j = staged(d, &rc);
  EXPECT_EQ(rc, 1) << j.dump();
  git(d, "commit -q -m bin");
  // Changed binary that still holds only the old key: not blocked; with a new key: blocked.
  write_file(d + "/blob.bin", bin1 + std::string("\x00\x03", 2));
  git(d, "add blob.bin");
  j = staged(d, &rc);
  EXPECT_EQ(rc, 0) << j.dump();
  write_file(d + "/blob.bin", bin1 + std::string("\x00", 1) + key_pair(39));
  git(d, "add blob.bin");
  j = staged(d, &rc);
  EXPECT_EQ(rc, 1) << j.dump();
  EXPECT_EQ(j["findings"].size(), 1u);
}

TEST(GitStagedE2E, InlineAllowMarkerSuppresses) {
  std::string d = new_repo();
  write_file(d + "/t.py", "KEY = \"" + fake_key_id(40) + "\"  # keyhound:allow test fixture\n");
  git(d, "add t.py");
  int rc = 0;
  json j = staged(d, &rc);
  EXPECT_EQ(rc, 0) << j.dump();
  EXPECT_EQ(j["summary"]["suppressed"], 1);
}

TEST(GitStagedE2E, BareRepositoryHasNoIndex) {
  std::string d = new_repo();
  commit_file(d, "a", "a\n");
  std::string parent = d + "/..";
  git(parent, "clone -q --bare repo bare.git");
  auto r = run(kh() + " git --staged " + parent + "/bare.git");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("bare"), std::string::npos) << r.err;
}

TEST(GitStagedE2E, FastStagedDiffReportsWhatTheFullDiffReports) {
  // Keys in an edit, a rename, a new folder and both sides of a conflicted merge: the output of
  // the index read directly equals that of libgit2's full diff (KEYHOUND_GIT_STAGED_FAST=0).
  std::string d = new_repo();
  commit_file(d, "conf/app.env", "debug = false\n");
  commit_file(d, "old/name.env", "x = 1\n");
  git(d, "checkout -q -b other");
  commit_file(d, "conf/app.env", "debug = true\n" + key_pair(40));
  git(d, "checkout -q main");
  commit_file(d, "conf/app.env", "debug = off\n" + key_pair(41));
  git(d, "merge -q other || true");
  write_file(d + "/old/name.env", "x = 1\n" + key_pair(42));
  std::filesystem::create_directories(d + "/new");
  git(d, "mv old/name.env new/name.env");
  git(d, "add -A new");
  std::filesystem::create_directories(d + "/fresh/dir");
  write_file(d + "/fresh/dir/k.env", key_pair(43));
  git(d, "add fresh");
  auto fast = run(kh() + " git --format json --staged " + shell_quote(d));
  auto full = run("KEYHOUND_GIT_STAGED_FAST=0 " + kh() + " git --format json --staged " + shell_quote(d));
  EXPECT_EQ(fast.exit_code, full.exit_code);
  json j = json::parse(fast.out), k = json::parse(full.out);
  j["summary"].erase("elapsed_seconds");
  k["summary"].erase("elapsed_seconds");
  EXPECT_EQ(j.dump(1), k.dump(1));
  EXPECT_GE(j["findings"].size(), 2u) << fast.out;
  auto debug = run(kh() + " git --staged --debug " + shell_quote(d));
  EXPECT_NE(debug.err.find("staged diff: index read directly"), std::string::npos) << debug.err;
}
