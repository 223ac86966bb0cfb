// What a new user meets first with `keyhound git` in CI (issue 19): merge commits in a range,
// the all-zero "before" SHA of a new branch, --since with dates.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "git_e2e_util.h"

using namespace e2e;
using namespace gite2e;
using nlohmann::json;

TEST(DayOneGitE2E, MergeOfMainIntoFeatureDoesNotBlameTheMergeForMainsKey) {
  std::string d = new_repo();
  commit_file(d, "README.md", "hello\n", "first");
  git(d, "checkout -q -b feature");
  std::string base = git(d, "rev-parse HEAD");
  commit_file(d, "feature.txt", "feature work\n", "feature");
  git(d, "checkout -q main");
  commit_file(d, "config/credentials", key_pair(1), "main adds a key");
  git(d, "checkout -q feature");
  git(d, "merge -q --no-edit main");
  int rc = 0;
  json j = kh_git_json("--range " + base + "..feature " + d, &rc);
  // The key is main's, reached through the merge; only the main commit itself added it.
  std::string main_commit = git(d, "rev-parse main");
  for (auto& f : j["findings"]) EXPECT_EQ(f["commit"], main_commit) << j.dump();
  // main..feature: what the branch adds on top of main holds no key.
  j = kh_git_json("--range main..feature " + d, &rc);
  EXPECT_EQ(rc, 0) << j.dump();
  EXPECT_EQ(j["findings"].size(), 0u) << j.dump();
}

TEST(DayOneGitE2E, MergeLinesFromEitherParentAreNotNewButTheMergesOwnAreFound) {
  std::string d = new_repo();
  commit_file(d, "app.env", "a=1\nb=2\n", "first");
  git(d, "checkout -q -b feature");
  commit_file(d, "app.env", "a=1\nb=2\nfeature=yes\n", "feature line");
  git(d, "checkout -q main");
  // main's key line, changed in the same file as the feature's line: a real three-way merge.
  commit_file(d, "app.env", key_pair(2) + "a=1\nb=2\n", "main key");
  git(d, "checkout -q feature");
  git(d, "merge -q --no-edit main");
  int rc = 0;
  json j = kh_git_json("--range main..feature " + d, &rc);
  EXPECT_EQ(rc, 0) << j.dump();
  EXPECT_EQ(j["findings"].size(), 0u) << j.dump();
  // A key written in the merge commit itself (an evil merge) is the merge's own addition.
  git(d, "checkout -q -b feature2 main~1");
  commit_file(d, "other.txt", "x\n", "side");
  git(d, "merge -q --no-commit main");
  write_file(d + "/merge.env", key_pair(3));
  git(d, "add merge.env");
  git(d, "commit -q --no-edit");
  std::string merge = git(d, "rev-parse HEAD");
  j = kh_git_json("--range main..feature2 " + d, &rc);
  EXPECT_EQ(rc, 1) << j.dump();
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump();
  EXPECT_EQ(j["findings"][0]["commit"], merge);
  EXPECT_EQ(j["findings"][0]["path"], "merge.env");
}

TEST(DayOneGitE2E, AllZeroBaseMeansTheCommitsOfHeadOnNoOtherRef) {
  std::string d = new_repo();
  commit_file(d, "old.env", key_pair(4), "an old key already on main");
  git(d, "checkout -q -b feature");
  std::string added = commit_file(d, "new.env", key_pair(5), "the new branch's key");
  std::string zero(40, '0');
  int rc = 0;
  std::string err;
  json j = kh_git_json("--range " + zero + "..HEAD " + d, &rc, &err);
  EXPECT_EQ(rc, 1) << err;
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump();
  EXPECT_EQ(j["findings"][0]["commit"], added);
  EXPECT_EQ(j["findings"][0]["path"], "new.env");
  EXPECT_EQ(j["summary"]["commits_scanned"], 1);
  // With a remote-tracking copy of the branch (as a CI checkout has), same answer.
  git(d, "update-ref refs/remotes/origin/feature HEAD");
  j = kh_git_json("--range " + zero + "..feature " + d, &rc);
  EXPECT_EQ(j["findings"].size(), 1u) << j.dump();
  // The only branch: every commit is new.
  std::string solo = new_repo();
  commit_file(solo, "a.env", key_pair(6), "first");
  j = kh_git_json("--range " + zero + "..HEAD " + solo, &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_EQ(j["findings"].size(), 1u) << j.dump();
}

TEST(DayOneGitE2E, SinceTakesADateOrARevision) {
  std::string d = new_repo();
  auto commit_at = [&](const std::string& path, const std::string& content, const std::string& date) {
    write_file(d + "/" + path, content);
    git(d, "add " + path);
    run("cd " + shell_quote(d) + " && GIT_COMMITTER_DATE='" + date + "' GIT_AUTHOR_DATE='" + date +
        "' git -c user.name=T -c user.email=t@example.com -c commit.gpgsign=false commit -q -m c");
    return git(d, "rev-parse HEAD");
  };
  std::string old_c = commit_at("old.env", key_pair(7), "2020-01-01T00:00:00Z");
  std::string new_c = commit_at("new.env", key_pair(8), "2030-01-01T00:00:00Z");
  int rc = 0;
  std::string err;
  json j = kh_git_json("--since 2024-01-01 " + d, &rc, &err);
  EXPECT_EQ(rc, 1) << err;
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump();
  EXPECT_EQ(j["findings"][0]["commit"], new_c);
  // A relative date: the 2030 commit is within the last 2 weeks of nothing; 20 years covers both.
  j = kh_git_json("--since \"2 weeks ago\" " + d, &rc);
  EXPECT_EQ(j["findings"].size(), 1u) << j.dump();  // only the future-dated commit
  j = kh_git_json("--since \"20 years ago\" " + d, &rc);
  EXPECT_EQ(j["findings"].size(), 2u) << j.dump();
  // A revision still works.
  j = kh_git_json("--since " + old_c + " " + d, &rc);
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump();
  EXPECT_EQ(j["findings"][0]["commit"], new_c);
  auto bad = run(kh() + " git --since 'next tuesday-ish' " + d);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("neither a revision nor a date"), std::string::npos) << bad.err;
}

