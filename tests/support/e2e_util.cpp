#include "e2e_util.h"

#include "base/hex.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <vector>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace e2e {

std::string shell_quote(const std::string& s) {
  std::string o = "'";
  for (char c : s) {
    if (c == '\'') o += "'\\''";
    else o += c;
  }
  return o + "'";
}

namespace {
// Every folder a test process makes is removed when it exits (set KEYHOUND_KEEP_TEST_DIRS=1 to
// look at them): each ctest test is a process of its own, and they used to pile up in /tmp.
struct TempDirs {
  std::mutex mu;
  std::vector<std::string> dirs;
  ~TempDirs() {
    if (std::getenv("KEYHOUND_KEEP_TEST_DIRS")) return;
    for (auto& d : dirs) {
      std::error_code ec;
      std::filesystem::remove_all(d, ec);
    }
  }
};
TempDirs& temp_dirs() {
  static TempDirs t;
  return t;
}
}  // namespace

std::string make_temp_dir() {
  char tmpl[] = "/tmp/keyhound-e2e-XXXXXX";
  if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
  TempDirs& t = temp_dirs();
  std::lock_guard<std::mutex> lk(t.mu);
  t.dirs.push_back(tmpl);
  return tmpl;
}

void write_file(const std::string& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary);
  f << content;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string read_line(const std::string& path, uint64_t n) {
  std::istringstream in(read_file(path));
  std::string line;
  for (uint64_t i = 0; i < n; ++i)
    if (!std::getline(in, line)) return "";
  return line;
}

RunResult run(const std::string& cmd, const std::string& stdin_data) {
  static int counter = 0;
  std::string base = "/tmp/keyhound-e2e-run-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  write_file(base + ".in", stdin_data);
  std::string full = "(" + cmd + ") <" + base + ".in >" + base + ".out 2>" + base + ".err";
  int st = std::system(full.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  r.out = read_file(base + ".out");
  r.err = read_file(base + ".err");
  std::remove((base + ".in").c_str());
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return r;
}

std::string kh() {
  static std::string cache = make_temp_dir();
  return "XDG_CACHE_HOME=" + cache + " " + std::string(KEYHOUND_BINARY);
}

std::string base64(const std::string& s, bool url_safe, bool pad) { return keyhound::base64_encode(s, url_safe, pad); }

bool have_jsonschema() { return run("python3 -c 'import jsonschema' 2>/dev/null").exit_code == 0; }

std::string schema_path(const std::string& name) { return std::string(KEYHOUND_SOURCE_DIR) + "/tests/schemas/" + name; }

RunResult validate_json(const std::string& doc, const std::string& schema_name) {
  return run("python3 -c 'import json,sys,jsonschema; s=json.load(open(sys.argv[2])); "
             "jsonschema.validators.validator_for(s)(s).validate(json.load(open(sys.argv[1])))' " +
             shell_quote(doc) + " " + shell_quote(schema_path(schema_name)) + " 2>&1");
}

}  // namespace e2e
