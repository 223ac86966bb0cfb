// Git reader fuzzer: a small repository is built once (git CLI, in a temp dir); each input
// replaces one of its loose objects (commit, tree or blob) with mutated content, then the
// history is planned (plan_git_scan) and every planned blob read (read_blob). A corrupt object
// must become an error entry or a GitError, never a crash, a hang or unbounded memory.
//
// Input layout: byte 0 picks the object; byte 1 bit 0 set = the input starts with its own object
// type ("tree\0..."), else the original type is kept. The size field always matches.
#include <git2.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sources/git_source.h"

using namespace keyhound;

namespace {
struct LooseObject {
  std::string path;   // file under .git/objects
  std::string type;   // commit, tree, blob
  std::string file;   // original compressed bytes
};

struct Repo {
  std::string dir;
  std::vector<LooseObject> objects;
};

std::string slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void spit(const std::string& p, const std::string& data) {
  std::ofstream f(p, std::ios::binary | std::ios::trunc);
  f << data;
}

void sh(const std::string& cmd) {
  if (std::system(cmd.c_str()) != 0) {
    std::fprintf(stderr, "fuzz_git setup failed: %s\n", cmd.c_str());
    std::abort();
  }
}

Repo& repo() {
  static Repo* r = [] {
    auto* x = new Repo;
    char tmpl[] = "/tmp/keyhound-fuzz-git-XXXXXX";
    if (!mkdtemp(tmpl)) std::abort();
    x->dir = tmpl;
    std::string g = "git -C " + x->dir + " -c user.name=f -c user.email=f@x -c commit.gpgsign=false ";
    sh("git init -q -b main " + x->dir + " && mkdir -p " + x->dir + "/a/b/c");
    sh("printf 'one\\ntoken = abc\\n' > " + x->dir + "/one.txt && printf 'deep\\n' > " + x->dir + "/a/b/c/d.txt");
    sh(g + "add -A && " + g + "commit -q -m first");
    sh("printf 'two\\n' >> " + x->dir + "/one.txt && printf 'x' > " + x->dir + "/a/new.bin");
    sh(g + "add -A && " + g + "commit -q -m second");
    sh(g + "checkout -q -b side && printf 'side\\n' > " + x->dir + "/side.txt && " + g + "add -A && " + g +
       "commit -q -m side && " + g + "checkout -q main && " + g + "merge -q --no-edit side");
    // Every loose object, with its type.
    std::string list = x->dir + "/.objects";
    sh("cd " + x->dir + " && find .git/objects -type f -path '*/[0-9a-f][0-9a-f]/*' | sort > " + list);
    std::istringstream in(slurp(list));
    for (std::string p; std::getline(in, p);) {
      std::string id = p.substr(p.size() - 41, 2) + p.substr(p.size() - 38);
      std::string t = x->dir + "/.type";
      sh("git -C " + x->dir + " cat-file -t " + id + " > " + t);
      LooseObject o{x->dir + "/" + p, slurp(t), ""};
      while (!o.type.empty() && o.type.back() == '\n') o.type.pop_back();
      o.file = slurp(o.path);
      x->objects.push_back(o);
    }
    if (x->objects.empty()) std::abort();
    // Mutated objects no longer match their ids; parse them anyway.
    git_libgit2_init();
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
    return x;
  }();
  return *r;
}

std::string deflate(const std::string& raw) {
  uLongf n = compressBound(raw.size());
  std::string out(n, '\0');
  if (compress2(reinterpret_cast<Bytef*>(&out[0]), &n, reinterpret_cast<const Bytef*>(raw.data()), raw.size(),
                1) != Z_OK)
    std::abort();
  out.resize(n);
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Repo& r = repo();
  if (size < 2 || size > 64 * 1024) return 0;
  LooseObject& o = r.objects[data[0] % r.objects.size()];
  std::string body(reinterpret_cast<const char*>(data) + 2, size - 2);
  std::string raw;
  if (data[1] & 1) {
    // The input names the type ("tree", "blob", junk...) up to its first NUL; the size field is
    // kept honest. libgit2 1.5 (Debian) writes past its buffer on a loose object whose declared
    // size is smaller than its content (found by this harness, a libgit2 bug, not keyhound's);
    // set KEYHOUND_FUZZ_GIT_RAW_HEADERS=1 to fuzz raw headers anyway.
    static const bool raw_headers = std::getenv("KEYHOUND_FUZZ_GIT_RAW_HEADERS") != nullptr;
    if (raw_headers) {
      raw = body;
    } else {
      size_t nul = body.find('\0');
      // The type ends at the first space too, so the size field that follows is always ours.
      std::string type = body.substr(0, std::min<size_t>({nul, body.find(' '), 16}));
      std::string rest = nul == std::string::npos ? "" : body.substr(nul + 1);
      raw = type + " " + std::to_string(rest.size()) + std::string(1, '\0') + rest;
    }
  } else {
    raw = o.type + " " + std::to_string(body.size()) + std::string(1, '\0') + body;
  }
  ::chmod(o.path.c_str(), 0644);
  spit(o.path, deflate(raw));
  try {
    GitRepo g = GitRepo::open(r.dir, false);
    GitPlanOptions po;
    GitPlan plan = plan_git_scan(g, po);
    for (auto& b : plan.blobs) {
      BlobBytes bb = read_blob(g.get(), b.blob, 1 << 20);
      if (bb.status == BlobBytes::Status::Ok && bb.data.size() > (1u << 20)) std::abort();
      if (b.added_lines_only && bb.status == BlobBytes::Status::Ok) {
        BlobBytes old = read_blob(g.get(), b.old_blob, 1 << 20);
        if (old.status == BlobBytes::Status::Ok) added_lines(old.data, bb.data);
      }
    }
  } catch (const GitError&) {
  }
  spit(o.path, o.file);  // restore for the next input
  return 0;
}
