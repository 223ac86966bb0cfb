// Reads single git objects by id without libgit2: loose objects and packed ones (found through
// each pack's .idx, deltas applied against their bases), each checked against its id. The
// pre-commit path reads HEAD's trees and a few blobs with it, so a commit never loads libgit2
// (and its 14 libraries) unless something here declines. Anything it does not take on
// (alternates, an object it cannot find or build, damage, a hash mismatch) is a plain "no":
// the caller then asks libgit2, which gives its own answer.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace keyhound {

enum class GitObjectType { None = 0, Commit = 1, Tree = 2, Blob = 3, Tag = 4 };

class GitObjectReader {
 public:
  // The object store of `git_dir` (with a trailing slash). Null, with `*why`, when the
  // repository borrows objects from elsewhere (objects/info/alternates).
  static std::unique_ptr<GitObjectReader> open(const std::string& git_dir, std::string* why);
  ~GitObjectReader();
  GitObjectReader(const GitObjectReader&) = delete;
  GitObjectReader& operator=(const GitObjectReader&) = delete;

  // Object `id` (20 raw bytes): its type and bytes, its SHA-1 checked. False when it is not
  // found, damaged, or stored in a way this reader does not take on. Thread-safe.
  bool read(const unsigned char* id, GitObjectType& type, std::string& data) const;
  // True when a pack's index lists object `id` (20 raw bytes); its bytes are not read. False
  // says nothing: it may be loose, or in a pack this reader does not take on.
  bool in_pack_index(const unsigned char* id) const;

 private:
  struct Pack;
  GitObjectReader() = default;
  bool read_loose(const unsigned char* id, GitObjectType& type, std::string& data) const;
  bool read_packed(const unsigned char* id, GitObjectType& type, std::string& data, int depth) const;
  bool build_at(const Pack& p, uint64_t offset, GitObjectType& type, std::string& data, int depth) const;
  std::string objects_;  // ".../objects/"
  std::vector<std::unique_ptr<Pack>> packs_;
};

// One tree entry: a name (no '/'), a git mode (0100644, 0100755, 0120000, 040000, 0160000) and
// the 20-byte id, pointing into the tree's bytes.
struct GitTreeEntry {
  std::string_view name;
  uint32_t mode = 0;
  const unsigned char* id = nullptr;
};

// Parses a tree exactly as git writes one (the modes above, names without NUL or '/', not "."
// or "..", sorted as git sorts them, each id whole). False for anything else.
bool parse_git_tree(std::string_view data, std::vector<GitTreeEntry>& out);

}  // namespace keyhound
