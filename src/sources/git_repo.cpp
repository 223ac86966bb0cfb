// Repository and object reading: opening a repository (one handle per thread), libgit2's
// errors, object ids, reading one blob, LFS pointers, and the switches for the faster readers.
#include "sources/git_source.h"

#include <dlfcn.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "sources/git_loose_check.h"

namespace keyhound {

std::string git_error_text(const std::string& what) {
  const git_error* e = git_error_last();
  std::string msg = e && e->message ? e->message : "unknown libgit2 error";
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == '.')) msg.pop_back();
  return what + ": " + msg;
}

std::string oid_hex(const git_oid& id) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof buf, &id);
  return buf;
}

bool oid_is_zero(const git_oid& id) {
  for (unsigned char c : id.id)
    if (c) return false;
  return true;
}

bool staged_fast_enabled() {
  const char* v = std::getenv("KEYHOUND_GIT_STAGED_FAST");
  return !(v && std::string(v) == "0");
}

bool pack_reader_enabled() {
  const char* v = std::getenv("KEYHOUND_GIT_PACK_READER");
  return !(v && std::string(v) == "0");
}

}  // namespace keyhound

// Debian's libgit2 is built on mbedTLS, and git_libgit2_init() parses the whole system CA bundle
// (/etc/ssl/certs, ~140 certificates: 5 ms, a third of a pre-commit run) for HTTPS remotes.
// Only `keyhound audit` of clone URLs lets libgit2 open a connection; every other command reads
// local repositories, so this definition, which the dynamic loader binds ahead of libmbedx509's,
// loads no certificate unless enable_git_tls_certificates() was called first. It is never called
// by libgit2 builds on OpenSSL or when keyhound makes requests (libcurl, OpenSSL).
namespace {
std::atomic<bool> g_git_tls{false};
}  // namespace

void keyhound::enable_git_tls_certificates() { g_git_tls = true; }

extern "C" int mbedtls_x509_crt_parse_file(void* chain, const char* path) {
  if (g_git_tls) {
    using Parse = int (*)(void*, const char*);
    // The real parser: next in the global scope, or in libmbedx509 that libgit2 brought in.
    static Parse real = [] {
      auto p = reinterpret_cast<Parse>(dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file"));
      if (!p)
        if (void* h = dlopen("libmbedx509.so.1", RTLD_LAZY | RTLD_NOLOAD))
          p = reinterpret_cast<Parse>(dlsym(h, "mbedtls_x509_crt_parse_file"));
      return p;
    }();
    if (real) return real(chain, path);
  }
  return 0;  // "parsed, nothing to add": libgit2 keeps an empty CA chain
}

namespace keyhound {

GitRepo GitRepo::open(const std::string& path, bool search_up) {
  git_libgit2_init();
  git_repository* r = nullptr;
  unsigned flags = search_up ? 0 : GIT_REPOSITORY_OPEN_NO_SEARCH;
  if (git_repository_open_ext(&r, path.c_str(), flags, nullptr) != 0)
    throw GitError(git_error_text(path + ": not a git repository"));
  return GitRepo(r);
}

GitRepo::~GitRepo() {
  if (repo_) git_repository_free(repo_);
}

std::string GitRepo::git_dir() const { return git_repository_path(repo_); }
std::string GitRepo::workdir() const {
  const char* w = git_repository_workdir(repo_);
  return w ? w : "";
}
bool GitRepo::bare() const { return git_repository_is_bare(repo_) == 1; }
bool GitRepo::shallow() const { return git_repository_is_shallow(repo_) == 1; }

BlobBytes read_blob(git_repository* repo, const git_oid& id, uint64_t max_size) {
  BlobBytes out;
  git_odb* odb = nullptr;
  if (git_repository_odb(&odb, repo) != 0) {
    out.status = BlobBytes::Status::Error;
    out.error = git_error_text("object database");
    return out;
  }
  // Never hand libgit2 a loose object whose header lies about its size (see git_loose_check.h).
  if (std::string problem = check_loose_object(git_repository_path(repo), oid_hex(id)); !problem.empty()) {
    out.status = BlobBytes::Status::Error;
    out.error = "corrupt object " + oid_hex(id) + " (blob): " + problem + "; not read";
    git_odb_free(odb);
    return out;
  }
  git_odb_object* obj = nullptr;
  if (git_odb_read(&obj, odb, &id) != 0) {
    out.status = BlobBytes::Status::Error;
    out.error = git_error_text("blob " + oid_hex(id));
    git_odb_free(odb);
    return out;
  }
  // The size is checked after reading: libgit2 1.5 resolves a packed delta's whole chain to
  // answer git_odb_read_header, which costs about as much as reading (measured: 12% slower
  // overall). A blob over the limit is read once and dropped.
  out.size = git_odb_object_size(obj);
  if (out.size > max_size) {
    out.status = BlobBytes::Status::TooLarge;
    git_odb_object_free(obj);
    git_odb_free(odb);
    return out;
  }
  out.data.assign(static_cast<const char*>(git_odb_object_data(obj)), out.size);
  git_odb_object_free(obj);
  git_odb_free(odb);
  return out;
}

bool is_lfs_pointer(std::string_view data) {
  if (data.size() > 1024) return false;
  return data.rfind("version https://git-lfs.github.com/spec/", 0) == 0 ||
         data.rfind("version https://hawser.github.com/spec/", 0) == 0;
}

}  // namespace keyhound
