#include "sources/repo_discovery.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string_view>

namespace keyhound {

namespace fs = std::filesystem;

namespace {

bool is_bare_layout(const fs::path& d) {
  std::error_code ec;
  return fs::is_regular_file(d / "HEAD", ec) && fs::is_directory(d / "objects", ec) &&
         fs::is_directory(d / "refs", ec);
}

}  // namespace

std::vector<std::string> find_git_repositories(const std::string& dir, std::vector<std::string>& warnings) {
  std::set<std::string> found;
  fs::path root(dir);
  std::error_code ec;
  auto consider = [&](const fs::path& d) -> bool {  // true: a bare repository, do not descend
    std::error_code e;
    if (fs::exists(d / ".git", e)) found.insert(d.lexically_normal().string());
    if (d.filename() != ".git" && is_bare_layout(d)) {
      found.insert(d.lexically_normal().string());
      return true;
    }
    return false;
  };
  if (!fs::is_directory(root, ec)) {
    warnings.push_back(dir + ": not a directory");
    return {};
  }
  if (!consider(root)) {
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
    if (ec) warnings.push_back(dir + ": " + ec.message());
    while (!ec && it != end) {
      const fs::directory_entry& e = *it;
      std::error_code e2;
      if (e.is_directory(e2) && !e.is_symlink(e2)) {
        // A work tree's .git directory is the repository found above: do not walk its objects.
        if (e.path().filename() == ".git" || consider(e.path())) it.disable_recursion_pending();
      }
      it.increment(ec);
      if (ec) {
        warnings.push_back(e.path().string() + ": " + ec.message());
        ec.clear();
        break;
      }
    }
  }
  return {found.begin(), found.end()};
}

bool is_clone_url(const std::string& s) {
  if (s.find("://") != std::string::npos) return true;
  // scp-like: user@host:path (a local path may hold ':' but not before a '/').
  auto at = s.find('@'), colon = s.find(':'), slash = s.find('/');
  return at != std::string::npos && colon != std::string::npos && at < colon && (slash == std::string::npos || colon < slash);
}

std::string clone_folder_name(const std::string& url) {
  std::string u = url;
  auto scheme = u.find("://");
  if (scheme != std::string::npos) u = u.substr(scheme + 3);
  auto at = u.find('@');
  if (at != std::string::npos && at < u.find('/')) u = u.substr(at + 1);  // never keep credentials
  while (!u.empty() && u.back() == '/') u.pop_back();
  if (u.size() > 4 && u.compare(u.size() - 4, 4, ".git") == 0) u.resize(u.size() - 4);
  std::string out;
  for (char c : u) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-') ? c : '_';
  while (!out.empty() && out.front() == '.') out.erase(0, 1);  // never "..", never hidden
  if (out.empty()) out = "repository";
  return out + ".git";
}

namespace {

struct CredPayload {
  std::string token;
  int tries = 0;
};

int credentials(git_credential** out, const char*, const char* user_from_url, unsigned int allowed, void* payload) {
  auto* p = static_cast<CredPayload*>(payload);
  if (++p->tries > 3) return GIT_EUSER;  // wrong credentials: fail, do not loop
  if ((allowed & GIT_CREDENTIAL_SSH_KEY) != 0)
    return git_credential_ssh_key_from_agent(out, user_from_url ? user_from_url : "git");
  if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) != 0 && !p->token.empty())
    return git_credential_userpass_plaintext_new(out, "x-access-token", p->token.c_str());
  return GIT_PASSTHROUGH;
}

int mirror_remote(git_remote** out, git_repository* repo, const char* name, const char* url, void*) {
  return git_remote_create_with_fetchspec(out, repo, name, url, "+refs/*:refs/*");
}

}  // namespace

