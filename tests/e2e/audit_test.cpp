// `keyhound audit` on a synthetic organisation (bench/make_org.py, generated at run time):
// findings equal the union of `keyhound git` per repository, re-audits scan nothing new,
// forks are deduplicated, kill -9 at random points loses and duplicates nothing, and
// report / summarize / triage read the datastore.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>
#include <tuple>

#include "mock_http_server.h"
#include "datastore/datastore.h"
#include "e2e_util.h"
#include "git_e2e_util.h"

namespace {

namespace fs = std::filesystem;
using e2e::kh;
using e2e::run;
using e2e::shell_quote;
using nlohmann::json;

// A small organisation (by default 5 repositories, one history of 40 commits and 3 forks of it).
std::string make_org(unsigned seed, int repos = 5, int forks = 3, int large = 40) {
  std::string dir = e2e::make_temp_dir() + "/org";
  auto r = run("python3 " + shell_quote(std::string(KEYHOUND_SOURCE_DIR) + "/bench/make_org.py") + " " +
               shell_quote(dir) + " --seed " + std::to_string(seed) + " --repos " + std::to_string(repos) +
               " --commits 8 --forks " + std::to_string(forks) + " --large-commits " + std::to_string(large) +
               " --key-every 6");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return dir;
}

using Key = std::tuple<std::string, std::string, std::string, std::string, uint64_t>;  // repo fp commit path line

std::set<Key> keys_of(const json& report, const std::string& repo_override = "") {
  std::set<Key> out;
  for (auto& f : report["findings"])
    out.emplace(repo_override.empty() ? f.value("repository", "") : repo_override, f["fingerprint"], f["commit"],
                f["path"], f["line"].get<uint64_t>());
  return out;
}

json audit_json(const std::string& args, int* rc = nullptr, std::string* err = nullptr) {
  auto r = run(kh() + " audit --format json " + args);
  if (rc) *rc = r.exit_code;
  if (err) *err = r.err;
  try {
    return json::parse(r.out);
  } catch (...) {
    ADD_FAILURE() << "not JSON (exit " << r.exit_code << "): " << r.out << "\n" << r.err;
    return json::object();
  }
}

// The jsonl progress event "done" of an audit's stderr.
json done_event(const std::string& err) {
  std::istringstream in(err);
  std::string line;
  json last;
  while (std::getline(in, line)) {
    auto j = json::parse(line, nullptr, false);
    if (j.is_object() && j.value("event", "") == "done") last = j;
  }
  return last;
}

std::string dump(const std::string& db) { return keyhound::open_sqlite_datastore(db)->canonical_dump(); }

TEST(Audit, FindingsEqualTheUnionOfGitPerRepository) {
  std::string org = make_org(11, 3, 2, 30);
  std::string db = fs::path(org).parent_path().string() + "/k.db";
  int rc = 0;
  json a = audit_json(shell_quote(org) + " --datastore " + shell_quote(db), &rc);
  EXPECT_EQ(rc, 1);
  std::set<Key> want;
  for (auto& e : fs::directory_iterator(org)) {
    std::string repo = fs::canonical(e.path()).string();
    json g = gite2e::kh_git_json(shell_quote(repo));
    auto k = keys_of(g, repo);
    want.insert(k.begin(), k.end());
  }
  auto got = keys_of(a);
  EXPECT_GT(want.size(), 5u);
  EXPECT_EQ(got, want);
  EXPECT_EQ(a["summary"]["findings"].get<uint64_t>(), want.size());
  struct stat st{};
  ASSERT_EQ(::stat(db.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(Audit, SecondRunScansNothingAndNewCommitsOnlyTheirBlobs) {
  std::string org = make_org(12, 3, 2, 20);
  std::string db = fs::path(org).parent_path().string() + "/k.db";
  std::string err;
  json first = audit_json(shell_quote(org) + " --progress jsonl --datastore " + shell_quote(db), nullptr, &err);
  json d1 = done_event(err);
  EXPECT_GT(d1["blobs_scanned"].get<uint64_t>(), 20u);
  json second = audit_json(shell_quote(org) + " --progress jsonl --datastore " + shell_quote(db), nullptr, &err);
  json d2 = done_event(err);
  EXPECT_EQ(d2["blobs_scanned"].get<uint64_t>(), 0u) << err;
  EXPECT_EQ(d2["unchanged"].get<uint64_t>(), d2["total"].get<uint64_t>());
  EXPECT_TRUE(second["findings"].empty());  // nothing scanned: the datastore has them
  auto stored = [&] { return json::parse(run(kh() + " report --format json --datastore " + shell_quote(db)).out); };
  EXPECT_EQ(keys_of(first), keys_of(stored()));
  // One new commit with one new file: one blob scanned.
  std::string work = e2e::make_temp_dir() + "/w";
  run("git clone -q " + shell_quote(org + "/repo000.git") + " " + shell_quote(work));
  gite2e::commit_file(work, "new/creds", gite2e::key_pair(77));
  gite2e::git(work, "push -q origin HEAD:main");
  json third = audit_json(shell_quote(org) + " --progress jsonl --datastore " + shell_quote(db), nullptr, &err);
  json d3 = done_event(err);
  EXPECT_EQ(d3["blobs_scanned"].get<uint64_t>(), 1u) << err;
  EXPECT_EQ(stored()["findings"].size(), first["findings"].size() + 1);
  for (auto& f : third["findings"]) EXPECT_NE(f["repository"].get<std::string>().find("repo000"), std::string::npos);
}

TEST(Audit, ForksShareBlobsButEachGetsItsOccurrences) {
  std::string org = make_org(13, 0, 3, 30);
  std::string db = fs::path(org).parent_path().string() + "/k.db";
  std::string err;
  json a = audit_json(shell_quote(org + "/large.git") + " --progress jsonl --datastore " + shell_quote(db), nullptr, &err);
  uint64_t large_blobs = done_event(err)["blobs_scanned"].get<uint64_t>();
  json f = audit_json(shell_quote(org) + " --progress jsonl --datastore " + shell_quote(db), nullptr, &err);
  json d = done_event(err);
  // Each fork adds two commits of 1-3 files; its shared history is neither planned nor read
  // again: the large history's occurrences are adopted.
  EXPECT_GT(large_blobs, 40u);
  EXPECT_LE(d["blobs_scanned"].get<uint64_t>(), 3u * 6u) << err;
  // The large history's findings are reported in every fork too.
  std::set<std::string> large_fps, fork_fps;
  for (auto& x : a["findings"]) large_fps.insert(x["fingerprint"]);
  for (auto& x : f["findings"])
    if (x["repository"].get<std::string>().find("fork01") != std::string::npos) fork_fps.insert(x["fingerprint"]);
  for (auto& fp : large_fps) EXPECT_TRUE(fork_fps.count(fp)) << fp;
}

// Blobs recorded so far (0 while the datastore is being created), read beside the writer.
uint64_t recorded_blobs(const std::string& db) {
  sqlite3* h = nullptr;
  uint64_t n = 0;
  // Read-write without create: a read-only WAL reader fails while the writer runs.
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(h, 1000);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(h, "SELECT COUNT(*) FROM blobs", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      n = static_cast<uint64_t>(sqlite3_column_int64(st, 0));
    sqlite3_finalize(st);
  }
  sqlite3_close(h);
  return n;
}

TEST(Audit, KilledAtRandomPointsEndsEqualToAnUninterruptedRun) {
  std::string org = make_org(14, 3, 1, 30);
  std::string base = fs::path(org).parent_path().string();
  std::string args = " audit " + shell_quote(org) + " --threads 1 --batch-blobs 4 --format json -o /dev/null -q";
  auto ref = run(kh() + args + " --datastore " + shell_quote(base + "/ref.db"));
  ASSERT_EQ(ref.exit_code, 1) << ref.err;
  // Timed once the rule cache is warm: how long a whole audit takes.
  auto t0 = std::chrono::steady_clock::now();
  run(kh() + args + " --datastore " + shell_quote(base + "/timing.db"));
  double full_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  const uint64_t total = recorded_blobs(base + "/ref.db");
  ASSERT_GT(total, 40u);
  std::string db = base + "/killed.db";
  std::mt19937 rng(20240614);
  int kills = 0, mid = 0;
  for (int attempt = 0; attempt < 60 && kills < 11; ++attempt) {
    uint64_t before = fs::exists(db) ? recorded_blobs(db) : 0;
    pid_t pid = fork();
    if (pid == 0) {
      std::string cmd = "exec env " + kh() + args + " --datastore " + shell_quote(db);
      execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    // Every third kill at a random moment (setup, planning, a transaction); the others once a
    // random number of further blobs is recorded, so kills land all along the audit.
    auto start = std::chrono::steady_clock::now();
    if (attempt % 3 == 2) {
      std::uniform_real_distribution<double> at(0.0, full_ms / 2);
      std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(at(rng) * 1000)));
    } else {
      uint64_t target = before + 1 + rng() % 10;
      while (recorded_blobs(db) < target && std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
        int st = 0;
        if (waitpid(pid, &st, WNOHANG) == pid) {
          pid = -1;
          break;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(300));
      }
    }
    if (pid < 0) continue;  // finished before the kill
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
      ++kills;
      uint64_t n = recorded_blobs(db);
      if (n > 0 && n < total) ++mid;
    }
  }
  RecordProperty("kills", kills);  // in --gtest_output=xml, for whoever reports the run
  RecordProperty("kills_mid_audit", mid);
  EXPECT_GE(kills, 10);
  EXPECT_GE(mid, 5) << "kills did not land in the middle of the audit";
  auto fin = run(kh() + args + " --datastore " + shell_quote(db));
  EXPECT_TRUE(fin.exit_code == 0 || fin.exit_code == 1) << fin.err;  // 1 if what was left held findings
  EXPECT_EQ(recorded_blobs(db), total);
  EXPECT_EQ(dump(db), dump(base + "/ref.db"));
}

TEST(Audit, FailingRepositoryIsOneWarningAndExit2TheRestIsAudited) {
  std::string org = make_org(15, 2, 0, 0);
  // A repository with a damaged object: its blob cannot be vouched for.
  std::string broken = org + "/broken";
  fs::create_directories(broken);
  gite2e::git(broken, "init -q");
  gite2e::commit_file(broken, "a.txt", "hello\n");
  std::string blob = gite2e::git(broken, "rev-parse HEAD:a.txt");
  std::string obj = broken + "/.git/objects/" + blob.substr(0, 2) + "/" + blob.substr(2);
  fs::permissions(obj, fs::perms::owner_write, fs::perm_options::add);
  e2e::write_file(obj, "garbage");
  std::string db = fs::path(org).parent_path().string() + "/k.db";
  int rc = 0;
  std::string err;
  json a = audit_json(shell_quote(org) + " --datastore " + shell_quote(db), &rc, &err);
  EXPECT_EQ(rc, 2) << err;
  size_t warnings = 0;
  for (size_t p = err.find("warning: repository"); p != std::string::npos; p = err.find("warning: repository", p + 1))
    ++warnings;
  EXPECT_EQ(warnings, 1u) << err;
  EXPECT_NE(err.find("broken"), std::string::npos) << err;
  EXPECT_EQ(a["summary"]["repositories"], "3");
  auto s = run(kh() + " summarize --datastore " + shell_quote(db));
  EXPECT_NE(s.out.find("1 failed"), std::string::npos) << s.out;
}

TEST(Audit, ClonesUrlsIntoTheCloneDirAndFetchesNextTime) {
  std::string org = make_org(16, 1, 0, 0);
  std::string base = fs::path(org).parent_path().string();
  std::string url = "file://" + org + "/repo000.git";
  std::string args = shell_quote(url) + " --datastore " + shell_quote(base + "/k.db") + " --clone-dir " +
                     shell_quote(base + "/clones");
  int rc = 0;
  std::string err;
  json a = audit_json(args, &rc, &err);
  EXPECT_NE(rc, 2) << err;
  EXPECT_TRUE(fs::exists(base + "/clones/" + std::string(org.substr(1)) + "_repo000.git/HEAD") ||
              !fs::is_empty(base + "/clones"));
  auto direct = gite2e::kh_git_json(shell_quote(org + "/repo000.git"));
  EXPECT_EQ(keys_of(a, "x"), keys_of(direct, "x"));
  // A new commit upstream arrives by fetch.
  std::string work = e2e::make_temp_dir() + "/w";
  run("git clone -q " + shell_quote(org + "/repo000.git") + " " + shell_quote(work));
  gite2e::commit_file(work, "late/creds", gite2e::key_pair(91));
  gite2e::git(work, "push -q origin HEAD:main");
  json b = audit_json(args + " --progress jsonl", &rc, &err);
  EXPECT_EQ(done_event(err)["blobs_scanned"].get<uint64_t>(), 1u) << err;
  EXPECT_EQ(b["findings"].size(), a["findings"].size() + 1);
}

TEST(Audit, GithubOrgAndGitlabGroupThroughAMockApi) {
  std::string org = make_org(17, 3, 0, 0);
  std::string base = fs::path(org).parent_path().string();
  int gh_calls = 0;
  keyhound_test::MockServer* self = nullptr;
  keyhound_test::MockServer srv([&](const keyhound_test::HttpReq& r) {
    keyhound_test::HttpResp resp;
    resp.content_type = "application/json";
    std::string api = "http://127.0.0.1:" + std::to_string(self->port());
    auto repo = [&](int i, bool fork) {
      return json{{"full_name", "acme/repo00" + std::to_string(i)},
                  {"clone_url", "file://" + org + "/repo00" + std::to_string(i) + ".git"},
                  {"fork", fork},
                  {"archived", false},
                  {"path_with_namespace", "grp/repo00" + std::to_string(i)},
                  {"http_url_to_repo", "file://" + org + "/repo00" + std::to_string(i) + ".git"},
                  {"forked_from_project", fork ? json{{"id", 1}} : json(nullptr)}};
    };
    if (r.path == "/orgs/acme/repos") {
      if (++gh_calls == 1) {  // rate limited once: wait a second
        resp.status = 429;
        resp.headers = {{"Retry-After", "1"}};
        return resp;
      }
      if (r.query.find("page=2") == std::string::npos) {
        resp.body = json::array({repo(0, false), repo(1, false)}).dump();
        resp.headers = {{"Link", "<" + api + "/orgs/acme/repos?page=2>; rel=\"next\""}};
      } else {
        resp.body = json::array({repo(2, true)}).dump();
      }
      return resp;
    }
    if (r.path == "/groups/grp/projects") {
      bool second = r.query.find("&page=2") != std::string::npos;
      resp.body = json::array({second ? repo(2, true) : repo(0, false)}).dump();
      if (!second) resp.headers = {{"X-Next-Page", "2"}};
      return resp;
    }
    resp.status = 404;
    return resp;
  });
  self = &srv;
  std::string api = "http://127.0.0.1:" + std::to_string(srv.port());
  std::string common = " --datastore " + shell_quote(base + "/k.db") + " --clone-dir " + shell_quote(base + "/c");
  int rc = 0;
  std::string err;
  json a = audit_json("--github-org acme --github-api-url " + api + common, &rc, &err);
  EXPECT_NE(rc, 2) << err;
  EXPECT_EQ(a["summary"]["repositories"], "3") << err;
  EXPECT_NE(err.find("rate limit"), std::string::npos) << err;
  json b = audit_json("--github-org acme --no-forks --github-api-url " + api + common, &rc, &err);
  EXPECT_EQ(b["summary"]["repositories"], "2") << err;
  auto gl = run("KEYHOUND_GITLAB_API_URL=" + api + " GITLAB_TOKEN=t " + kh() +
                " audit --format json --gitlab-group grp" + common);
  json g = json::parse(gl.out, nullptr, false);
  ASSERT_TRUE(g.is_object()) << gl.out << gl.err;
  EXPECT_EQ(g["summary"]["repositories"], "2") << gl.err;
}

TEST(Audit, ReportSummarizeAndTriageSurviveReaudits) {
  std::string org = make_org(18, 3, 0, 0);
  std::string base = fs::path(org).parent_path().string();
  std::string ds = " --datastore " + shell_quote(base + "/k.db");
  json a = audit_json(shell_quote(org) + ds);
  ASSERT_GE(a["findings"].size(), 2u);
  std::string fp = a["findings"][0]["fingerprint"];
  auto t = run(kh() + " triage " + fp + " --status false-positive --comment 'test fixture'" + ds);
  EXPECT_EQ(t.exit_code, 0) << t.err;
  EXPECT_EQ(run(kh() + " triage " + fp + " --status nonsense" + ds).exit_code, 2);
  EXPECT_EQ(run(kh() + " triage 0123456789abcdef0123456789abcdef --status open" + ds).exit_code, 2);
  // Re-audit (everything again): the triage stays.
  audit_json(shell_quote(org) + " --rescan" + ds);
  auto open = run(kh() + " report --format json --status open" + ds);
  json o = json::parse(open.out);
  for (auto& f : o["findings"]) EXPECT_NE(f["fingerprint"], fp);
  EXPECT_EQ(o["findings"].size(), a["findings"].size() - 1);
  auto fpos = run(kh() + " report --format json --status false-positive" + ds);
  EXPECT_EQ(json::parse(fpos.out)["findings"].size(), 1u);
  EXPECT_EQ(json::parse(fpos.out)["findings"][0]["triage"], "false-positive");
  for (const char* fmt : {"text", "jsonl", "sarif"}) {
    auto r = run(kh() + " report --format " + fmt + ds);
    EXPECT_EQ(r.exit_code, 1) << fmt << r.err;
    EXPECT_NE(r.out.find(fp), std::string::npos) << fmt;
  }
  auto sev = run(kh() + " report --format json --severity note --rule no-such-rule" + ds);
  EXPECT_EQ(sev.exit_code, 0);
  auto sum = run(kh() + " summarize" + ds);
  EXPECT_EQ(sum.exit_code, 0);
  EXPECT_NE(sum.out.find("AWS"), std::string::npos) << sum.out;
  EXPECT_NE(sum.out.find("aws-access-key-id"), std::string::npos) << sum.out;
  // Export, import into another datastore audited from scratch.
  auto ex = run(kh() + " triage export -o " + shell_quote(base + "/t.json") + ds);
  EXPECT_EQ(ex.exit_code, 0) << ex.err;
  std::string ds2 = " --datastore " + shell_quote(base + "/k2.db");
  audit_json(shell_quote(org) + ds2);
  auto im = run(kh() + " triage import " + shell_quote(base + "/t.json") + ds2);
  EXPECT_EQ(im.exit_code, 0) << im.err;
  EXPECT_EQ(json::parse(run(kh() + " report --format json --status false-positive" + ds2).out)["findings"].size(), 1u);
  // --verify without stored secrets: one clear error.
  auto v = run(kh() + " report --verify" + ds);
  EXPECT_EQ(v.exit_code, 2);
  EXPECT_NE(v.err.find("--store-secrets"), std::string::npos) << v.err;
  // With them, verification runs on stored findings (a closed local port: every key unknown).
  std::string ds3 = " --datastore " + shell_quote(base + "/k3.db");
  audit_json(shell_quote(org) + " --store-secrets" + ds3);
  auto vv = run(kh() + " report --format json --verify --verify-endpoint-sts http://127.0.0.1:9/ --verify-timeout-ms 500" + ds3);
  json vj = json::parse(vv.out, nullptr, false);
  ASSERT_TRUE(vj.is_object()) << vv.out << vv.err;
  size_t checked = 0;
  for (auto& f : vj["findings"]) checked += f.value("verified", "") == "unknown";
  EXPECT_GE(checked, 1u) << vv.out;
}

TEST(Audit, ReposFromFileTakesPathsAndUrls) {
  std::string org = make_org(19, 2, 0, 0);
  std::string base = fs::path(org).parent_path().string();
  e2e::write_file(base + "/list.txt", "# the organisation\n" + org + "/repo000.git\n\nfile://" + org + "/repo001.git\n");
  int rc = 0;
  std::string err;
  json a = audit_json("--repos-from " + shell_quote(base + "/list.txt") + " --datastore " + shell_quote(base + "/k.db") +
                          " --clone-dir " + shell_quote(base + "/c"),
                      &rc, &err);
  EXPECT_NE(rc, 2) << err;
  EXPECT_EQ(a["summary"]["repositories"], "2") << err;
  EXPECT_EQ(run(kh() + " audit --repos-from " + shell_quote(base + "/missing.txt") + " --datastore " +
                shell_quote(base + "/k.db")).exit_code, 2);
}

TEST(Audit, FindsRepositoriesRecursivelyIncludingSubmodules) {
  std::string top = gite2e::new_repo();
  gite2e::commit_file(top, "a.txt", "hello\n");
  std::string sub = gite2e::new_repo();
  gite2e::commit_file(sub, "creds", gite2e::key_pair(5));
  gite2e::git(top, "-c protocol.file.allow=always submodule add -q " + shell_quote(sub) + " libs/sub");
  gite2e::git(top, "commit -qm sub");
  std::string parent = fs::path(top).parent_path().string();
  fs::create_directories(parent + "/nested/deeper");
  gite2e::git(parent + "/nested/deeper", "init -q --bare b.git");
  int rc = 0;
  std::string err;
  json a = audit_json(shell_quote(parent) + " --datastore " + shell_quote(parent + "/k.db"), &rc, &err);
  EXPECT_EQ(a["summary"]["repositories"], "3") << err;  // top, its submodule, the bare one
  bool in_sub = false;
  for (auto& f : a["findings"]) in_sub |= f["repository"].get<std::string>().find("modules") != std::string::npos ||
                                         f["repository"].get<std::string>().find("sub") != std::string::npos;
  EXPECT_TRUE(in_sub) << a.dump();
}

}  // namespace
