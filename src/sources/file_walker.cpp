#include "sources/file_walker.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "report/escape.h"

namespace keyhound {

namespace {
std::string join(const std::string& dir, const char* name) {
  if (dir == ".") return std::string("./") + name;
  if (!dir.empty() && dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

void classify_nonregular(const std::string& path, const struct stat& st, WalkResult& out) {
  if (S_ISLNK(st.st_mode)) {
    struct stat target;
    if (::stat(path.c_str(), &target) != 0) out.skipped["broken symlink"]++;
    else out.skipped["symlink"]++;
  } else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISSOCK(st.st_mode)) {
    out.skipped["special file"]++;
  } else {
    out.skipped["other"]++;
  }
}
}  // namespace

WalkResult walk_paths(const std::vector<std::string>& roots, const WalkOptions& opts) {
  WalkResult out;
  auto add_file = [&](const std::string& path, const struct stat& st) {
    if (opts.exclude && opts.exclude(path)) {
      out.skipped["allowlisted path"]++;
      return;
    }
    if (static_cast<uint64_t>(st.st_size) > opts.max_file_size) {
      out.skipped["too large"]++;
      return;
    }
    out.files.push_back({path, static_cast<uint64_t>(st.st_size)});
  };
  for (const std::string& root : roots) {
    struct stat st;
    // A path the user named is followed even if it is a symlink.
    if (::stat(root.c_str(), &st) != 0) {
      out.errors.push_back(root + ": " + std::strerror(errno));
      continue;
    }
    if (S_ISREG(st.st_mode)) {
      add_file(root, st);
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      out.errors.push_back(root + ": not a regular file or directory");
      continue;
    }
    // Iterative walk: a 10,000-level tree must not overflow the stack.
    std::vector<std::string> stack{root};
    while (!stack.empty()) {
      std::string dir = std::move(stack.back());
      stack.pop_back();
      DIR* d = ::opendir(dir.c_str());
      if (!d) {
        if (dir == root) out.errors.push_back(dir + ": " + std::strerror(errno));
        else {
          out.warnings.push_back(dir + ": cannot open directory: " + std::strerror(errno));
          out.skipped["unreadable directory"]++;
        }
        continue;
      }
      std::vector<std::string> subdirs;
      while (dirent* e = ::readdir(d)) {
        if (!std::strcmp(e->d_name, ".") || !std::strcmp(e->d_name, "..")) continue;
        std::string p = join(dir, e->d_name);
        struct stat es;
        if (::lstat(p.c_str(), &es) != 0) {
          out.warnings.push_back(p + ": " + std::strerror(errno));
          out.skipped["unreadable"]++;
          continue;
        }
        if (S_ISDIR(es.st_mode)) {
          if (!std::strcmp(e->d_name, ".git")) {
            out.skipped[".git directory"]++;
            continue;
          }
          if (opts.exclude && opts.exclude(p + "/")) {
            out.skipped["allowlisted path"]++;
            continue;
          }
          subdirs.push_back(std::move(p));
        } else if (S_ISREG(es.st_mode)) {
          add_file(p, es);
        } else {
          classify_nonregular(p, es, out);
        }
      }
      ::closedir(d);
      std::sort(subdirs.rbegin(), subdirs.rend());
      for (auto& s : subdirs) stack.push_back(std::move(s));
    }
  }
  std::sort(out.files.begin(), out.files.end(),
            [](const WalkEntry& a, const WalkEntry& b) { return a.path < b.path; });
  return out;
}

std::string escape_path_for_terminal(const std::string& path) { return escape_for_terminal(path); }

}  // namespace keyhound
