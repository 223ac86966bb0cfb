// Reads git packs in pack order, without libgit2: every object is inflated exactly once and
// every delta is applied once against its base (a delta tree per base object, as
// `git index-pack` resolves them), spread over threads. Audits use it to read all trees and
// commits before planning and all blobs while scanning; objects it cannot read (loose, in no
// pack, a v1 index, a base outside the pack, damage) are left to libgit2.
//
// Hardening: every offset, size, varint and delta instruction is bounds-checked against the
// mapped files; a declared size no zlib stream of that length can produce is refused before
// anything is allocated; a delta's result size must match what its instructions build; the
// bytes held for pending delta bases are bounded. Each problem is one error line naming the
// pack and the object (or offset); the walk goes on with the other objects.
#pragma once
#include <git2.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace keyhound {

// What a walk does with the objects it meets. Called concurrently from the worker threads.
struct PackVisitor {
  virtual ~PackVisitor() = default;
  // Asked once per object occurrence before its bytes are built: true if visit() should get
  // them. An object nobody wants and that no delta needs as a base is never inflated.
  virtual bool wants(const git_oid& id, git_object_t type, uint64_t size) = 0;
  // `worker` is in [0, threads) and identifies the calling thread for the whole walk.
  virtual void visit(unsigned worker, const git_oid& id, git_object_t type, std::string_view data) = 0;
  // An object wants() accepted could not be built (the walk reports why).
  virtual void failed(const git_oid& id) { (void)id; }
};

class PackFile;

class PackSet {
 public:
  // Every objects/pack/*.idx (version 2) with its .pack under `git_dir`. A pack that cannot be
  // used at all is one line in `errors` (or silently left to libgit2: a v1 index, an .idx
  // without its .pack).
  static std::shared_ptr<PackSet> open_dir(const std::string& git_dir, std::vector<std::string>& errors);
  // One pack from memory (tests, fuzzing): the buffers must outlive the PackSet.
  static std::shared_ptr<PackSet> from_memory(const std::string& name, std::string_view idx, std::string_view pack,
                                              std::vector<std::string>& errors);
  PackSet();
  ~PackSet();
  PackSet(const PackSet&) = delete;
  PackSet& operator=(const PackSet&) = delete;

  enum class Roots { NonBlob, Blob, All };
  // Builds the objects whose delta tree starts at a base of the given kind (a delta has the
  // type of its base), each once, and hands the wanted ones to `v`. verify_ids: check that
  // each visited object hashes to its id. Errors are appended to `errors` (capped per pack).
  void walk(unsigned threads, Roots which, bool verify_ids, PackVisitor& v, std::vector<std::string>& errors) const;

  size_t pack_count() const { return packs_.size(); }
  // The lines open_dir added to its `errors`.
  const std::vector<std::string>& open_errors() const { return open_errors_; }
  uint64_t object_count() const;

  // Bytes of pending delta bases a worker may hold at once; beyond it a subtree is left to
  // libgit2 (with an error line). Tests lower it.
  uint64_t base_budget = 1ull << 30;
  // Objects larger than this (at most 4 GiB) are not built here but left to libgit2; the
  // fuzzer lowers it.
  uint64_t max_object = (1ull << 32) - 2;

 private:
  std::vector<std::unique_ptr<PackFile>> packs_;
  std::vector<std::string> open_errors_;
};

}  // namespace keyhound
