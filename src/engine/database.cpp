#include "engine/database.h"

#include <fcntl.h>
#include <hs/hs.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace keyhound {
namespace {

std::string hex(const unsigned char* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += d[p[i] >> 4];
    s += d[p[i] & 15];
  }
  return s;
}

hs_database_t* compile(const KeywordTable& t, unsigned mode) {
  std::vector<const char*> exprs;
  std::vector<size_t> lens;
  std::vector<unsigned> flags, ids;
  for (size_t i = 0; i < t.keywords.size(); ++i) {
    exprs.push_back(t.keywords[i].data());
    lens.push_back(t.keywords[i].size());
    flags.push_back(HS_FLAG_CASELESS);
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(),
                           static_cast<unsigned>(exprs.size()), mode, nullptr, &db,
                           &err) != HS_SUCCESS) {
    std::string msg = err && err->message ? err->message : "unknown error";
    int which = err ? err->expression : -1;
    hs_free_compile_error(err);
    std::string kw = which >= 0 && static_cast<size_t>(which) < t.keywords.size()
                         ? " (keyword '" + t.keywords[which] + "')"
                         : "";
    throw std::runtime_error("hyperscan: cannot compile the rule database" + kw + ": " + msg);
  }
  return db;
}

std::string serialize(hs_database_t* db) {
  char* bytes = nullptr;
  size_t len = 0;
  if (hs_serialize_database(db, &bytes, &len) != HS_SUCCESS) return {};
  std::string s(bytes, len);
  free(bytes);
  return s;
}

hs_database_t* deserialize(const std::string& s) {
  hs_database_t* db = nullptr;
  if (hs_deserialize_database(s.data(), s.size(), &db) != HS_SUCCESS) return nullptr;
  return db;
}

void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
bool get_u64(const std::string& in, size_t& pos, uint64_t* v) {
  if (pos + 8 > in.size()) return false;
  *v = 0;
  for (int i = 0; i < 8; ++i) *v |= static_cast<uint64_t>(static_cast<unsigned char>(in[pos + i])) << (8 * i);
  pos += 8;
  return true;
}

}  // namespace

KeywordTable build_keyword_table(const RuleSet& rules) {
  std::map<std::string, std::vector<int>> m;
  for (size_t i = 0; i < rules.rules.size(); ++i) {
    const Rule& r = rules.rules[i];
    if (!r.enabled) continue;
    for (auto k : r.keywords) {
      for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto& v = m[k];
      if (std::find(v.begin(), v.end(), static_cast<int>(i)) == v.end()) v.push_back(static_cast<int>(i));
    }
  }
  KeywordTable t;
  for (auto& [k, v] : m) {
    t.keywords.push_back(k);
    t.rules_of.push_back(v);
    t.max_keyword_len = std::max(t.max_keyword_len, k.size());
  }
  return t;
}

std::string default_cache_dir() {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/keyhound";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/keyhound";
  return {};
}

Database::Database(const RuleSet& rules, const std::string& cache_dir) {
  table_ = build_keyword_table(rules);
  if (table_.keywords.empty()) throw std::runtime_error("no enabled rules: nothing to scan for");
  // The cache key covers everything the compiled bytes depend on: the keyword list, the
  // Hyperscan version and the CPU features it compiled for.
  hs_platform_info_t plat{};
  hs_populate_platform(&plat);
  std::string material = std::string(hs_version()) + "\n" + std::to_string(plat.tune) + "/" +
                         std::to_string(plat.cpu_features) + "\n";
  for (auto& k : table_.keywords) material += k + '\0';
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(material.data()), material.size(), digest);
  key_ = hex(digest, 16);

  std::string path = cache_dir.empty() ? "" : cache_dir + "/db-" + key_ + ".hs";
  if (!path.empty()) {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::stringstream ss;
      ss << in.rdbuf();
      std::string blob = ss.str();
      size_t pos = 0;
      uint64_t n1 = 0, n2 = 0;
      if (get_u64(blob, pos, &n1) && pos + n1 <= blob.size()) {
        block_ = deserialize(blob.substr(pos, n1));
        pos += n1;
        if (get_u64(blob, pos, &n2) && pos + n2 <= blob.size()) stream_ = deserialize(blob.substr(pos, n2));
      }
      if (block_ && stream_) {
        from_cache_ = true;
        return;
      }
      if (block_) hs_free_database(block_);
      if (stream_) hs_free_database(stream_);
      block_ = stream_ = nullptr;
    }
  }
  block_ = compile(table_, HS_MODE_BLOCK);
  stream_ = compile(table_, HS_MODE_STREAM);
  if (!path.empty()) {
    // Best effort: a cache we cannot write only costs start-up time.
    std::error_code ec;
    std::filesystem::create_directories(cache_dir, ec);
    std::string a = serialize(block_), b = serialize(stream_);
    if (!a.empty() && !b.empty()) {
      std::string blob;
      put_u64(blob, a.size());
      blob += a;
      put_u64(blob, b.size());
      blob += b;
      std::string tmp = path + ".tmp." + std::to_string(getpid());
      int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
      if (fd >= 0) {
        bool ok = ::write(fd, blob.data(), blob.size()) == static_cast<ssize_t>(blob.size());
        ::close(fd);
        if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) ::unlink(tmp.c_str());
      }
    }
  }
}

Database::~Database() {
  if (block_) hs_free_database(block_);
  if (stream_) hs_free_database(stream_);
}

Scratch::Scratch(const Database& db) {
  if (hs_alloc_scratch(db.block_db(), &s_) != HS_SUCCESS ||
      hs_alloc_scratch(db.stream_db(), &s_) != HS_SUCCESS)
    throw std::runtime_error("hyperscan: cannot allocate scratch space");
}

Scratch::~Scratch() {
  if (s_) hs_free_scratch(s_);
}

}  // namespace keyhound
