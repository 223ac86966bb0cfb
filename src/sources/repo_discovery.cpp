#include "sources/repo_discovery.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

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

std::string repository_identity(const GitRepo& repo) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(repo.git_dir(), ec), ec);
  std::string s = p.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
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
