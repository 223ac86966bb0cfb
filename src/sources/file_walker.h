// Walks files and directories, handing each regular file to scan to a callback as it is found.
// Never follows a symlink found inside a tree (no loops, no escaping the tree); skips .git
// folders.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "findings/skip_reason.h"

namespace keyhound {

struct WalkOptions {
  uint64_t max_file_size = 256ull << 20;
  // Returns true for paths to leave out (allowlisted path globs); counted as "allowlisted path".
  std::function<bool(const std::string&)> exclude;
};

struct WalkEntry {
  std::string path;
  uint64_t size = 0;
  // False when the walk took the file's type from readdir (d_type) without a stat: the
  // reader checks the size limit after its own fstat, and counts "too large" itself.
  bool size_known = true;
  bool named = false;  // a root the user named (followed even if it is a symlink)
};

// What the walk found besides the files themselves.
struct WalkResult {
  SkipCounts skipped;                        // reason -> count
  std::vector<std::string> warnings;         // one line each, naming the path
  std::vector<std::string> errors;           // a named root that does not exist or can't be read
};

// Hands each file to `on_file` as soon as it is found, so scanning can start before the walk
// ends; the order is the walk's, not sorted. Skips, warnings and errors are collected in `out`.
void walk_paths_each(const std::vector<std::string>& roots, const WalkOptions& opts, WalkResult& out,
                     const std::function<void(WalkEntry&&)>& on_file);

// The path as reports show it, one way however the file was reached: "./" prefixes and
// doubled slashes dropped (`scan .`, `scan ./src/`, `scan src/a.env` all give "src/a.env"). A
// name that would then read as an option or stdin ("-x", "-") keeps its "./". Lexical only:
// the result names the same file from the same working directory.
std::string tidy_path(std::string path);

// Display form of a path for text output: control characters and invalid UTF-8 escaped.
std::string escape_path_for_terminal(const std::string& path);

}  // namespace keyhound
