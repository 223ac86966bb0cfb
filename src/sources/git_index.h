// Reads a git index file (.git/index, versions 2-4) directly: its entries and the cache-tree
// extension. libgit2 loads an index by hashing the whole file and copying every entry into
// its own maps (~100 ms for 100,000 files); the pre-commit path needs only a pass over it.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keyhound {

// 32 bytes: a 100,000-file index makes 100,000 of them, and each page of them is a page fault.
struct IndexEntry {
  std::string_view path;  // into GitIndexFile's memory
  const unsigned char* oid = nullptr;  // 20 bytes, into GitIndexFile's mapping
  uint32_t mode = 0;      // 0100644, 0100755, 0120000, 0160000
  uint8_t stage = 0;            // 0, or 1-3 for a conflict
  bool intent_to_add = false;   // `git add -N`
  bool skip_worktree = false;
  bool assume_valid = false;
};

// One node of the cache-tree: the tree the index entries under `path` would write, when
// `valid` (git invalidates a node and its parents whenever an entry below changes).
struct CacheTreeNode {
  bool valid = false;
  int entry_count = -1;  // index entries the node covers (-1: invalid)
  unsigned char oid[20] = {};
  std::map<std::string, std::unique_ptr<CacheTreeNode>, std::less<>> children;  // by name
};

class GitIndexFile {
 public:
  // Reads and parses `path`. nullopt when the file is absent, unreadable or anything this
  // reader does not take on exactly as libgit2 would (damage, a split or sparse index, an
  // unknown required extension, a version other than 2-4); the caller then uses libgit2.
  // `*why` (when given) says why.
  static std::optional<GitIndexFile> read(const std::string& path, std::string* why = nullptr);

  GitIndexFile(GitIndexFile&&) noexcept;
  GitIndexFile& operator=(GitIndexFile&&) noexcept;
  GitIndexFile(const GitIndexFile&) = delete;
  ~GitIndexFile();

  int version() const { return version_; }
  // Sorted by path bytes, then stage, as git writes them.
  const std::vector<IndexEntry>& entries() const { return entries_; }
  // The root of the cache-tree, or null when the index has none.
  const CacheTreeNode* cache_tree() const { return cache_tree_.get(); }

 private:
  GitIndexFile() = default;
  void* map_ = nullptr;
  size_t map_size_ = 0;
  // Version 4 stores paths prefix-compressed: rebuilt here. A vector, not a string: entries
  // point into it, and a moved vector keeps its buffer where a short string would not (SSO).
  std::vector<char> v4_paths_;
  int version_ = 0;
  std::vector<IndexEntry> entries_;
  std::unique_ptr<CacheTreeNode> cache_tree_;
};

}  // namespace keyhound