void mirror_repository(const std::string& url, const std::string& dir, const std::string& token) {
  git_libgit2_init();  // reference-counted; GitRepo::open does the same
  CredPayload cred{token};
  git_fetch_options fo = GIT_FETCH_OPTIONS_INIT;
  fo.callbacks.credentials = credentials;
  fo.callbacks.payload = &cred;
  fo.prune = GIT_FETCH_PRUNE;
  std::error_code ec;
  if (fs::exists(fs::path(dir) / "HEAD", ec)) {
    GitRepo repo = GitRepo::open(dir, false);
    git_remote* remote = nullptr;
    if (git_remote_lookup(&remote, repo.get(), "origin") != 0) throw GitError(git_error_text(url + ": no origin in " + dir));
    int rc = git_remote_fetch(remote, nullptr, &fo, "keyhound audit");
    git_remote_free(remote);
    if (rc != 0) throw GitError(git_error_text(url + ": fetch failed"));
    return;
  }
  // Cloned into a temporary name and renamed: a clone killed half-way is never taken for a mirror.
  std::string tmp = dir + ".partial";
  fs::remove_all(tmp, ec);
  git_clone_options co = GIT_CLONE_OPTIONS_INIT;
  co.bare = 1;
  co.fetch_opts = fo;
  co.remote_cb = mirror_remote;
  git_repository* repo = nullptr;
  int rc = git_clone(&repo, url.c_str(), tmp.c_str(), &co);
  if (rc != 0) {
    std::string msg = git_error_text(url + ": clone failed");
    fs::remove_all(tmp, ec);
    throw GitError(msg);
  }
  git_repository_free(repo);
  fs::rename(tmp, dir, ec);
  if (ec) throw GitError(url + ": cannot move the clone to " + dir + ": " + ec.message());
}

namespace {
std::string identity_of(const std::string& git_dir) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(git_dir, ec), ec);
  std::string s = p.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

bool slurp(const std::string& path, std::string& out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  out.clear();
  char buf[8192];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return n == 0;
}

bool is_oid_hex(std::string_view s) {
  if (s.size() != 40) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

// A ref file's text: a direct ref (40 hex digits) or a symbolic one ("ref: NAME"), each with
// one final newline or none. False for anything else.
bool parse_ref_text(std::string_view t, std::string& oid, std::string& target) {
  if (!t.empty() && t.back() == '\n') t.remove_suffix(1);
  oid.clear();
  target.clear();
  if (is_oid_hex(t)) {
    oid.assign(t);
    return true;
  }
  if (t.rfind("ref: ", 0) != 0) return false;
  t.remove_prefix(5);
  if (t.empty() || t.find_first_of(std::string_view(" \t\r\n\0", 5)) != std::string_view::npos) return false;
  target.assign(t);
  return true;
}
}  // namespace

std::string repository_identity(const GitRepo& repo) { return identity_of(repo.git_dir()); }

