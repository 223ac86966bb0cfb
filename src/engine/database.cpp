#include "engine/database.h"

#include "base/hex.h"
#include "base/text_file.h"
#include "engine/regex_width.h"

#include <fcntl.h>
#include <hs/hs.h>
#include <sys/mman.h>
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
#include <tuple>

namespace keyhound {
namespace {

hs_database_t* compile(const KeywordTable& t, unsigned mode) {
  // Every pattern is a literal (bytes escaped as \xHH), optionally behind a word boundary.
  std::vector<std::string> pats;
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (size_t i = 0; i < t.keywords.size(); ++i) {
    // A word-start keyword goes in as the plain literal: a \\b assertion makes Hyperscan leave
    // its pure-literal path (measured: six such keywords cost the whole database 9%). The
    // scanner checks the boundary itself (keyword_hit_ok).
    std::string p;
    std::string h = hex_encode(t.keywords[i]);
    for (size_t k = 0; k < h.size(); k += 2) {
      p += "\\x";
      p.append(h, k, 2);
    }
    pats.push_back(p);
    flags.push_back(t.caseless[i] ? HS_FLAG_CASELESS : 0);
    ids.push_back(static_cast<unsigned>(i));
  }
  for (auto& p : pats) exprs.push_back(p.c_str());
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()), mode,
                       nullptr, &db, &err) != HS_SUCCESS) {
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

namespace {
// One position of a regex, as far as keyword alignment cares: the bytes it can match, or a
// break (alternation, '.', \w, negated class...) that no keyword can align across.
struct RegexAtom {
  bool brk = false;
  std::string chars;  // bytes this position matches
};

std::vector<RegexAtom> regex_atoms(const std::string& r) {
  std::vector<RegexAtom> out;
  auto brk = [&] { out.push_back({true, ""}); };
  for (size_t i = 0; i < r.size(); ++i) {
    char c = r[i];
    if (c == '\\' && i + 1 < r.size()) {
      char e = r[++i];
      if (std::ispunct(static_cast<unsigned char>(e))) out.push_back({false, std::string(1, e)});
      else if (e == 'd') out.push_back({false, "0123456789"});
      else if (e == 'b' || e == 'B' || e == 'A' || e == 'z') continue;  // zero width
      else brk();
    } else if (c == '[') {
      size_t j = i + 1;
      bool neg = j < r.size() && r[j] == '^';
      if (neg) ++j;
      std::string set;
      bool first = true;
      while (j < r.size() && (r[j] != ']' || first)) {
        first = false;
        char a = r[j];
        if (a == '\\' && j + 1 < r.size()) {
          char e = r[j + 1];
          if (std::ispunct(static_cast<unsigned char>(e))) set += e;
          else if (e == 'd') set += "0123456789";
          else neg = true;  // \w, \s... inside a class: treat as a break
          j += 2;
          continue;
        }
        if (j + 2 < r.size() && r[j + 1] == '-' && r[j + 2] != ']') {
          for (int x = static_cast<unsigned char>(a); x <= static_cast<unsigned char>(r[j + 2]); ++x)
            set += static_cast<char>(x);
          j += 3;
          continue;
        }
        set += a;
        ++j;
      }
      i = j;
      if (neg) brk();
      else out.push_back({false, set});
    } else if (c == '(') {
      // Group openers are transparent: (, (?:, (?P<name>
      if (i + 1 < r.size() && r[i + 1] == '?') {
        size_t j = i + 2;
        if (j < r.size() && r[j] == 'P') {
          size_t e = r.find('>', j);
          i = e == std::string::npos ? r.size() : e;
        } else {
          while (j < r.size() && r[j] != ':' && r[j] != ')') ++j;
          i = j;
        }
      }
    } else if (c == ')' || c == '^' || c == '$' || c == '?' || c == '*' || c == '+') {
      continue;  // transparent for case purposes
    } else if (c == '{') {
      size_t e = r.find('}', i);
      if (e == std::string::npos) out.push_back({false, "{"});
      else { brk(); i = e; }  // counted repeats: no fixed alignment across them
    } else if (c == '|' || c == '.') {
      brk();
    } else {
      out.push_back({false, std::string(1, c)});
    }
  }
  return out;
}
}  // namespace

bool keyword_case_from_regex(const std::string& regex, std::string& keyword) {
  if (regex.find("(?i") != std::string::npos || keyword.empty()) return false;
  auto atoms = regex_atoms(regex);
  std::string found;
  for (size_t start = 0; start + keyword.size() <= atoms.size(); ++start) {
    std::string exact;
    bool ok = true;
    for (size_t k = 0; k < keyword.size() && ok; ++k) {
      const RegexAtom& a = atoms[start + k];
      unsigned char kc = static_cast<unsigned char>(keyword[k]);
      char lo = static_cast<char>(std::tolower(kc)), up = static_cast<char>(std::toupper(kc));
      bool has_lo = !a.brk && a.chars.find(lo) != std::string::npos;
      bool has_up = !a.brk && a.chars.find(up) != std::string::npos;
      if (!has_lo && !has_up) ok = false;
      else if (lo != up && has_lo && has_up) ok = false;  // this position takes either case
      else exact += has_lo ? lo : up;
    }
    if (!ok) continue;
    if (!found.empty() && found != exact) return false;  // two alignments, two cases
    found = exact;
  }
  if (found.empty()) return false;
  keyword = found;
  return true;
}

KeywordTable build_keyword_table(const RuleSet& rules) {
  // key: (text, caseless, word_start)
  std::map<std::tuple<std::string, bool, bool>, std::vector<KeywordTable::Use>> m;
  for (size_t i = 0; i < rules.rules.size(); ++i) {
    const Rule& r = rules.rules[i];
    if (!r.enabled) continue;
    for (auto k : r.keywords) {
      if (k == kWholeItemKeyword) continue;  // not a literal: the scanner runs such rules itself
      bool word = k.rfind("\\b", 0) == 0;
      if (word) k = k.substr(2);
      bool caseless = !keyword_case_from_regex(r.regex, k) &&
                      (r.context_nearby.empty() || !keyword_case_from_regex(r.context_nearby, k));
      if (caseless)
        for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto& v = m[{k, caseless, word}];
      if (std::any_of(v.begin(), v.end(), [&](const KeywordTable::Use& u) { return u.rule == static_cast<int>(i); }))
        continue;
      // Where the keyword is literal text of the regex, a match reaches only so far around it.
      KeywordReach reach = keyword_reach(r.regex, k);
      int before = reach.before >= 0 ? std::min(r.window, reach.before + 1) : r.window;
      int after = reach.after >= 0 ? std::min(r.window, reach.after + 1) : r.window;
      v.push_back({static_cast<int>(i), before, after});
    }
  }
  KeywordTable t;
  for (auto& [k, v] : m) {
    t.keywords.push_back(std::get<0>(k));
    t.caseless.push_back(std::get<1>(k));
    t.word_start.push_back(std::get<2>(k));
    t.rules_of.push_back(v);
    t.max_keyword_len = std::max(t.max_keyword_len, std::get<0>(k).size());
  }
  return t;
}

bool keyword_hit_ok(const KeywordTable& t, unsigned kw, std::string_view buf, uint64_t base, uint64_t end) {
  if (!t.word_start[kw]) return true;
  auto word = [](unsigned char c) { return std::isalnum(c) || c == '_'; };
  uint64_t start = end - t.keywords[kw].size();
  bool prev_word = false;
  if (start > base) prev_word = word(static_cast<unsigned char>(buf[start - 1 - base]));
  return prev_word != word(static_cast<unsigned char>(t.keywords[kw][0]));
}

std::string default_cache_dir(std::string* why_none) {
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/keyhound";
  const char* h = std::getenv("HOME");
  std::error_code ec;
  if (h && *h && std::filesystem::is_directory(h, ec)) return std::string(h) + "/.cache/keyhound";
  if (why_none)
    *why_none = h && *h ? "XDG_CACHE_HOME is not set and HOME (" + std::string(h) + ") is not a directory"
                        : "neither XDG_CACHE_HOME nor HOME is set";
  return {};
}

namespace {

// The cache file: "khdb3\n", the keyword table, its SHA-256 (hex), then the block and stream
// databases as Hyperscan serialized them (each checked by Hyperscan's own CRC on load).
constexpr char kMagic[] = "khdb3\n";

void put_str(std::string& out, const std::string& s) {
  put_u64(out, s.size());
  out += s;
}

std::string table_bytes(const KeywordTable& t) {
  std::string out;
  put_u64(out, t.keywords.size());
  for (size_t i = 0; i < t.keywords.size(); ++i) {
    put_str(out, t.keywords[i]);
    out += static_cast<char>((t.caseless[i] ? 1 : 0) | (t.word_start[i] ? 2 : 0));
    put_u64(out, t.rules_of[i].size());
    for (auto& u : t.rules_of[i]) {
      put_u64(out, static_cast<uint64_t>(u.rule));
      put_u64(out, static_cast<uint64_t>(u.before));
      put_u64(out, static_cast<uint64_t>(u.after));
    }
  }
  return out;
}

// Reads a table written by table_bytes; false on anything out of bounds for `rules`.
bool parse_table(const std::string& in, const RuleSet& rules, KeywordTable& t) {
  size_t pos = 0;
  uint64_t n = 0;
  if (!get_u64(in, pos, &n) || n > in.size()) return false;
  for (uint64_t i = 0; i < n; ++i) {
    uint64_t len = 0, uses = 0;
    if (!get_u64(in, pos, &len) || len == 0 || len > in.size() - pos || len + 1 > in.size() - pos) return false;
    t.keywords.push_back(in.substr(pos, len));
    pos += len;
    unsigned char f = static_cast<unsigned char>(in[pos++]);
    t.caseless.push_back(f & 1);
    t.word_start.push_back(f & 2);
    if (!get_u64(in, pos, &uses) || uses == 0 || uses > in.size()) return false;
    std::vector<KeywordTable::Use> v;
    for (uint64_t k = 0; k < uses; ++k) {
      uint64_t r = 0, b = 0, a = 0;
      if (!get_u64(in, pos, &r) || !get_u64(in, pos, &b) || !get_u64(in, pos, &a)) return false;
      if (r >= rules.rules.size() || !rules.rules[r].enabled || b > 65536 || a > 65536) return false;
      v.push_back({static_cast<int>(r), static_cast<int>(b), static_cast<int>(a)});
    }
    t.rules_of.push_back(std::move(v));
    t.max_keyword_len = std::max<size_t>(t.max_keyword_len, len);
  }
  return pos == in.size() && n > 0;
}

// A read-only mapping of a whole file (empty when it cannot be had).
struct MappedFile {
  explicit MappedFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return;
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      void* m = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (m != MAP_FAILED) {
        data = static_cast<const char*>(m);
        size = static_cast<size_t>(st.st_size);
      }
    }
    ::close(fd);
  }
  ~MappedFile() {
    if (data) ::munmap(const_cast<char*>(data), size);
  }
  const char* data = nullptr;
  size_t size = 0;
};

}  // namespace

