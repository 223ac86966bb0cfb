// A loose object whose header lies about its size overflows libgit2 1.5's reader: keyhound must
// name it and never hand it to libgit2.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "e2e_util.h"

using namespace e2e;

namespace {
std::string sh(const std::string& dir, const std::string& cmd) {
  auto r = run("cd " + shell_quote(dir) + " && " + cmd);
  EXPECT_EQ(r.exit_code, 0) << cmd << ": " << r.err;
  std::string out = r.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

// Overwrites object `id` with a valid zlib stream whose header declares 3 bytes but holds 5000.
void make_lying_object(const std::string& repo, const std::string& id, const std::string& type) {
  std::string raw = type + " 3" + std::string(1, '\0') + std::string(5000, 'A');
  uLongf len = compressBound(raw.size());
  std::string z(len, '\0');
  ASSERT_EQ(compress(reinterpret_cast<Bytef*>(&z[0]), &len, reinterpret_cast<const Bytef*>(raw.data()), raw.size()), Z_OK);
  z.resize(len);
  std::string path = repo + "/.git/objects/" + id.substr(0, 2) + "/" + id.substr(2);
  std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  write_file(path, z);
}

std::string new_repo_with_key() {
  std::string d = make_temp_dir();
  sh(d, "git init -q && git config user.email t@example.test && git config user.name t");
  write_file(d + "/plain.txt", "hello\n");
  write_file(d + "/k.env", "aws_access_key_id = " + fake_key_id(301) + "\n");
  sh(d, "git add . && git commit -qm one");
  return d;
}
}  // namespace

TEST(GitLooseObjects, LyingBlobIsNamedSkippedAndTheRestIsScanned) {
  std::string d = new_repo_with_key();
  std::string id = sh(d, "git rev-parse HEAD:plain.txt");
  make_lying_object(d, id, "blob");
  auto r = run(kh() + " git --format json " + d);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("corrupt object " + id), std::string::npos) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["summary"]["skipped"]["corrupt object"], 1);
}

TEST(GitLooseObjects, LyingTreeStopsTheAuditWithANamedError) {
  std::string d = new_repo_with_key();
  std::string id = sh(d, "git rev-parse 'HEAD^{tree}'");
  make_lying_object(d, id, "tree");
  auto r = run(kh() + " git " + d);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(id), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("refusing to read it"), std::string::npos) << r.err;
}

TEST(GitLooseObjects, LyingStagedBlobIsNamed) {
  std::string d = new_repo_with_key();
  write_file(d + "/new.txt", "staged content\n");
  sh(d, "git add new.txt");
  std::string id = sh(d, "git rev-parse :new.txt");
  make_lying_object(d, id, "blob");
  auto r = run(kh() + " git --staged " + d);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("corrupt object " + id), std::string::npos) << r.err;
}