TEST(DayOneGitE2E, StagedKeyAdviceIsRemoveNotRotate) {
  std::string d = new_repo();
  commit_file(d, "README.md", "hello\n", "first");
  write_file(d + "/k.env", key_pair(9));
  git(d, "add k.env");
  int rc = 0;
  json j = kh_git_json("--staged " + d, &rc);
  EXPECT_EQ(rc, 1);
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump();
  std::string summary = j["findings"][0]["remediation"]["summary"];
  EXPECT_EQ(summary.rfind("Staged, never committed: remove the key", 0), 0u) << summary;
  EXPECT_NE(summary.find("secret store"), std::string::npos) << summary;
  auto t = run(kh() + " git --staged " + d);
  EXPECT_NE(t.out.find("fix: Staged, never committed"), std::string::npos) << t.out;
  // Once committed, the same key gets the rotation advice.
  git(d, "commit -q -m key");
  j = kh_git_json(d, &rc);
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["remediation"]["summary"].get<std::string>().rfind("Rotate", 0), 0u) << j.dump();
}

TEST(DayOneGitE2E, ProgressOnStderrOnlyOnATerminal) {
  std::string d = new_repo();
  for (int i = 0; i < 60; ++i) commit_file(d, "f" + std::to_string(i % 7) + ".txt", std::string(5000, 'a' + i % 26) + "\n");
  commit_file(d, "k.env", key_pair(40));
  std::string out = e2e::make_temp_dir() + "/out.txt";
  auto r = e2e::run("script -qec " +
                    e2e::shell_quote(e2e::kh() + " git --threads 1 --progress-interval-ms 1 -o " + out + " " + d) +
                    " /dev/null");
  EXPECT_NE(r.out.find(" blobs, "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("findings so far"), std::string::npos) << r.out;
  r = e2e::run(e2e::kh() + " git --progress-interval-ms 1 " + d);
  EXPECT_EQ(r.err.find("so far"), std::string::npos) << r.err;
  r = e2e::run("script -qec " + e2e::shell_quote(e2e::kh() + " git --no-progress --progress-interval-ms 1 " + d) +
               " /dev/null");
  EXPECT_EQ(r.out.find("so far"), std::string::npos) << r.out;
}

TEST(DayOneGitE2E, JsonlStreamMatchesTheReportForAnyThreadCount) {
  std::string d = new_repo();
  for (int i = 0; i < 12; ++i) commit_file(d, "c" + std::to_string(i % 3) + ".env", key_pair(50 + i));
  // The same key kept while the file changes around it: reported once, at its first blob.
  commit_file(d, "kept.env", key_pair(70) + "x = 1\n");
  commit_file(d, "kept.env", key_pair(70) + "x = 2\n");
  auto one = e2e::run(e2e::kh() + " git --format jsonl --threads 1 " + d);
  auto two = e2e::run(e2e::kh() + " git --format jsonl --threads 2 " + d);
  int rc = 0;
  json whole = kh_git_json(d, &rc);
  ASSERT_EQ(one.exit_code, 1) << one.err;
  EXPECT_EQ(one.out, two.out);
  std::multiset<std::string> streamed, reported;
  std::istringstream in(one.out);
  for (std::string line; std::getline(in, line);) streamed.insert(json::parse(line)["fingerprint"]);
  for (auto& f : whole["findings"]) reported.insert(f["fingerprint"]);
  EXPECT_EQ(streamed.size(), 13u);
  EXPECT_EQ(streamed, reported);
}