Database::Database(const RuleSet& rules, const std::string& cache_dir) {
  // The cache key covers everything the table and the compiled bytes depend on: each enabled
  // rule's keywords, regexes and window (the keyword table is derived from them, which takes
  // as long as loading the databases), the Hyperscan version and the CPU features it compiled for.
  hs_platform_info_t plat{};
  hs_populate_platform(&plat);
  std::string material = std::string("rules-v3\n") + hs_version() + "\n" + std::to_string(plat.tune) + "/" +
                         std::to_string(plat.cpu_features) + "\n";
  for (size_t i = 0; i < rules.rules.size(); ++i) {
    const Rule& r = rules.rules[i];
    if (!r.enabled) continue;
    material += std::to_string(i) + "\1" + r.regex + "\1" + r.context_nearby + "\1" + std::to_string(r.window);
    for (auto& k : r.keywords) material += "\2" + k;
    material += "\n";
  }
  key_ = sha256_hex(material).substr(0, 32);

  std::string path = cache_dir.empty() ? "" : cache_dir + "/db3-" + key_ + ".hs";
  if (!path.empty() && load_cache(path, rules)) return;
  table_ = build_keyword_table(rules);
  if (table_.keywords.empty()) throw std::runtime_error("no enabled rules: nothing to scan for");
  block_ = compile(table_, HS_MODE_BLOCK);
  stream_ = compile(table_, HS_MODE_STREAM);
  if (!path.empty()) {
    // Best effort: a cache we cannot write only costs start-up time.
    std::error_code ec;
    std::filesystem::create_directories(cache_dir, ec);
    std::string a = serialize(block_), b = serialize(stream_);
    if (!a.empty() && !b.empty()) {
      std::string table = table_bytes(table_);
      std::string blob = kMagic;
      put_str(blob, table);
      blob += sha256_hex(table);
      put_str(blob, a);
      put_str(blob, b);
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

bool Database::load_cache(const std::string& path, const RuleSet& rules) {
  // Mapped, not read: Hyperscan copies each database out of the mapping into aligned memory.
  MappedFile f(path);
  if (!f.data) return false;
  std::string_view in(f.data, f.size);
  size_t magic = sizeof kMagic - 1;
  if (in.substr(0, magic) != kMagic) return false;
  size_t pos = magic;
  auto chunk = [&](std::string_view* out) {
    if (in.size() - pos < 8) return false;
    uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= static_cast<uint64_t>(static_cast<unsigned char>(in[pos + i])) << (8 * i);
    pos += 8;
    if (n > in.size() - pos) return false;
    *out = in.substr(pos, n);
    pos += n;
    return true;
  };
  std::string_view table, digest, a, b;
  if (!chunk(&table) || in.size() - pos < 64) return false;
  digest = in.substr(pos, 64);
  pos += 64;
  if (!chunk(&a) || !chunk(&b) || pos != in.size()) return false;
  KeywordTable t;
  if (sha256_hex(table) != digest || !parse_table(std::string(table), rules, t)) return false;
  hs_database_t* block = nullptr;
  hs_database_t* stream = nullptr;
  if (hs_deserialize_database(a.data(), a.size(), &block) != HS_SUCCESS) return false;
  if (hs_deserialize_database(b.data(), b.size(), &stream) != HS_SUCCESS) {
    hs_free_database(block);
    return false;
  }
  table_ = std::move(t);
  block_ = block;
  stream_ = stream;
  from_cache_ = true;
  return true;
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
