// One audit over many tasks (issue 17): a throwaway PostgreSQL and a single-node Slurm started
// here on 127.0.0.1. A 4-task job array into PostgreSQL, 4 concurrent writers, and 4 SQLite
// shards merged each end exactly where one process ends (canonical dump); a task cancelled
// mid-run and resubmitted loses and duplicates nothing. Skipped (with the reason) when not
// root or the servers are not installed; CI installs them and runs as root.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cluster_util.h"
#include "datastore/datastore.h"
#include "e2e_util.h"
#include "git_e2e_util.h"

namespace {

namespace fs = std::filesystem;
using e2e::kh;
using e2e::run;
using e2e::shell_quote;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// Independent repositories (no forks) that share vendored blobs, one clean and one with a key.
std::string make_repos(unsigned seed, int repos, int commits = 6) {
  std::string dir = e2e::make_temp_dir() + "/org";
  auto r = run("python3 " + shell_quote(std::string(KEYHOUND_SOURCE_DIR) + "/bench/make_org.py") + " " +
               shell_quote(dir) + " --seed " + std::to_string(seed) + " --repos " + std::to_string(repos) +
               " --commits " + std::to_string(commits) + " --forks 0 --large-commits 0 --shared --key-every 6");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return dir;
}

// The "done" progress events (one per audit) in jsonl text.
std::vector<json> done_events(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    auto j = json::parse(line, nullptr, false);
    if (j.is_object() && j.value("event", "") == "done") out.push_back(j);
  }
  return out;
}

uint64_t blobs_scanned(const std::string& jsonl) {
  uint64_t n = 0;
  for (auto& e : done_events(jsonl)) n += e["blobs_scanned"].get<uint64_t>();
  return n;
}

std::string dump(const std::string& spec) { return keyhound::open_datastore(spec)->canonical_dump(); }

#define START_POSTGRES(pg)                           \
  cluster::PgServer pg;                              \
  {                                                  \
    std::string why;                                 \
    if (!pg.start(why)) GTEST_SKIP() << why;         \
  }

TEST(ClusterDatastore, UnreachablePostgresIsOneLineExit2PasswordHidden) {
  int port = cluster::free_port();
  // Built at run time: keyhound scans its own repository clean.
  std::string pw = std::string("hunter") + "2";
  std::string url = "postgresql://kh:" + pw + "@127.0.0.1:" + std::to_string(port) + "/audit";
  std::string d = e2e::make_temp_dir();
  for (std::string cmd : {"audit " + d, std::string("report"), std::string("summarize")}) {
    auto r = run(kh() + " " + cmd + " --datastore " + shell_quote(url));
    EXPECT_EQ(r.exit_code, 2) << cmd << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("datastore postgresql://kh:***@127.0.0.1:" + std::to_string(port) + "/audit: cannot connect"),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find(pw), std::string::npos) << r.err;
  }
}

