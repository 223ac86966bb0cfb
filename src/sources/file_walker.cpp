#include "sources/file_walker.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "base/escape.h"
#include "sources/file_source.h"

namespace keyhound {

namespace {
std::string join(const std::string& dir, const char* name) {
  if (dir == ".") return std::string("./") + name;
  if (!dir.empty() && dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

// `dfd` is the open directory holding `name`; relative lookups work at any depth.
void classify_nonregular(int dfd, const char* name, const struct stat& st, WalkResult& out) {
  if (S_ISLNK(st.st_mode)) {
    struct stat target;
    if (::fstatat(dfd, name, &target, 0) != 0) out.skipped[SkipReason::BrokenSymlink]++;
    else out.skipped[SkipReason::Symlink]++;
  } else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISSOCK(st.st_mode)) {
    out.skipped[SkipReason::SpecialFile]++;
  } else {
    out.skipped[SkipReason::Other]++;
  }
}

// True if `child` is `parent` + "/" + one more component.
bool is_child_of(const std::string& child, const std::string& parent) {
  if (parent.empty() || child.size() <= parent.size() + 1) return false;
  if (child.compare(0, parent.size(), parent) != 0) return false;
  size_t at = parent.size();
  if (parent.back() != '/') {
    if (child[at] != '/') return false;
    ++at;
  }
  return child.find('/', at) == std::string::npos;
}
}  // namespace

std::string tidy_path(std::string path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path)
    if (!(c == '/' && !out.empty() && out.back() == '/')) out.push_back(c);
  size_t start = 0;
  while (out.size() - start > 2 && out.compare(start, 2, "./") == 0) start += 2;
  if (start && out[start] == '-') start -= 2;
  return out.substr(start);
}

void walk_paths_each(const std::vector<std::string>& roots, const WalkOptions& opts, WalkResult& out,
                     const std::function<void(WalkEntry&&)>& on_file) {
  auto add_file = [&](std::string path, const struct stat* st, bool named) {
    if (opts.exclude && opts.exclude(path)) {
      out.skipped[SkipReason::AllowlistedPath]++;
      return;
    }
    if (st && static_cast<uint64_t>(st->st_size) > opts.max_file_size) {
      out.skipped[SkipReason::TooLarge]++;
      return;
    }
    WalkEntry e;
    e.path = std::move(path);
    e.size = st ? static_cast<uint64_t>(st->st_size) : 0;
    e.size_known = st != nullptr;
    e.named = named;
    on_file(std::move(e));
  };
  for (const std::string& root : roots) {
    struct stat st;
    // A path the user named is followed even if it is a symlink.
    if (::stat(root.c_str(), &st) != 0) {
      out.errors.push_back(root + ": " + std::strerror(errno));
      continue;
    }
    if (S_ISREG(st.st_mode)) {
      add_file(root, &st, true);
      continue;
    }
    if (!S_ISDIR(st.st_mode)) {
      out.errors.push_back(root + ": not a regular file or directory");
      continue;
    }
    // Iterative walk: a 10,000-level tree must not overflow the stack. Directories are opened
    // relative to their parent (openat), so paths longer than PATH_MAX still work and a
    // directory swapped for a symlink during the walk is not followed.
    std::vector<std::string> stack{root};
    std::string prev_path;  // the directory read last, still open as prev_fd
    int prev_fd = -1;
    while (!stack.empty()) {
      std::string dir = std::move(stack.back());
      stack.pop_back();
      int fd;
      if (dir == root) {
        fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      } else if (prev_fd >= 0 && is_child_of(dir, prev_path)) {
        fd = ::openat(prev_fd, dir.c_str() + dir.rfind('/') + 1,
                      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      } else {
        fd = open_long_path(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      }
      int open_errno = errno;
      if (prev_fd >= 0) ::close(prev_fd);
      prev_fd = -1;
      prev_path.clear();
      DIR* d = fd >= 0 ? ::fdopendir(fd) : nullptr;
      if (!d) {
        if (fd >= 0) {
          open_errno = errno;
          ::close(fd);
        }
        if (dir == root) out.errors.push_back(dir + ": " + std::strerror(open_errno));
        else {
          out.warnings.push_back(dir + ": cannot open directory: " + std::strerror(open_errno));
          out.skipped[SkipReason::UnreadableDirectory]++;
        }
        continue;
      }
      int dfd = ::dirfd(d);
      std::vector<std::string> subdirs;
      while (dirent* e = ::readdir(d)) {
        if (!std::strcmp(e->d_name, ".") || !std::strcmp(e->d_name, "..")) continue;
        std::string p = join(dir, e->d_name);
        // readdir's d_type says what most entries are without a stat per entry; regular
        // files get their one fstat when they are opened for reading.
        unsigned char type = e->d_type;
        if (type == DT_REG) {
          add_file(std::move(p), nullptr, false);
          continue;
        }
        struct stat es;
        if (type == DT_DIR) {
          es.st_mode = S_IFDIR;
        } else if (::fstatat(dfd, e->d_name, &es, AT_SYMLINK_NOFOLLOW) != 0) {
          out.warnings.push_back(p + ": " + std::strerror(errno));
          out.skipped[SkipReason::Unreadable]++;
          continue;
        }
        if (S_ISDIR(es.st_mode)) {
          if (!std::strcmp(e->d_name, ".git")) {
            out.skipped[SkipReason::GitDirectory]++;
            continue;
          }
          if (opts.exclude && opts.exclude(p + "/")) {
            out.skipped[SkipReason::AllowlistedPath]++;
            continue;
          }
          subdirs.push_back(std::move(p));
        } else if (S_ISREG(es.st_mode)) {
          add_file(std::move(p), &es, false);
        } else {
          classify_nonregular(dfd, e->d_name, es, out);
        }
      }
      // Keep this directory open: the next one popped is usually its first child.
      if (!subdirs.empty()) {
        prev_fd = ::dup(dfd);
        if (prev_fd >= 0) prev_path = dir;
      }
      ::closedir(d);
      std::sort(subdirs.rbegin(), subdirs.rend());
      for (auto& s : subdirs) stack.push_back(std::move(s));
    }
    if (prev_fd >= 0) ::close(prev_fd);
  }
}

std::string escape_path_for_terminal(const std::string& path) { return escape_for_terminal(path); }

}  // namespace keyhound
