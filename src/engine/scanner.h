// Scans bytes for secrets: Hyperscan finds keyword hits, RE2 confirms them in a window around
// each hit, then the rule's checks run. Knows nothing about files, git or output formats.
#pragma once
#include <algorithm>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "engine/database.h"
#include "findings/finding.h"
#include "rules/rule.h"

struct hs_stream;

namespace keyhound {

class Scanner {
 public:
  Scanner(const RuleSet& rules, const Database& db);
  const RuleSet& rules() const { return rules_; }
  const Database& db() const { return db_; }
  // Scans a whole buffer in Hyperscan block mode.
  std::vector<Finding> scan_block(std::string_view data, Scratch& scratch) const;
  // Compiles the regexes of rule `ri` if they were loaded lazily (built-in rules), once, from
  // any thread; every use of a rule's regexes comes after this. Throws RuleError.
  void ensure_compiled(int ri) const;
  // Punctuation bytes every match of rule `ri` contains (regex_required_bytes).
  const std::string& required_bytes(int ri) const { return required_[ri]; }
  // The widest RE2 window of any enabled rule (computed once, not per buffer).
  uint64_t max_window() const { return max_window_; }
  // Enabled rules whose keyword is the whole item (kWholeItemKeyword).
  const std::vector<int>& whole_item_rules() const { return whole_item_; }
  // Whether an enabled rule asks for a decoder beyond the defaults (a rule's `decode`).
  bool asks_decoder(const std::string& name) const {
    return std::find(extra_decoders_.begin(), extra_decoders_.end(), name) != extra_decoders_.end();
  }

 private:
  const RuleSet& rules_;
  const Database& db_;
  std::unique_ptr<std::once_flag[]> compiled_;
  std::vector<std::string> required_;
  std::vector<int> whole_item_;
  std::vector<std::string> extra_decoders_;
  uint64_t whole_item_window_ = 0;  // the widest window of those
  uint64_t max_window_ = 0;
};

class MatchState;

// Scans a byte stream fed in chunks (stdin, large files, blobs) in Hyperscan stream mode.
// A key that straddles a chunk boundary is found; memory stays bounded by the chunk size plus
// a tail of the previous data kept for the RE2 window. Gives exactly the findings scan_block
// would give on the concatenated bytes.
class StreamScan {
 public:
  StreamScan(const Scanner& scanner, Scratch& scratch);
  ~StreamScan();
  void feed(std::string_view chunk);
  std::vector<Finding> finish();
  uint64_t bytes() const { return scanned_; }
  bool binary() const { return binary_; }
  size_t buffered() const { return buf_.size(); }

 private:
  const Scanner& scanner_;
  Scratch& scratch_;
  hs_stream* stream_ = nullptr;
  std::unique_ptr<MatchState> state_;
  std::string buf_;          // bytes [base_, scanned_)
  uint64_t base_ = 0;
  uint64_t base_line_ = 1;
  uint64_t base_line_start_ = 0;  // absolute offset where the line holding buf_[0] starts
  uint64_t scanned_ = 0;
  bool binary_ = false;
  bool finished_ = false;
};

// True if the first bytes look binary (a NUL byte in the first 8 KiB).
bool looks_binary(std::string_view head);

}  // namespace keyhound
