// Resource bounds for `keyhound git` on generated repositories (issue 8): a blob over the size
// limit, a very deep tree, a long linear history. Repositories are built with git fast-import
// in temp dirs; keys are generated at run time.
#include <gtest/gtest.h>

#include <string>

#include "e2e_util.h"
#include "git_e2e_util.h"

using namespace e2e;
using nlohmann::json;

namespace {
// Feeds a fast-import stream into a fresh repository.
std::string import_repo(const std::string& stream) {
  std::string d = gite2e::new_repo();
  write_file(d + "/.import", stream);
  auto r = run("cd " + shell_quote(d) + " && git fast-import --quiet < .import && rm .import");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return d;
}

std::string commit_header(unsigned mark, unsigned from) {
  std::string s = "commit refs/heads/main\nmark :" + std::to_string(mark) +
                  "\ncommitter T <t@example.com> " + std::to_string(1600000000 + mark) + " +0000\ndata 2\nc\n";
  if (from) s += "from :" + std::to_string(from) + "\n";
  return s;
}

std::string inline_file(const std::string& path, const std::string& data) {
  return "M 100644 inline " + path + "\ndata " + std::to_string(data.size()) + "\n" + data + "\n";
}

int skipped(const json& j, const std::string& reason) {
  if (!j.contains("summary") || !j["summary"].contains("skipped")) return 0;
  return j["summary"]["skipped"].value(reason, 0);
}
}  // namespace

// The 2 GB blob of the issue, scaled down: a blob over --max-blob-size is skipped and counted,
// never read into memory; the small blob next to it is still scanned.
TEST(HardeningGitE2E, BlobOverSizeLimitIsSkippedAndCounted) {
  std::string big(8u << 20, 'x');
  for (size_t i = 100; i < big.size(); i += 100) big[i] = '\n';
  std::string key = "k = " + fake_key_id(201) + "\n";
  big.replace(1000, key.size(), key);  // a key inside the big blob must not be seen
  std::string d = import_repo(commit_header(1, 0) + inline_file("big.txt", big) +
                              inline_file("small.txt", "k = " + fake_key_id(202) + "\n"));
  int rc = -1;
  std::string err;
  json j = gite2e::kh_git_json("--no-redact --max-blob-size 1000000 " + shell_quote(d), &rc, &err);
  EXPECT_EQ(rc, 1) << err;
  EXPECT_EQ(skipped(j, "too large"), 1) << j.dump();
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump();
  EXPECT_NE(j["findings"][0].dump().find(fake_key_id(202)), std::string::npos);
  run("rm -rf " + shell_quote(d));
}

// A 10,000-level tree (a 20 KB path): no stack overflow, the file at the bottom is found.
TEST(HardeningGitE2E, TenThousandLevelDeepTree) {
  std::string path;
  for (int i = 0; i < 10000; ++i) path += "d/";
  path += "bottom.txt";
  std::string d = import_repo(commit_header(1, 0) + inline_file(path, "k = " + fake_key_id(211) + "\n"));
  int rc = -1;
  std::string err;
  json j = gite2e::kh_git_json(shell_quote(d), &rc, &err);
  EXPECT_EQ(rc, 1) << err.substr(0, 2000);
  ASSERT_EQ(j["findings"].size(), 1u) << err.substr(0, 2000);
  EXPECT_EQ(j["findings"][0]["path"].get<std::string>(), path);
  EXPECT_EQ(j["summary"].value("errors", 1), 0);
  run("rm -rf " + shell_quote(d));
}

// 100,000 commits in one chain: no recursion depth problem; every commit is visited.
TEST(HardeningGitE2E, HundredThousandCommitChain) {
  const unsigned n = 100000;
  std::string s;
  s.reserve(n * 120);
  for (unsigned i = 1; i <= n; ++i) {
    s += commit_header(i, i > 1 ? i - 1 : 0);
    // The key appears in commit 50,000 only and is removed in the next one.
    std::string content = i == n / 2 ? "k = " + fake_key_id(221) + "\n" : "line " + std::to_string(i) + "\n";
    s += inline_file("f.txt", content);
  }
  std::string d = import_repo(s);
  s.clear();
  int rc = -1;
  std::string err;
  json j = gite2e::kh_git_json(shell_quote(d), &rc, &err);
  EXPECT_EQ(rc, 1) << err;
  EXPECT_EQ(j["summary"].value("commits_scanned", 0), static_cast<int>(n));
  ASSERT_EQ(j["findings"].size(), 1u);
  run("rm -rf " + shell_quote(d));
}