TEST(ClusterDatastore, PostgresHoldsWhatSqliteHoldsAndServesReportSummarizeTriage) {
  START_POSTGRES(pg);
  // Forks included: one process gives the same rows on either backend.
  std::string org = e2e::make_temp_dir() + "/org";
  ASSERT_EQ(run("python3 " + shell_quote(std::string(KEYHOUND_SOURCE_DIR) + "/bench/make_org.py") + " " +
                shell_quote(org) + " --seed 11 --repos 4 --commits 6 --forks 2 --large-commits 30 --key-every 6")
                .exit_code,
            0);
  // A path and an author that need quoting in SQL arrays.
  std::string odd = gite2e::new_repo();
  gite2e::commit_file(odd, "we\"ird, {path}\\x.env", gite2e::key_pair(5), "odd");
  fs::rename(odd, org + "/odd");
  std::string url = pg.url("single"), db = fs::path(org).parent_path().string() + "/k.db";
  auto a = run(kh() + " audit --format json " + shell_quote(org) + " --datastore " + shell_quote(url));
  auto b = run(kh() + " audit --format json " + shell_quote(org) + " --datastore " + shell_quote(db));
  ASSERT_EQ(a.exit_code, 1) << a.err;
  ASSERT_EQ(b.exit_code, 1) << b.err;
  EXPECT_EQ(json::parse(a.out)["findings"], json::parse(b.out)["findings"]);
  std::string want = dump(db);
  EXPECT_NE(want.find("[occurrences]\n/"), std::string::npos);
  EXPECT_EQ(dump(url), want);
  // The dump command prints the same text.
  EXPECT_EQ(run(kh() + " datastore dump " + shell_quote(url)).out, want);

  auto rep = run(kh() + " report --format json --datastore " + shell_quote(url));
  EXPECT_EQ(rep.exit_code, 1) << rep.err;
  json findings = json::parse(rep.out)["findings"];
  ASSERT_FALSE(findings.empty());
  EXPECT_EQ(findings, json::parse(run(kh() + " report --format json --datastore " + shell_quote(db)).out)["findings"]);
  std::string fp = findings[0]["fingerprint"];
  auto t = run(kh() + " triage " + fp + " --status revoked --comment rotated --datastore " + shell_quote(url));
  EXPECT_EQ(t.exit_code, 0) << t.err;
  // Triage is shared: another process (another task) sees it.
  auto revoked = run(kh() + " report --format json --status revoked --datastore " + shell_quote(url));
  json revoked_report = json::parse(revoked.out);  // kept alive: the loop walks into it
  for (auto& f : revoked_report["findings"]) EXPECT_EQ(f["fingerprint"], fp);
  EXPECT_FALSE(revoked_report["findings"].empty());
  auto sum = run(kh() + " summarize --format json --datastore " + shell_quote(url));
  EXPECT_EQ(sum.exit_code, 0) << sum.err;
  json rules = json::parse(sum.out)["rules"];
  ASSERT_FALSE(rules.empty()) << sum.out;
  uint64_t all = 0, open = 0;
  for (auto& r : rules) {
    all += r["findings"].get<uint64_t>();
    open += r["open"].get<uint64_t>();
  }
  EXPECT_EQ(open + 1, all) << sum.out;
  // A second audit scans nothing.
  auto again = run(kh() + " audit --progress jsonl --format json " + shell_quote(org) + " --datastore " + shell_quote(url));
  EXPECT_EQ(blobs_scanned(again.err), 0u) << again.err;
  // --rescan scans every blob again (claims do not hold it back) and changes nothing.
  std::string before = dump(url);
  auto re = run(kh() + " audit --rescan --progress jsonl --format json " + shell_quote(org) + " --datastore " +
                shell_quote(url));
  EXPECT_GT(blobs_scanned(re.err), 100u) << re.err;
  EXPECT_TRUE(dump(url) == before) << "--rescan changed the datastore";
}

TEST(ClusterDatastore, FourConcurrentWritersScanEachBlobOnceAndDuplicateNothing) {
  START_POSTGRES(pg);
  std::string org = make_repos(5, 12);
  std::vector<std::string> repos;
  for (auto& e : fs::directory_iterator(org)) repos.push_back(e.path().string());
  std::sort(repos.begin(), repos.end());
  std::string single = pg.url("single"), shared = pg.url("shared");
  auto one = run(kh() + " audit --progress jsonl --format json " + shell_quote(org) + " --datastore " + shell_quote(single));
  ASSERT_EQ(one.exit_code, 1) << one.err;
  uint64_t want_scans = blobs_scanned(one.err);
  ASSERT_GT(want_scans, 100u);
  // Four writers over the same repositories, two in reverse order, small batches: they meet on
  // the same blobs at the same time.
  std::string dir = fs::path(org).parent_path().string();
  std::string fwd, rev;
  for (auto& r : repos) fwd += " " + shell_quote(r);
  for (auto it = repos.rbegin(); it != repos.rend(); ++it) rev += " " + shell_quote(*it);
  std::string cmd;
  for (int i = 0; i < 4; ++i)
    cmd += kh() + " audit --progress jsonl --format json --batch-blobs 8 --datastore " + shell_quote(shared) +
           (i % 2 ? rev : fwd) + " >" + dir + "/w" + std::to_string(i) + ".json 2>" + dir + "/w" +
           std::to_string(i) + ".err & ";
  run(cmd + "wait");
  uint64_t scans = 0;
  for (int i = 0; i < 4; ++i) {
    std::string err = e2e::read_file(dir + "/w" + std::to_string(i) + ".err");
    ASSERT_EQ(done_events(err).size(), 1u) << err;
    scans += blobs_scanned(err);
    json rep = json::parse(e2e::read_file(dir + "/w" + std::to_string(i) + ".json"));
    EXPECT_EQ(rep["summary"]["errors"].get<uint64_t>(), 0u) << err;
  }
  EXPECT_EQ(scans, want_scans) << "a blob was scanned twice (or missed) across the four writers";
  EXPECT_EQ(dump(shared), dump(single));
  EXPECT_EQ(pg.sql("SELECT COUNT(*) FROM claims", "shared"), "0");
}

