// One Hyperscan database built from every enabled rule's keywords, with an on-disk cache.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rules/rule.h"

struct hs_database;
struct hs_scratch;

namespace keyhound {

// Only literals go into the database: a single free-floating character-class pattern such as
// [A-Za-z0-9/+]{40} drops Hyperscan from ~6 GB/s to ~0.6 GB/s for the whole rule set.
struct KeywordTable {
  std::vector<std::string> keywords;            // unique, lowercased
  std::vector<std::vector<int>> rules_of;       // keyword index -> rule indices
  size_t max_keyword_len = 0;
};

KeywordTable build_keyword_table(const RuleSet& rules);

class Database {
 public:
  // Compiles (or loads from `cache_dir` when non-empty and fresh) block and stream databases.
  // Throws std::runtime_error with a one-line message on failure.
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
  KeywordTable table_;
  hs_database* block_ = nullptr;
  hs_database* stream_ = nullptr;
  bool from_cache_ = false;
  std::string key_;
};

// Default cache folder: $XDG_CACHE_HOME/keyhound or ~/.cache/keyhound ("" if neither is set).
std::string default_cache_dir();

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
