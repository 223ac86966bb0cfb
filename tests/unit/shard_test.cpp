// Shards of an audit: --shard K/N and the task index of Slurm arrays and Kubernetes Indexed
// Jobs, the stable hash that partitions repositories, and the URL a message may show.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "cli/shard_spec.h"
#include "datastore/postgres_datastore.h"
#include "pipeline/audit_scan.h"

namespace {

using keyhound::resolve_shard;
using keyhound::ShardSpec;

auto env_of(std::map<std::string, std::string> vars) {
  return [vars](const char* n) -> const char* {
    auto it = vars.find(n);
    return it == vars.end() ? nullptr : it->second.c_str();
  };
}

std::string error_of(const std::string& flag, std::map<std::string, std::string> vars) {
  try {
    resolve_shard(flag, env_of(vars));
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(Shard, FlagWinsOverTheEnvironment) {
  ShardSpec s = resolve_shard("2/5", env_of({{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}));
  EXPECT_EQ(s.index, 2u);
  EXPECT_EQ(s.count, 5u);
  EXPECT_EQ(s.from, "--shard");
}

TEST(Shard, SlurmArrayIndexCountsFromTheArraysMinimumOverItsStep) {
  ShardSpec s = resolve_shard("", env_of({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}));
  EXPECT_EQ(s.index, 3u);
  EXPECT_EQ(s.count, 4u);
  EXPECT_EQ(s.from, "SLURM_ARRAY_TASK_ID");
  // --array=1-4
  s = resolve_shard("", env_of({{"SLURM_ARRAY_TASK_ID", "4"}, {"SLURM_ARRAY_TASK_COUNT", "4"},
                                {"SLURM_ARRAY_TASK_MIN", "1"}}));
  EXPECT_EQ(s.index, 3u);
  // --array=10-16:2
  s = resolve_shard("", env_of({{"SLURM_ARRAY_TASK_ID", "14"}, {"SLURM_ARRAY_TASK_COUNT", "4"},
                                {"SLURM_ARRAY_TASK_MIN", "10"}, {"SLURM_ARRAY_TASK_STEP", "2"}}));
  EXPECT_EQ(s.index, 2u);
}

TEST(Shard, KubernetesIndexedJobNeedsTheCountFromKeyhoundShardCount) {
  ShardSpec s = resolve_shard("", env_of({{"JOB_COMPLETION_INDEX", "7"}, {"KEYHOUND_SHARD_COUNT", "10"}}));
  EXPECT_EQ(s.index, 7u);
  EXPECT_EQ(s.count, 10u);
  EXPECT_EQ(s.from, "JOB_COMPLETION_INDEX");
  EXPECT_NE(error_of("", {{"JOB_COMPLETION_INDEX", "7"}}).find("KEYHOUND_SHARD_COUNT is not"), std::string::npos);
}

TEST(Shard, NoneGivenIsOneShard) {
  ShardSpec s = resolve_shard("", env_of({}));
  EXPECT_EQ(s.count, 1u);
  EXPECT_EQ(s.from, "");
}

TEST(Shard, BadValuesAreOneLineNamingTheFlagOrVariable) {
  for (auto [flag, vars, want] : std::vector<std::tuple<std::string, std::map<std::string, std::string>, std::string>>{
           {"4/4", {}, "--shard 4/4"},
           {"1", {}, "--shard 1: expected K/N"},
           {"a/4", {}, "--shard a/4: not a number"},
           {"0/0", {}, "at least 1"},
           {"-1/4", {}, "not a number"},
           {"", {{"SLURM_ARRAY_TASK_ID", "x"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}, "SLURM_ARRAY_TASK_ID=x: not a number"},
           {"", {{"SLURM_ARRAY_TASK_ID", "1"}}, "SLURM_ARRAY_TASK_COUNT is not"},
           {"", {{"SLURM_ARRAY_TASK_ID", "5"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}, "K must be below N"},
           {"", {{"JOB_COMPLETION_INDEX", "3"}, {"KEYHOUND_SHARD_COUNT", "3"}}, "JOB_COMPLETION_INDEX=3"},
       }) {
    std::string e = error_of(flag, vars);
    EXPECT_NE(e.find(want), std::string::npos) << flag << " -> " << e;
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  }
}

TEST(Shard, HashIsStableAndSpreadsRepositories) {
  // Fixed values: a shard must mean the same repositories on every machine and release.
  EXPECT_EQ(keyhound::shard_of("", 1000), 14695981039346656037ull % 1000);
  EXPECT_EQ(keyhound::shard_of("https://example.com/a.git", 4), keyhound::shard_of("https://example.com/a.git", 4));
  std::map<unsigned, int> per;
  for (int i = 0; i < 400; ++i) per[keyhound::shard_of("/srv/git/repo" + std::to_string(i) + ".git", 4)]++;
  ASSERT_EQ(per.size(), 4u);
  for (auto& [k, n] : per) EXPECT_GT(n, 60) << k;
}

TEST(Shard, DatastoreUrlsHideTheirPassword) {
  using keyhound::redact_datastore_url;
  std::string pw = std::string("s3c") + "ret";  // built at run time: the repository scans clean
  EXPECT_EQ(redact_datastore_url("postgresql://kh:" + pw + "@db.example:5432/audit"),
            "postgresql://kh:***@db.example:5432/audit");
  EXPECT_EQ(redact_datastore_url("postgresql://kh@db/audit?sslmode=require&password=" + pw),
            "postgresql://kh@db/audit?sslmode=require&password=***");
  EXPECT_EQ(redact_datastore_url("postgres://db/audit"), "postgres://db/audit");
  EXPECT_TRUE(keyhound::is_postgres_url("postgres://x"));
  EXPECT_FALSE(keyhound::is_postgres_url("keyhound.db"));
}

}  // namespace
