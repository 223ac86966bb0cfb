// End-to-end: the CI templates (action.yml, contrib/gitlab/keyhound.gitlab-ci.yml) and the range
// script they share, run with the variables GitHub Actions and GitLab CI set, on local
// repositories with a merge commit in the range and a new-branch push.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "git_e2e_util.h"

using namespace e2e;
using namespace gite2e;
using nlohmann::json;

namespace {

const std::string kZero(40, '0');
const std::string kSrc = KEYHOUND_SOURCE_DIR;

// main: README, an old key (already on main before any range), then a later main commit.
// feature (from main's second commit): a new key, then main merged in (a merge commit).
struct Repo {
  std::string dir, main_old, main_tip, feature_key, feature_tip;
};

Repo make_repo() {
  Repo r;
  r.dir = new_repo();
  commit_file(r.dir, "README.md", "hello\n", "first");
  r.main_old = commit_file(r.dir, "legacy/old.env", "aws_access_key_id = " + fake_key_id(61) +
                                                        "\naws_secret_access_key = " + fake_secret(61) + "\n",
                           "old key on main");
  git(r.dir, "checkout -q -b feature");
  r.feature_key = commit_file(r.dir, "app/new.env", key_pair(62), "new key on the branch");
  git(r.dir, "checkout -q main");
  r.main_tip = commit_file(r.dir, "docs/notes.md", "notes\n", "main moves on");
  git(r.dir, "checkout -q feature");
  git(r.dir, "merge -q --no-edit main");
  r.feature_tip = git(r.dir, "rev-parse HEAD");
  return r;
}

// A folder for PATH holding `keyhound` and `keyhound-ci-range`, as an install would.
std::string bin_dir() {
  static std::string d = [] {
    std::string b = make_temp_dir();
    std::filesystem::create_symlink(KEYHOUND_BINARY, b + "/keyhound");
    std::filesystem::create_symlink(kSrc + "/contrib/ci/keyhound-ci-range.sh", b + "/keyhound-ci-range");
    return b;
  }();
  return d;
}

// A shell prefix for a CI run in `repo` with `vars` (VAR=value ...): the machine's own CI
// variables are dropped so only the ones a test sets are seen.
std::string ci(const std::string& repo, const std::string& vars) {
  std::string cache = kh().substr(0, kh().find(' '));  // XDG_CACHE_HOME=... of the binary under test
  return "cd " + shell_quote(repo) +
         " && env -u GITHUB_ACTIONS -u GITHUB_EVENT_NAME -u GITHUB_EVENT_PATH -u GITHUB_BASE_REF -u GITHUB_REF "
         "-u GITHUB_REF_NAME -u GITHUB_SHA -u GITLAB_CI -u CI_COMMIT_SHA -u CI_COMMIT_BEFORE_SHA "
         "-u CI_MERGE_REQUEST_DIFF_BASE_SHA -u CI_COMMIT_BRANCH -u CI_COMMIT_REF_NAME PATH=" + bin_dir() + ":$PATH " +
         cache + " " + vars + " ";
}

std::string range_of(const std::string& repo, const std::string& vars) {
  auto r = run(ci(repo, vars) + "keyhound-ci-range");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
  return r.out;
}

std::string event_file(const json& payload) {
  std::string f = make_temp_dir() + "/event.json";
  write_file(f, payload.dump());
  return f;
}

// GitHub checks out refs/pull/N/merge: the pull request merged into its base.
std::string github_merge_ref(const Repo& r) {
  git(r.dir, "checkout -q --detach main");
  git(r.dir, "merge -q --no-ff --no-edit feature");
  return git(r.dir, "rev-parse HEAD");
}

json run_action(const std::string& repo, const std::string& vars, int* rc) {
  auto r = run(ci(repo, vars) + "python3 " + shell_quote(kSrc + "/tests/ci/run_template.py") + " github " +
               shell_quote(kSrc + "/action.yml") + " '{}'");
  *rc = r.exit_code;
  return json::parse(r.out.empty() ? "{}" : r.out);
}

std::vector<std::string> sarif_files_and_lines(const std::string& file) {
  std::vector<std::string> out;
  json s = json::parse(read_file(file));
  for (auto& res : s["runs"][0]["results"])
    out.push_back(res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].get<std::string>());
  return out;
}

}  // namespace