TEST(ClusterDatastore, FourSqliteShardsMergedEqualOneRun) {
  std::string org = make_repos(7, 16);
  std::string dir = fs::path(org).parent_path().string();
  auto one = run(kh() + " audit --format json " + shell_quote(org) + " --datastore " + dir + "/one.db");
  ASSERT_EQ(one.exit_code, 1) << one.err;
  std::string want = dump(dir + "/one.db");
  size_t repos = 0;
  std::string shards, blob_shards;
  for (int k = 0; k < 4; ++k) {
    std::string f = dir + "/shard-" + std::to_string(k) + ".db";
    // The task index from the environment, as a Slurm array task (even shards) or a pod of a
    // Kubernetes Indexed Job (odd ones) sees it.
    std::string env = k % 2 ? "JOB_COMPLETION_INDEX=" + std::to_string(k) + " KEYHOUND_SHARD_COUNT=4 "
                            : "SLURM_ARRAY_TASK_ID=" + std::to_string(k) + " SLURM_ARRAY_TASK_COUNT=4 ";
    auto r = run(env + kh() + " audit --format json " + shell_quote(org) + " --datastore " + f);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
    EXPECT_EQ(json::parse(r.out)["summary"]["shard"], std::to_string(k) + "/4") << r.out;
    repos += keyhound::open_sqlite_datastore(f)->repositories().size();
    shards += " " + f;
    // Blob shards: every repository, a quarter of its blobs.
    std::string g = dir + "/blobs-" + std::to_string(k) + ".db";
    auto rb = run(kh() + " audit --format json --shard " + std::to_string(k) + "/4 --shard-blobs " + shell_quote(org) +
                  " --datastore " + g);
    EXPECT_TRUE(rb.exit_code == 0 || rb.exit_code == 1) << rb.err;
    blob_shards += " " + g;
  }
  EXPECT_EQ(repos, 16u) << "each repository in exactly one shard";
  auto m = run(kh() + " datastore merge " + dir + "/merged.db" + shards);
  ASSERT_EQ(m.exit_code, 0) << m.err;
  EXPECT_EQ(dump(dir + "/merged.db"), want);
  auto mb = run(kh() + " datastore merge " + dir + "/merged-blobs.db" + blob_shards);
  ASSERT_EQ(mb.exit_code, 0) << mb.err;
  EXPECT_EQ(dump(dir + "/merged-blobs.db"), want);
  // What one process writes is what report reads from the merge.
  EXPECT_EQ(run(kh() + " report --format json --datastore " + dir + "/merged.db").out.size() > 10, true);

  // Bad shards and merges: one line, exit 2.
  for (std::string bad : {"audit --shard 4/4 " + org, "audit --shard x " + org,
                          "datastore merge " + dir + "/m2.db " + dir + "/missing.db",
                          "datastore merge " + dir + "/one.db " + dir + "/one.db"}) {
    auto r = run(kh() + " " + bad);
    EXPECT_EQ(r.exit_code, 2) << bad << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << bad << "\n" << r.err;
  }
  auto envbad = run("JOB_COMPLETION_INDEX=2 " + kh() + " audit " + shell_quote(org) + " --datastore " + dir + "/x.db");
  EXPECT_EQ(envbad.exit_code, 2);
  EXPECT_NE(envbad.err.find("KEYHOUND_SHARD_COUNT"), std::string::npos) << envbad.err;
}

TEST(ClusterDatastore, ContribTemplatesShardByTheSchedulersIndex) {
  std::string src = KEYHOUND_SOURCE_DIR;
  auto sh = run("sh -n " + src + "/contrib/slurm/keyhound-audit.sbatch");
  EXPECT_EQ(sh.exit_code, 0) << sh.err;
  EXPECT_NE(e2e::read_file(src + "/contrib/slurm/keyhound-audit.sbatch").find("#SBATCH --array="), std::string::npos);
  // The Indexed Job: KEYHOUND_SHARD_COUNT must equal completions, or shards are lost.
  auto y = run("python3 -c " + shell_quote(
                                   "import yaml,sys\n"
                                   "j=yaml.safe_load(open(sys.argv[1]))\n"
                                   "c=j['spec']['template']['spec']['containers'][0]\n"
                                   "env={e['name']: e.get('value') for e in c['env']}\n"
                                   "assert j['kind']=='Job' and j['spec']['completionMode']=='Indexed'\n"
                                   "assert int(env['KEYHOUND_SHARD_COUNT'])==j['spec']['completions']\n"
                                   "assert 'KEYHOUND_DATASTORE' in env and '$(KEYHOUND_DATASTORE)' in c['args']\n"
                                   "print(c['args'][0])\n") +
               " " + src + "/contrib/kubernetes/audit-job.yaml");
  EXPECT_EQ(y.exit_code, 0) << y.err;
  EXPECT_EQ(y.out, "audit\n");
}

