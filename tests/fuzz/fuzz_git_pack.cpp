// Pack reader fuzzer (src/sources/git_pack.*): a small repository is built and repacked once
// (git CLI, in a temp dir; OFS_DELTA chains included). Each input damages its .idx/.pack pair,
// which PackSet::from_memory then walks on two threads with id checks on. Every problem must
// be an error line, never a crash, a hang, or an object larger than the pack could hold.
//
// Input layout: byte 0 bit 0 clear = patches: byte 1 picks the file (bit 0: index, else pack),
// bytes 2-3 (little endian) a new length (0 = unchanged, shorter truncates), then 3-byte
// patches (16-bit position, modulo the length; a byte XORed in). Bit 0 set = raw: bytes 1-4
// (little endian) the index length, then the index, then the pack.
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sources/git_pack.h"

using namespace keyhound;

namespace {

std::string slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void sh(const std::string& cmd) {
  if (std::system(cmd.c_str()) != 0) {
    std::fprintf(stderr, "fuzz_git_pack setup failed: %s\n", cmd.c_str());
    std::abort();
  }
}

struct Pair {
  std::string idx, pack;
};

const Pair& original() {
  static const Pair* p = [] {
    char tmpl[] = "/tmp/keyhound-fuzz-pack-XXXXXX";
    if (!mkdtemp(tmpl)) std::abort();
    std::string d = tmpl;
    std::string g = "git -C " + d + " -c user.name=f -c user.email=f@x -c commit.gpgsign=false ";
    sh("git init -q -b main " + d);
    for (int i = 0; i < 6; ++i) {
      sh("seq 1 " + std::to_string(40 + i) + " > " + d + "/a.txt && seq " + std::to_string(i) + " 30 > " + d + "/b.txt");
      sh(g + "add -A && " + g + "commit -q -m c" + std::to_string(i));
    }
    sh(g + "repack -adfq");
    sh("cd " + d + "/.git/objects/pack && ls pack-*.idx | head -1 > " + d + "/.idx");
    std::string name = slurp(d + "/.idx");
    while (!name.empty() && name.back() == '\n') name.pop_back();
    auto* x = new Pair;
    x->idx = slurp(d + "/.git/objects/pack/" + name);
    x->pack = slurp(d + "/.git/objects/pack/" + name.substr(0, name.size() - 4) + ".pack");
    sh("rm -rf " + d);
    if (x->idx.empty() || x->pack.size() < 32) std::abort();
    return x;
  }();
  return *p;
}

constexpr uint64_t kMaxObject = 16u << 20;

struct Check : PackVisitor {
  bool wants(const git_oid&, git_object_t, uint64_t) override { return true; }
  void visit(unsigned, const git_oid&, git_object_t, std::string_view data) override {
    if (data.size() > kMaxObject) std::abort();  // over the limit: must never be built
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Pair& orig = original();
  if (size < 1 || size > 256 * 1024) return 0;
  Pair p;
  if (data[0] & 1) {
    if (size < 5) return 0;
    uint32_t n = data[1] | (uint32_t(data[2]) << 8) | (uint32_t(data[3]) << 16) | (uint32_t(data[4]) << 24);
    std::string rest(reinterpret_cast<const char*>(data) + 5, size - 5);
    if (n > rest.size()) n = static_cast<uint32_t>(rest.size());
    p.idx = rest.substr(0, n);
    p.pack = rest.substr(n);
  } else {
    p = orig;
    if (size >= 4) {
      std::string& f = (data[1] & 1) ? p.idx : p.pack;
      size_t len = data[2] | (size_t(data[3]) << 8);
      if (len && len < f.size()) f.resize(len);
      for (size_t i = 4; i + 3 <= size && !f.empty(); i += 3) {
        size_t pos = (data[i] | (size_t(data[i + 1]) << 8)) % f.size();
        f[pos] = static_cast<char>(f[pos] ^ data[i + 2]);
      }
    }
  }
  std::vector<std::string> errors;
  auto set = PackSet::from_memory("pack-fuzz.pack", p.idx, p.pack, errors);
  set->base_budget = 64ull << 20;
  set->max_object = kMaxObject;
  Check c;
  set->walk(2, PackSet::Roots::All, true, c, errors);
  for (auto& e : errors)
    if (e.find('\n') != std::string::npos) std::abort();  // one line each
  return 0;
}
