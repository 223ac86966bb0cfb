#include "sources/git_loose_check.h"

#include <dirent.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/hex.h"

namespace keyhound {
namespace {

// The header ("type size\0") and content of an inflated object: "" when the size is right or
// the object is malformed in a way libgit2 reports itself, else the problem; fills `type`.
std::string check_inflated(std::string_view all, std::string& type) {
  size_t nul = all.find('\0');
  if (nul == std::string_view::npos || nul > 64) return "";
  std::string_view header = all.substr(0, nul);
  size_t sp = header.find(' ');
  if (sp == std::string_view::npos || sp + 1 >= header.size()) return "";
  std::string_view num = header.substr(sp + 1);
  if (num.size() > 19 || num.find_first_not_of("0123456789") != std::string_view::npos) return "";
  type = std::string(header.substr(0, sp));
  unsigned long long declared = std::stoull(std::string(num)), content = all.size() - nul - 1;
  if (declared == content) return "";
  return "header declares " + std::to_string(declared) + " bytes but the object holds " + std::to_string(content);
}

// A small object (nearly all loose objects) is read whole and inflated in one call: a zlib
// stream set up per object cost more than inflating it (an audit checks each fork's objects).
// Returns false when it cannot decide that way (large, unreadable, output past the cap): the
// streaming check then reads it.
bool check_small(const std::string& path, std::string& type, std::string& problem, std::string_view* content = nullptr) {
  constexpr size_t kMaxIn = 1u << 20, kMaxOut = 64u << 20;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    problem.clear();  // unreadable: libgit2 reports it as missing, no overflow possible
    return true;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size <= 0 || static_cast<size_t>(st.st_size) > kMaxIn) {
    ::close(fd);
    return false;
  }
  thread_local std::vector<unsigned char> in, out;
  in.resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < in.size()) {
    ssize_t n = ::read(fd, in.data() + got, in.size() - got);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  if (got != in.size()) return false;
  thread_local std::unique_ptr<libdeflate_decompressor, void (*)(libdeflate_decompressor*)> d(
      libdeflate_alloc_decompressor(), libdeflate_free_decompressor);
  if (!d) return false;
  size_t cap = std::max<size_t>(4096, in.size() * 4);
  for (;;) {
    if (out.size() < cap) out.resize(cap);
    size_t in_used = 0, out_n = 0;
    // Bytes after the end of the stream are ignored, as zlib's inflate leaves them.
    libdeflate_result r = libdeflate_zlib_decompress_ex(d.get(), in.data(), in.size(), out.data(), cap, &in_used, &out_n);
    if (r == LIBDEFLATE_SUCCESS) {
      std::string_view all(reinterpret_cast<const char*>(out.data()), out_n);
      problem = check_inflated(all, type);
      // Sound and well-formed (a type was read): its content, valid until the next check.
      if (content && problem.empty() && !type.empty()) *content = all.substr(all.find('\0') + 1);
      return true;
    }
    if (r != LIBDEFLATE_INSUFFICIENT_SPACE) {
      problem.clear();  // bad zlib data: libgit2 detects and reports it itself
      return true;
    }
    if (cap >= kMaxOut) return false;
    cap = std::min(cap * 4, kMaxOut);
  }
}

// Returns "" when the object is sound, else the problem; fills `type`, and `kept` (when
// given) for a small sound object.
std::string check_one(const std::string& path, std::string& type, std::string_view* kept = nullptr) {
  std::string small;
  if (check_small(path, type, small, kept)) return small;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return "";  // unreadable: libgit2 reports it as missing, no overflow possible
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) {
    std::fclose(f);
    return "";
  }
  unsigned char in[1 << 15], out[1 << 15];
  std::string header;
  bool header_done = false;
  unsigned long long declared = 0, content = 0;
  int rc = Z_OK;
  std::string problem;
  while (rc != Z_STREAM_END && problem.empty()) {
    if (zs.avail_in == 0) {
      size_t n = std::fread(in, 1, sizeof in, f);
      if (n == 0) {
        problem = "truncated zlib stream";
        break;
      }
      zs.next_in = in;
      zs.avail_in = static_cast<uInt>(n);
    }
    zs.next_out = out;
    zs.avail_out = sizeof out;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      problem = "invalid zlib data";
      break;
    }
    size_t got = sizeof out - zs.avail_out;
    size_t i = 0;
    while (!header_done && i < got) {
      char c = static_cast<char>(out[i++]);
      if (c == '\0') {
        header_done = true;
        size_t sp = header.find(' ');
        if (sp == std::string::npos || sp + 1 >= header.size()) {
          problem = "malformed header";
          break;
        }
        type = header.substr(0, sp);
        std::string num = header.substr(sp + 1);
        if (num.size() > 19 || num.find_first_not_of("0123456789") != std::string::npos) {
          problem = "malformed size in header";
          break;
        }
        declared = std::stoull(num);
      } else {
        header += c;
        if (header.size() > 64) {
          problem = "malformed header";
          break;
        }
      }
    }
    if (header_done) content += got - i;
  }
  inflateEnd(&zs);
  std::fclose(f);
  // Only a well-formed object whose size lies is dangerous; other damage (bad zlib data, a
  // broken header) libgit2 detects and reports itself, so it is left to libgit2.
  if (!problem.empty() || !header_done) return "";
  if (declared != content)
    problem = "header declares " + std::to_string(declared) + " bytes but the object holds " + std::to_string(content);
  return problem;
}

std::string objects_dir(const std::string& git_dir) {
  std::string objects = git_dir;
  if (!objects.empty() && objects.back() != '/') objects += '/';
  return objects + "objects";
}

}  // namespace

std::string check_loose_object(const std::string& git_dir, const std::string& oid) {
  if (oid.size() != 40) return "";
  std::string type;
  return check_one(objects_dir(git_dir) + "/" + oid.substr(0, 2) + "/" + oid.substr(2), type);
}

std::vector<BadLooseObject> find_bad_loose_objects(const std::string& git_dir) {
  std::vector<LooseObject> none;
  return find_bad_loose_objects(git_dir, none, 0);
}

std::vector<BadLooseObject> find_bad_loose_objects(const std::string& git_dir, std::vector<LooseObject>& keep,
                                                   size_t keep_bytes) {
  std::vector<BadLooseObject> bad;
  size_t kept = 0;
  std::string objects = objects_dir(git_dir);
  DIR* top = opendir(objects.c_str());
  if (!top) return bad;
  while (dirent* d = readdir(top)) {
    if (std::strlen(d->d_name) != 2 || !is_hex_digits(std::string_view(d->d_name, 2))) continue;
    std::string sub = objects + "/" + d->d_name;
    DIR* s = opendir(sub.c_str());
    if (!s) continue;
    while (dirent* e = readdir(s)) {
      if (std::strlen(e->d_name) != 38 || !is_hex_digits(std::string_view(e->d_name, 38))) continue;
      std::string type;
      std::string_view content;
      std::string problem = check_one(sub + "/" + e->d_name, type, keep_bytes ? &content : nullptr);
      if (!problem.empty()) {
        bad.push_back({std::string(d->d_name) + e->d_name, type, problem});
      } else if (!type.empty() && content.data() && kept + content.size() <= keep_bytes) {
        kept += content.size();
        keep.push_back({std::string(d->d_name) + e->d_name, type, std::string(content)});
      }
    }
    closedir(s);
  }
  closedir(top);
  return bad;
}

}  // namespace keyhound
