#include "sources/git_loose_check.h"

#include <dirent.h>
#include <zlib.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <string>

#include "base/hex.h"

namespace keyhound {
namespace {

// Returns "" when the object is sound, else the problem; fills `type`.
std::string check_one(const std::string& path, std::string& type) {
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
  std::vector<BadLooseObject> bad;
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
      std::string problem = check_one(sub + "/" + e->d_name, type);
      if (!problem.empty()) bad.push_back({std::string(d->d_name) + e->d_name, type, problem});
    }
    closedir(s);
  }
  closedir(top);
  return bad;
}

}  // namespace keyhound
