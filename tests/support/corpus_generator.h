// A labelled corpus of realistic files holding planted fake AWS / Cloudflare credentials and the
// look-alikes that must not be reported. Everything is generated from a seed at run time, so the
// repository holds no key literals (AWS's documentation example keys are built by concatenation).
#pragma once
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace corpus {

// One planted credential: exactly what a correct scan reports for it.
struct Label {
  std::string category;       // e.g. "aws/credentials-ini", "cloudflare/api-token"
  std::string rule;           // rule id of the expected (top-level) finding
  std::string secret;         // the finding's secret (the key ID for a pair)
  std::string pair_secret;    // the attached secret access key ("" = none must be attached)
  std::string session_token;  // the attached session token ("" = none must be attached)
  std::string file;           // path relative to the corpus root
  uint64_t line = 0;          // 1-based line of `secret`
  std::string account_id;     // aws_account_id encoded in the key ID ("" for old-format IDs)
};

struct Corpus {
  std::vector<Label> labels;
  // Every file written, relative path -> category. Files of look-alike categories hold no
  // planted credential: every AWS or Cloudflare finding in them is a false positive.
  std::map<std::string, std::string> file_category;
  // Documentation example keys planted (hidden by default, reported with --include-examples).
  std::vector<std::string> doc_examples;
};

// Writes the corpus under `root` (created if missing). The same seed gives the same tree.
Corpus generate_corpus(const std::string& root, uint64_t seed);

// Fake-key builders, exposed for the format fixtures.
class KeyGen {
 public:
  explicit KeyGen(uint64_t seed) : rng_(seed) {}
  // prefix + 16 base32 characters. With new_format, the ID encodes `account` (12 digits; random
  // when empty) the way current AWS key IDs do; otherwise it has the pre-2019 AKIAI/AKIAJ shape.
  std::string key_id(const std::string& prefix, bool new_format = true, std::string* account = nullptr);
  std::string secret();                        // 40 random characters of [A-Za-z0-9/+]
  std::string session_token();                 // ~ 400-800 base64 characters, STS-like prefix
  std::string hex(size_t n);                   // lowercase hex
  std::string b64(size_t n);                   // [A-Za-z0-9+/], no padding
  std::string alnum(size_t n, const std::string& extra = "");
  std::string uuid();
  std::string account();                       // 12 digits
  uint64_t below(uint64_t n) { return rng_() % n; }
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

// Writes `content` to root/rel, records its category and labels each planted value at its line.
void write_labelled(Corpus& out, const std::string& root, const std::string& category, const std::string& rel,
                    const std::string& content, std::vector<Label> labels);
// The table-driven AWS forms and look-alike kinds (aws_forms.cpp), one file of each per round.
void generate_table_forms(const std::string& root, KeyGen& kg, Corpus& out, int round);

// AWS's published documentation example keys, built at run time.
std::vector<std::string> aws_doc_example_ids();
std::vector<std::string> aws_doc_example_secrets();

}  // namespace corpus
