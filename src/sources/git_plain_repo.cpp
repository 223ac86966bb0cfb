// A plain repository found and read without libgit2 (for the pre-commit path,
// src/sources/git_staged.h): its git directory as libgit2's discovery would find it, the
// configuration that could make libgit2 see it differently, and HEAD's commit.
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/hex.h"
#include "sources/git_staged.h"

namespace keyhound {

namespace {

bool is_dir(const std::string& p) {
  struct stat st {};
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::ostringstream ss;
  ss << f.rdbuf();
  out = ss.str();
  return true;
}

// 40 lowercase hex digits, optionally followed by a newline: a ref file's whole content.
bool parse_id(std::string_view s, unsigned char out[20]) {
  if (s.size() == 41 && s.back() == '\n') s.remove_suffix(1);
  if (s.size() != 40) return false;
  for (int i = 0; i < 20; ++i) {
    char a = s[2 * i], b = s[2 * i + 1];
    if (std::isupper(static_cast<unsigned char>(a)) || std::isupper(static_cast<unsigned char>(b))) return false;
    int hi = hex_digit_value(a), lo = hex_digit_value(b);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return true;
}

// What a config file holds that could change libgit2's view of the repository ("" if nothing).
std::string config_file_concern(const std::string& path) {
  std::string text;
  if (!read_file(path, text)) return "";
  std::istringstream in(text);
  std::string line, section;
  while (std::getline(in, line)) {
    std::string l;
    for (char c : line)
      if (!std::isspace(static_cast<unsigned char>(c))) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (l.empty() || l[0] == '#' || l[0] == ';') continue;
    if (l[0] == '[') {
      section = l.substr(1, l.find_first_of("]\"") - 1);
      if (section.rfind("include", 0) == 0 || section == "extensions") return "[" + section + "] in " + path;
      size_t close = l.find(']');
      if (close == std::string::npos || close + 1 == l.size()) continue;
      l = l.substr(close + 1);  // "[core] bare = false" on one line
    }
    if (section != "core") continue;
    std::string key = l.substr(0, l.find('=')), value = l.find('=') == std::string::npos ? "true" : l.substr(l.find('=') + 1);
    bool is_false = value == "false" || value == "no" || value == "off" || value == "0";
    if ((key == "ignorecase" || key == "bare") && !is_false) return "core." + key + " in " + path;
    if (key == "worktree") return "core.worktree in " + path;
    if (key == "repositoryformatversion" && value != "0") return "core.repositoryformatversion " + value + " in " + path;
  }
  return "";
}

}  // namespace

std::string plain_config_concern(const PlainRepo& repo) {
  if (access((repo.git_dir + "config.worktree").c_str(), F_OK) == 0) return "config.worktree";
  std::vector<std::string> files{repo.common_dir + "config", "/etc/gitconfig"};
  const char* home = std::getenv("HOME");
  if (home && *home) files.push_back(std::string(home) + "/.gitconfig");
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg && *xdg) files.push_back(std::string(xdg) + "/git/config");
  else if (home && *home) files.push_back(std::string(home) + "/.config/git/config");
  for (auto& f : files)
    if (std::string c = config_file_concern(f); !c.empty()) return c;
  return "";
}

bool plain_head_commit(const PlainRepo& repo, unsigned char out[20], std::string* why) {
  const std::string& git_dir = repo.git_dir;
  auto no = [&](const std::string& r) {
    if (why) *why = r;
    return false;
  };
  std::string head;
  if (!read_file(git_dir + "HEAD", head)) return no("no HEAD file");
  if (parse_id(head, out)) return true;  // detached
  if (head.rfind("ref: ", 0) != 0 || head.back() != '\n') return no("HEAD is neither a ref nor a commit id");
  std::string ref = head.substr(5, head.size() - 6);
  if (ref.rfind("refs/heads/", 0) != 0 || ref.find("..") != std::string::npos || ref.find('\\') != std::string::npos ||
      ref.find_first_of(" \t\r\n\0", 0, 5) != std::string::npos)
    return no("HEAD names an unusual ref");
  std::string loose;
  // A branch lives in the common folder (a linked worktree's own refs are not branches).
  if (read_file(repo.common_dir + ref, loose)) {
    if (parse_id(loose, out)) return true;
    return no("the ref HEAD names is not a commit id");
  }
  std::string packed;
  if (read_file(repo.common_dir + "packed-refs", packed)) {
    std::istringstream in(packed);
    std::string line;
    while (std::getline(in, line))
      if (line.size() == 41 + ref.size() && line[40] == ' ' && line.compare(41, std::string::npos, ref) == 0)
        return parse_id(std::string_view(line).substr(0, 40), out) || no("packed-refs holds an unusual line");
  }
  return no("HEAD's branch has no commit yet");
}

std::optional<PlainRepo> find_plain_repo(const std::string& path, std::string* why) {
  auto no = [&](const std::string& r) -> std::optional<PlainRepo> {
    if (why) *why = r;
    return std::nullopt;
  };
  char buf[PATH_MAX];
  if (!realpath(path.c_str(), buf)) return no("cannot resolve the path");
  std::string dir = buf;
  if (!is_dir(dir)) return no("not a folder");
  // As libgit2 searches: DIR/.git, then DIR itself (bare), then the parent; never across file
  // systems.
  dev_t device = 0;
  bool first = true;
  const uid_t me = geteuid();
  for (;;) {
    std::string dot = (dir == "/" ? "" : dir) + "/.git";
    struct stat st {};
    if (lstat(dot.c_str(), &st) == 0) {
      if (first) device = st.st_dev;
      else if (st.st_dev != device) return no("the search would cross file systems");
      first = false;
      PlainRepo r;
      r.workdir = dir == "/" ? "/" : dir + "/";
      if (S_ISREG(st.st_mode)) {
        // A linked worktree: "gitdir: <its folder>", which holds HEAD, the index and a
        // commondir file naming the main .git folder (objects, refs, config).
        std::string text;
        if (!read_file(dot, text) || text.rfind("gitdir: ", 0) != 0 || text.back() != '\n')
          return no(".git is a file this reader does not take on");
        std::string target = text.substr(8, text.size() - 9);
        if (target.empty() || target.find('\n') != std::string::npos) return no(".git is a file this reader does not take on");
        if (target[0] != '/') target = r.workdir + target;
        char wbuf[PATH_MAX];
        if (!realpath(target.c_str(), wbuf)) return no("the folder .git names cannot be resolved");
        std::string wdir = wbuf;
        std::string common_rel;
        if (!read_file(wdir + "/commondir", common_rel) || common_rel.empty())
          return no(".git names a folder without commondir (a submodule)");
        if (common_rel.back() == '\n') common_rel.pop_back();
        if (common_rel.empty() || common_rel.find('\n') != std::string::npos) return no("an unusual commondir file");
        if (common_rel[0] != '/') common_rel = wdir + "/" + common_rel;
        char cbuf[PATH_MAX];
        if (!realpath(common_rel.c_str(), cbuf)) return no("commondir cannot be resolved");
        std::string cdir = cbuf;
        struct stat ws {}, cs {};
        if (stat(wdir.c_str(), &ws) != 0 || stat(cdir.c_str(), &cs) != 0 || ws.st_uid != me || cs.st_uid != me)
          return no("not owned by this user");
        if (access((wdir + "/HEAD").c_str(), F_OK) != 0 || !is_dir(cdir + "/objects") || !is_dir(cdir + "/refs"))
          return no("the linked worktree's folders are not valid");
        r.git_dir = wdir + "/";
        r.common_dir = cdir + "/";
      } else if (S_ISDIR(st.st_mode)) {
        if (!is_dir(dot + "/objects") || !is_dir(dot + "/refs") || access((dot + "/HEAD").c_str(), F_OK) != 0)
          return no(".git is not a valid repository folder");
        if (access((dot + "/commondir").c_str(), F_OK) == 0) return no("a commondir file in .git");
        r.git_dir = dot + "/";
        r.common_dir = r.git_dir;
      } else {
        return no(".git is neither a file nor a folder");
      }
      struct stat wd {};
      if (stat(dir.c_str(), &wd) != 0 || wd.st_uid != me || st.st_uid != me) return no("not owned by this user");
      return r;
    }
    if (stat(dir.c_str(), &st) == 0) {
      if (first) device = st.st_dev;
      else if (st.st_dev != device) return no("the search would cross file systems");
      first = false;
      if (is_dir(dir + "/objects") && is_dir(dir + "/refs") && access((dir + "/HEAD").c_str(), F_OK) == 0)
        return no("a bare repository, or a path inside .git");
    }
    if (dir == "/") return no("no repository found");
    size_t slash = dir.rfind('/');
    dir = slash == 0 ? "/" : dir.substr(0, slash);
  }
}

}  // namespace keyhound
