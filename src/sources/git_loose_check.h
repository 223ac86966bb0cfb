// Checks loose objects before libgit2 reads them: libgit2 1.5 (Debian 12) writes past a heap
// buffer in git_odb_read when a loose object's header declares fewer bytes than it holds
// (found by tests/fuzz/fuzz_git), so a hostile repository could corrupt our memory.
#pragma once
#include <string>
#include <vector>

namespace keyhound {

struct BadLooseObject {
  std::string oid;      // 40 hex digits
  std::string type;     // "blob", "tree", "commit", "tag", or "" if the header is unreadable
  std::string problem;  // one line
};

// Inflates every loose object under `git_dir`/objects (streaming, bounded memory) and returns
// those with a well-formed header whose declared size differs from the content. Other damage
// (bad zlib data, a broken header) libgit2 reports safely on its own.
std::vector<BadLooseObject> find_bad_loose_objects(const std::string& git_dir);

// A sound loose object's content, kept by the check that inflated it anyway.
struct LooseObject {
  std::string oid;   // 40 hex digits
  std::string type;  // "blob", "tree", "commit", "tag"
  std::string data;  // the content, without the header
};
// The same check; the sound small objects' content is also kept in `keep`, up to `keep_bytes`
// in all (the reader then need not open and inflate them again).
std::vector<BadLooseObject> find_bad_loose_objects(const std::string& git_dir, std::vector<LooseObject>& keep,
                                                   size_t keep_bytes);
// The same check for one object: "" if it is sound or not stored loose, else the problem.
std::string check_loose_object(const std::string& git_dir, const std::string& oid_hex);

}  // namespace keyhound