TEST(CiRange, GithubPullRequestFromTheEventPayloadIncludesTheMergeCommit) {
  Repo r = make_repo();
  std::string head = github_merge_ref(r);
  std::string ev = event_file({{"pull_request", {{"base", {{"sha", r.main_tip}}}, {"head", {{"sha", r.feature_tip}}}}}});
  std::string range = range_of(r.dir, "GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH=" + ev +
                                          " GITHUB_BASE_REF=main GITHUB_SHA=" + head);
  EXPECT_EQ(range, r.main_tip + ".." + head);
  // The range holds GitHub's merge commit, the branch's merge of main, and the branch's commit.
  std::string commits = git(r.dir, "rev-list " + range);
  EXPECT_NE(commits.find(head), std::string::npos);
  EXPECT_NE(commits.find(r.feature_tip), std::string::npos);
  EXPECT_NE(commits.find(r.feature_key), std::string::npos);
  EXPECT_EQ(commits.find(r.main_old), std::string::npos);
}

TEST(CiRange, GithubPullRequestFallsBackToTheBaseRef) {
  Repo r = make_repo();
  std::string head = github_merge_ref(r);
  std::string range = range_of(r.dir, "GITHUB_EVENT_NAME=pull_request GITHUB_BASE_REF=main GITHUB_SHA=" + head);
  EXPECT_EQ(range, r.main_tip + ".." + head);
}

TEST(CiRange, PushesOfExistingAndNewBranches) {
  Repo r = make_repo();
  // An existing branch: exactly before..after.
  std::string ev = event_file({{"before", r.feature_key}, {"after", r.feature_tip}});
  EXPECT_EQ(range_of(r.dir, "GITHUB_EVENT_NAME=push GITHUB_REF=refs/heads/feature GITHUB_EVENT_PATH=" + ev),
            r.feature_key + ".." + r.feature_tip);
  // A new branch (before is all zeros): the commits no other ref holds, from where it left main.
  std::string nev = event_file({{"before", kZero}, {"after", r.feature_tip}});
  std::string range = range_of(r.dir, "GITHUB_EVENT_NAME=push GITHUB_REF=refs/heads/feature GITHUB_REF_NAME=feature "
                                      "GITHUB_EVENT_PATH=" + nev);
  EXPECT_EQ(range, r.main_tip + ".." + r.feature_tip);
  EXPECT_EQ(range_of(r.dir, "GITLAB_CI=true CI_COMMIT_SHA=" + r.feature_tip + " CI_COMMIT_BEFORE_SHA=" + kZero +
                                " CI_COMMIT_BRANCH=feature"),
            range);
  // GitLab merge request: the diff base GitLab computed.
  EXPECT_EQ(range_of(r.dir, "GITLAB_CI=true CI_COMMIT_SHA=" + r.feature_tip + " CI_MERGE_REQUEST_DIFF_BASE_SHA=" +
                                r.main_old),
            r.main_old + ".." + r.feature_tip);
  // A new branch in a repository with no other ref: its whole history.
  std::string lone = new_repo();
  std::string only = commit_file(lone, "a.txt", "a\n", "only");
  EXPECT_EQ(range_of(lone, "GITLAB_CI=true CI_COMMIT_SHA=" + only + " CI_COMMIT_BEFORE_SHA=" + kZero +
                               " CI_COMMIT_BRANCH=main"),
            only);
}

TEST(CiRange, MissingBaseAndNoCiAreErrors) {
  Repo r = make_repo();
  auto none = run(ci(r.dir, "") + "keyhound-ci-range");
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("neither GitHub Actions"), std::string::npos) << none.err;
  auto shallow = run(ci(r.dir, "GITLAB_CI=true CI_COMMIT_SHA=" + r.feature_tip + " CI_COMMIT_BEFORE_SHA=" +
                                   std::string(40, 'a')) + "keyhound-ci-range");
  EXPECT_EQ(shallow.exit_code, 2);
  EXPECT_NE(shallow.err.find("fetch the whole history"), std::string::npos) << shallow.err;
}

