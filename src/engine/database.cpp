#include "engine/database.h"

#include "base/hex.h"
#include "base/text_file.h"
#include "engine/regex_width.h"

#include <fcntl.h>
#include <hs/hs.h>
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
  std::string material = std::string("literals-v2\n") + hs_version() + "\n" + std::to_string(plat.tune) + "/" +
                         std::to_string(plat.cpu_features) + "\n";
  for (size_t i = 0; i < table_.keywords.size(); ++i)
    material += table_.keywords[i] + (table_.caseless[i] ? "\1" : "\2") + (table_.word_start[i] ? "\1" : "\2");
  key_ = sha256_hex(material).substr(0, 32);

  std::string path = cache_dir.empty() ? "" : cache_dir + "/db-" + key_ + ".hs";
  if (!path.empty()) {
    if (std::optional<std::string> cached = try_read_file(path)) {
      const std::string& blob = *cached;
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
