#include "git_e2e_util.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace gite2e {

std::string git(const std::string& dir, const std::string& args) {
  std::string cmd = "GIT_CONFIG_NOSYSTEM=1 HOME=" + e2e::shell_quote(dir) +
                    " GIT_AUTHOR_NAME='Test Author' GIT_AUTHOR_EMAIL=author@example.com"
                    " GIT_COMMITTER_NAME='Test Author' GIT_COMMITTER_EMAIL=author@example.com"
                    " git -c init.defaultBranch=main -c protocol.file.allow=always -c commit.gpgsign=false -C " +
                    e2e::shell_quote(dir) + " " + args;
  auto r = e2e::run(cmd);
  EXPECT_EQ(r.exit_code, 0) << cmd << "\n" << r.err;
  std::string out = r.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string new_repo() {
  std::string d = e2e::make_temp_dir() + "/repo";
  std::filesystem::create_directories(d);
  git(d, "init -q");
  return d;
}

std::string commit_file(const std::string& dir, const std::string& path, const std::string& content,
                        const std::string& msg) {
  std::filesystem::path p = std::filesystem::path(dir) / path;
  std::filesystem::create_directories(p.parent_path());
  e2e::write_file(p.string(), content);
  git(dir, "add -- " + e2e::shell_quote(path));
  git(dir, "commit -q -m " + e2e::shell_quote(msg));
  return git(dir, "rev-parse HEAD");
}

std::string key_pair(unsigned seed) {
  return "[default]\naws_access_key_id = " + e2e::fake_key_id(seed) +
         "\naws_secret_access_key = " + e2e::fake_secret(seed) + "\n";
}

nlohmann::json kh_git_json(const std::string& args, int* rc, std::string* err) {
  auto r = e2e::run(e2e::kh() + " git --format json " + args);
  if (rc) *rc = r.exit_code;
  if (err) *err = r.err;
  try {
    return nlohmann::json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not JSON (exit " << r.exit_code << "): " << r.out << "\n" << r.err;
    return nlohmann::json::object();
  }
}

std::string kh_env() {
  std::string k = e2e::kh();
  return k.substr(0, k.find(' '));
}

}  // namespace gite2e