TEST(CiTemplates, GithubActionOnAPullRequestFindsTheBranchKeyAndWritesSarif) {
  Repo r = make_repo();
  std::string head = github_merge_ref(r);
  std::string ev = event_file({{"pull_request", {{"base", {{"sha", r.main_tip}}}}}});
  int rc = 0;
  json rep = run_action(r.dir, "GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH=" + ev +
                                   " GITHUB_SHA=" + head, &rc);
  EXPECT_EQ(rc, 1) << rep.dump(2);  // findings fail the job
  ASSERT_EQ(rep["steps"].size(), 4u) << rep.dump(2);
  EXPECT_EQ(rep["steps"][0]["status"], "success");  // keyhound already on PATH: no build
  EXPECT_EQ(rep["steps"][1]["status"], "success");
  EXPECT_EQ(rep["steps"][1]["outputs"]["exit-code"], "1");
  EXPECT_EQ(rep["steps"][1]["outputs"]["range"], r.main_tip + ".." + head);
  EXPECT_EQ(rep["steps"][2]["status"], "recorded");
  EXPECT_EQ(rep["uses"][0]["with"]["sarif_file"], "keyhound.sarif");
  EXPECT_EQ(rep["steps"][3]["status"], "failure");
  // Only the branch's key: the old key on main is outside the range.
  auto files = sarif_files_and_lines(r.dir + "/keyhound.sarif");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0], "app/new.env");
}

TEST(CiTemplates, GithubActionOnANewBranchPushAndOnACleanPush) {
  Repo r = make_repo();
  std::string ev = event_file({{"before", kZero}, {"after", r.feature_tip}});
  int rc = 0;
  json rep = run_action(r.dir, "GITHUB_ACTIONS=true GITHUB_EVENT_NAME=push GITHUB_REF=refs/heads/feature "
                               "GITHUB_REF_NAME=feature GITHUB_EVENT_PATH=" + ev, &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_EQ(rep["steps"][1]["outputs"]["range"], r.main_tip + ".." + r.feature_tip);
  auto files = sarif_files_and_lines(r.dir + "/keyhound.sarif");
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0], "app/new.env");
  // A push that adds no key passes, and the SARIF is still uploaded.
  git(r.dir, "checkout -q main");
  std::string before = git(r.dir, "rev-parse HEAD");
  std::string after = commit_file(r.dir, "docs/more.md", "more\n", "docs");
  std::string cev = event_file({{"before", before}, {"after", after}});
  rep = run_action(r.dir, "GITHUB_ACTIONS=true GITHUB_EVENT_NAME=push GITHUB_REF=refs/heads/main GITHUB_EVENT_PATH=" +
                              cev, &rc);
  EXPECT_EQ(rc, 0) << rep.dump(2);
  EXPECT_EQ(rep["steps"][1]["outputs"]["exit-code"], "0");
  EXPECT_EQ(rep["steps"][2]["status"], "recorded");
  EXPECT_TRUE(sarif_files_and_lines(r.dir + "/keyhound.sarif").empty());
}

TEST(CiTemplates, GitlabJobOnAMergeRequestAndANewBranchWritesTheReport) {
  if (!have_jsonschema()) GTEST_SKIP() << "python3-jsonschema not installed";
  Repo r = make_repo();
  std::string tpl = kSrc + "/contrib/gitlab/keyhound.gitlab-ci.yml";
  for (const std::string& vars :
       {"GITLAB_CI=true CI_PIPELINE_SOURCE=merge_request_event CI_COMMIT_SHA=" + r.feature_tip +
            " CI_MERGE_REQUEST_DIFF_BASE_SHA=" + r.main_tip,
        "GITLAB_CI=true CI_PIPELINE_SOURCE=push CI_COMMIT_SHA=" + r.feature_tip + " CI_COMMIT_BEFORE_SHA=" + kZero +
            " CI_COMMIT_BRANCH=feature"}) {
    std::filesystem::remove(r.dir + "/gl-secret-detection-report.json");
    auto g = run(ci(r.dir, vars) + "python3 " + shell_quote(kSrc + "/tests/ci/run_template.py") + " gitlab " +
                 shell_quote(tpl) + " keyhound_secret_detection");
    ASSERT_FALSE(g.out.empty()) << g.err;
    json rep = json::parse(g.out);
    EXPECT_EQ(rep["exit"], 1) << g.err;  // the key fails the job
    EXPECT_TRUE(rep["missing"].empty()) << rep.dump();
    EXPECT_EQ(rep["reports"]["secret_detection"], "gl-secret-detection-report.json");
    std::string report = r.dir + "/gl-secret-detection-report.json";
    auto v = validate_json(report, "gitlab-secret-detection-report-format.json");
    EXPECT_EQ(v.exit_code, 0) << v.out;
    json j = json::parse(read_file(report));
    ASSERT_EQ(j["vulnerabilities"].size(), 1u) << j.dump(2);
    EXPECT_EQ(j["vulnerabilities"][0]["location"]["file"], "app/new.env");
    EXPECT_EQ(j["vulnerabilities"][0]["location"]["commit"]["sha"], r.feature_key);
  }
}
