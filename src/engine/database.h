// One Hyperscan database built from every enabled rule's keywords, with an on-disk cache.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rules/rule.h"

struct hs_database;
struct hs_scratch;

namespace keyhound {

// Only literals go into the database: a single free-floating character-class pattern such as
// [A-Za-z0-9/+]{40} drops Hyperscan from ~6 GB/s to ~0.6 GB/s for the whole rule set.
struct KeywordTable {
  std::vector<std::string> keywords;            // unique literal text
  std::vector<bool> caseless;                   // matched case-insensitively?
  std::vector<bool> word_start;                 // must start at a word boundary (keyword "\\b...")
  struct Use {
    int rule;
    int before;  // RE2 window: bytes before the keyword's start
    int after;   // bytes after its end
  };
  std::vector<std::vector<Use>> rules_of;       // keyword index -> rules using it
  size_t max_keyword_len = 0;
};

// A keyword is matched case-sensitively when the rule's regex is case-sensitive and holds the
// keyword as a literal: then every match carries it in exactly that case (AKIA, ghp_, xoxb-),
// and caseless matching would only add hits ("asia" in prose). Exposed for tests.
bool keyword_case_from_regex(const std::string& regex, std::string& keyword);

KeywordTable build_keyword_table(const RuleSet& rules);

// The checks Hyperscan does not do for a keyword hit ending at absolute offset `end`: a
// word-start keyword ("\\b...") must not continue a word. `buf` holds the bytes from absolute
// offset `base` on (stream mode keeps a tail; a keyword at the very start of the data counts
// as starting a word).
bool keyword_hit_ok(const KeywordTable& t, unsigned kw, std::string_view buf, uint64_t base, uint64_t end);

class Database {
 public:
  // Compiles (or loads from `cache_dir` when non-empty and fresh) the keyword table and the
  // block and stream databases. A cache file that is absent, unreadable, damaged or for other
  // rules is ignored (and rewritten when the folder is writable). Throws std::runtime_error
  // with a one-line message on failure.
  Database(const RuleSet& rules, const std::string& cache_dir);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  hs_database* block_db() const { return block_; }
  hs_database* stream_db() const { return stream_; }
  const KeywordTable& keywords() const { return table_; }
  bool loaded_from_cache() const { return from_cache_; }
  const std::string& cache_key() const { return key_; }

 private:
  bool load_cache(const std::string& path, const RuleSet& rules);
  KeywordTable table_;
  hs_database* block_ = nullptr;
  hs_database* stream_ = nullptr;
  bool from_cache_ = false;
  std::string key_;
};

// Default cache folder: $XDG_CACHE_HOME/keyhound, else $HOME/.cache/keyhound if $HOME is an
// existing directory (never created for a cache), else "" (no cache) and *why_none says why.
std::string default_cache_dir(std::string* why_none = nullptr);

// A per-thread Hyperscan scratch, valid for both databases.
class Scratch {
 public:
  explicit Scratch(const Database& db);
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  hs_scratch* get() const { return s_; }

 private:
  hs_scratch* s_ = nullptr;
};

}  // namespace keyhound