// The real thing: munged, slurmctld, slurmd and PostgreSQL, a 4-task array of
// contrib/slurm/keyhound-audit.sbatch over 40 repositories.
TEST(Cluster, SlurmArrayIntoPostgresEqualsOneProcessAndSurvivesAScancel) {
  std::string why = cluster::slurm_missing();
  if (!why.empty()) GTEST_SKIP() << "Slurm test skipped: " << why;
  auto t0 = Clock::now();
  START_POSTGRES(pg);
  cluster::SlurmCluster slurm;
  ASSERT_TRUE(slurm.start(why)) << why;
  std::string org = make_repos(3, 40, 8);
  std::string dir = fs::path(org).parent_path().string();
  std::string single = pg.url("single"), arr = pg.url("arr"), resumed = pg.url("resumed");
  auto one = run(kh() + " audit --progress jsonl --format json " + shell_quote(org) + " --datastore " + shell_quote(single));
  ASSERT_EQ(one.exit_code, 1) << one.err;
  std::string want = dump(single);
  uint64_t want_scans = blobs_scanned(one.err);

  std::string script = std::string(KEYHOUND_SOURCE_DIR) + "/contrib/slurm/keyhound-audit.sbatch";
  std::string cache = e2e::make_temp_dir();
  auto submit = [&](const std::string& array, const std::string& url, const std::string& extra,
                    const std::string& out) {
    auto r = run(slurm.env() + "KEYHOUND=" + std::string(KEYHOUND_BINARY) + " XDG_CACHE_HOME=" + cache +
                 " KEYHOUND_DATASTORE=" + shell_quote(url) + " KEYHOUND_AUDIT_ARGS=" + shell_quote(extra) +
                 " sbatch --parsable --array=" + array + " --export=ALL -o " + dir + "/" + out + "-%a.out " + script +
                 " " + shell_quote(org));
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::string id = r.out.substr(0, r.out.find_first_of(";\n"));
    return id;
  };
  auto wait_job = [&](const std::string& id) {
    for (int i = 0; i < 600; ++i) {
      if (run(slurm.env() + "squeue -h -j " + id).out.empty()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  };

  // 1. A 4-task array into one PostgreSQL datastore.
  std::string job = submit("0-3", arr, "", "arr");
  ASSERT_TRUE(wait_job(job)) << "the array did not finish in 60 s";
  uint64_t scans = 0;
  size_t repos = 0;
  for (int k = 0; k < 4; ++k) {
    std::string out = e2e::read_file(dir + "/arr-" + std::to_string(k) + ".out");
    auto done = done_events(out);
    ASSERT_EQ(done.size(), 1u) << "task " << k << ":\n" << out;
    scans += done[0]["blobs_scanned"].get<uint64_t>();
    repos += done[0]["done"].get<size_t>();
    EXPECT_NE(out.find("shard: " + std::to_string(k) + "/4"), std::string::npos) << out;
  }
  EXPECT_EQ(repos, 40u);
  EXPECT_EQ(scans, want_scans);
  EXPECT_EQ(dump(arr), want);

  // 2. Task 2 cancelled mid-run (its claims last 2 s), then the array submitted again: the
  // claims of the dead task are taken over once expired; nothing lost, nothing duplicated.
  std::string lone = submit("2", resumed, "--shard 2/4 --batch-blobs 1 --claim-ttl 2", "lone");
  auto count = [&](const std::string& table) {
    try {
      return pg.sql("SELECT COUNT(*) FROM " + table, "resumed");
    } catch (const std::exception&) {
      return std::string("0");  // the task has not made the schema yet
    }
  };
  bool mid = false;
  for (int i = 0; i < 1000 && !mid; ++i) {
    // Cancelled while it holds a claim (a batch being scanned), after it recorded some.
    mid = count("blobs") != "0" && count("claims") != "0";
    if (!mid) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  run(slurm.env() + "scancel " + lone + "_2");
  ASSERT_TRUE(wait_job(lone));
  std::string before = count("blobs"), claims_left = count("claims");
  std::string again = submit("0-3", resumed, "", "again");
  ASSERT_TRUE(wait_job(again));
  uint64_t again_scans = 0;
  for (int k = 0; k < 4; ++k) {
    std::string out = e2e::read_file(dir + "/again-" + std::to_string(k) + ".out");
    EXPECT_EQ(done_events(out).size(), 1u) << "task " << k << ":\n" << out;
    again_scans += blobs_scanned(out);
  }
  // What the cancelled task recorded is not scanned again (each recorded blob stands for at
  // least one of one process's scans).
  EXPECT_LE(again_scans + std::stoull(before), want_scans) << "recorded before the scancel: " << before;
  EXPECT_EQ(dump(resumed), want);
  EXPECT_EQ(pg.sql("SELECT COUNT(*) FROM claims", "resumed"), "0");
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::cerr << "cluster test: " << secs << " s (at the scancel: " << before << " blobs recorded, " << claims_left
            << " claims held)\n";
}

}  // namespace
