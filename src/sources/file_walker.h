// Walks files and directories into a sorted list of regular files to scan. Never follows a
// symlink found inside a tree (no loops, no escaping the tree); skips .git folders.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace keyhound {

struct WalkOptions {
  uint64_t max_file_size = 256ull << 20;
  // Returns true for paths to leave out (allowlisted path globs); counted as "allowlisted path".
  std::function<bool(const std::string&)> exclude;
};

struct WalkEntry {
  std::string path;
  uint64_t size = 0;
};

struct WalkResult {
  std::vector<WalkEntry> files;              // sorted by path
  std::map<std::string, uint64_t> skipped;   // reason -> count
  std::vector<std::string> warnings;         // one line each, naming the path
  std::vector<std::string> errors;           // a named root that does not exist or can't be read
};

WalkResult walk_paths(const std::vector<std::string>& roots, const WalkOptions& opts);

// Display form of a path for text output: control characters and invalid UTF-8 escaped.
std::string escape_path_for_terminal(const std::string& path);

}  // namespace keyhound