std::optional<QuickRepoState> quick_repo_state(const std::string& path) {
  char buf[PATH_MAX];
  if (!realpath(path.c_str(), buf)) return std::nullopt;
  std::string dir = buf;
  const uid_t me = geteuid();
  auto usable = [&](const std::string& d) {
    struct stat st {}, h {}, o {}, r {};
    return lstat(d.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == me &&
           stat((d + "/HEAD").c_str(), &h) == 0 && S_ISREG(h.st_mode) && stat((d + "/objects").c_str(), &o) == 0 &&
           S_ISDIR(o.st_mode) && stat((d + "/refs").c_str(), &r) == 0 && S_ISDIR(r.st_mode) &&
           access((d + "/commondir").c_str(), F_OK) != 0;
  };
  // As GitRepo::open without searching: DIR/.git, else DIR itself (bare, or a .git folder).
  std::string git_dir;
  struct stat dot {};
  if (lstat((dir + "/.git").c_str(), &dot) == 0) {
    if (!S_ISDIR(dot.st_mode) || !usable(dir + "/.git")) return std::nullopt;  // a .git file or link: libgit2
    struct stat wd {};
    if (stat(dir.c_str(), &wd) != 0 || wd.st_uid != me) return std::nullopt;
    git_dir = dir + "/.git/";
  } else if (usable(dir)) {
    git_dir = dir == "/" ? "/" : dir + "/";
  } else {
    return std::nullopt;
  }
  // Refs: packed ones, then loose ones over them.
  std::map<std::string, std::pair<std::string, std::string>> refs;  // name -> oid, symbolic target
  std::string packed;
  if (slurp(git_dir + "packed-refs", packed)) {
    size_t at = 0;
    while (at < packed.size()) {
      size_t nl = packed.find('\n', at);
      std::string_view line(packed.data() + at, (nl == std::string::npos ? packed.size() : nl) - at);
      at = nl == std::string::npos ? packed.size() : nl + 1;
      if (line.empty() || line[0] == '#' || line[0] == '^') continue;
      if (line.size() < 42 || line[40] != ' ' || !is_oid_hex(line.substr(0, 40))) return std::nullopt;
      std::string_view name = line.substr(41);
      if (name.rfind("refs/", 0) != 0 || name.find_first_of(std::string_view(" \t\r\0", 4)) != std::string_view::npos)
        return std::nullopt;
      refs[std::string(name)] = {std::string(line.substr(0, 40)), ""};
    }
  } else if (access((git_dir + "packed-refs").c_str(), F_OK) == 0) {
    return std::nullopt;  // there but unreadable
  }
  std::error_code ec;
  std::string oid, target, text;
  for (fs::recursive_directory_iterator it(git_dir + "refs", ec), end; !ec && it != end; it.increment(ec)) {
    const fs::directory_entry& e = *it;
    std::error_code se;
    if (e.is_directory(se)) continue;
    if (!e.is_regular_file(se)) return std::nullopt;  // a link or something odd: libgit2
    std::string name = "refs/" + fs::relative(e.path(), git_dir + "refs", se).string();
    if (se || name.size() >= 5 + 5 && name.compare(name.size() - 5, 5, ".lock") == 0) return std::nullopt;
    if (!slurp(e.path().string(), text) || !parse_ref_text(text, oid, target)) return std::nullopt;
    if (!target.empty() && target.rfind("refs/", 0) != 0) return std::nullopt;
    refs[name] = {oid, target};
  }
  if (ec) return std::nullopt;
  // A symbolic ref names a direct one (a chain of them is left to libgit2); one whose target
  // is missing is left out, as libgit2's ref_state leaves it out.
  bool chained = false;
  auto resolve = [&](const std::pair<std::string, std::string>& r, std::string& out) {
    if (r.second.empty()) {
      out = r.first;
      return true;
    }
    auto next = refs.find(r.second);
    if (next == refs.end()) return false;
    if (!next->second.second.empty()) chained = true;
    out = next->second.first;
    return true;
  };
  std::vector<std::string> lines;
  std::string resolved;
  for (auto& [name, r] : refs)
    if (resolve(r, resolved)) lines.push_back(name + " " + resolved);
  std::string head;
  if (!slurp(git_dir + "HEAD", head) || !parse_ref_text(head, oid, target)) return std::nullopt;
  if (!target.empty() && target.rfind("refs/", 0) != 0) return std::nullopt;
  if (resolve({oid, target}, resolved)) lines.push_back("HEAD " + resolved);
  if (chained) return std::nullopt;
  std::sort(lines.begin(), lines.end());
  QuickRepoState q;
  q.identity = identity_of(git_dir);
  for (auto& l : lines) q.refs += l + "\n";
  return q;
}

std::string ref_state(const GitRepo& repo) {
  std::vector<std::string> lines;
  git_reference_iterator* it = nullptr;
  if (git_reference_iterator_new(&it, repo.get()) != 0) throw GitError(git_error_text("cannot list refs"));
  git_reference* ref = nullptr;
  while (git_reference_next(&ref, it) == 0) {
    git_reference* resolved = nullptr;
    if (git_reference_resolve(&resolved, ref) == 0) {
      lines.push_back(std::string(git_reference_name(ref)) + " " + oid_hex(*git_reference_target(resolved)));
      git_reference_free(resolved);
    }
    git_reference_free(ref);
  }
  git_reference_iterator_free(it);
  git_oid head;
  if (git_reference_name_to_id(&head, repo.get(), "HEAD") == 0) lines.push_back("HEAD " + oid_hex(head));
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (auto& l : lines) out += l + "\n";
  return out;
}

}  // namespace keyhound
