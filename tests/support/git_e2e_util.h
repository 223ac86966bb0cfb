// Helpers for the git end-to-end tests: repositories built in temp dirs with the git CLI.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "e2e_util.h"

namespace gite2e {
// Runs `git -C dir <args>` with a fixed identity and no user/system config; returns stdout
// (trimmed); a failing git command fails the test.
std::string git(const std::string& dir, const std::string& args);
// A fresh repository (branch main) in a temp dir.
std::string new_repo();
// Writes `content` to dir/path (creating folders), `git add`s it and commits; returns the sha.
std::string commit_file(const std::string& dir, const std::string& path, const std::string& content,
                        const std::string& msg = "change");
// An AWS key pair in credentials-file form, built at run time.
std::string key_pair(unsigned seed);
// `keyhound git --format json <args>`; sets *rc and *err when given.
nlohmann::json kh_git_json(const std::string& args, int* rc = nullptr, std::string* err = nullptr);
// The environment prefix of e2e::kh() ("XDG_CACHE_HOME=..."), for hooks that run keyhound.
std::string kh_env();
}  // namespace gite2e
