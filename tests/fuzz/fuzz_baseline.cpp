// Baseline and .keyhoundignore parser fuzzer: arbitrary text through parse_baseline and
// parse_ignore_file. Failures are one-line SuppressionFileErrors; every fingerprint returned is
// well formed; a baseline written from findings parses back to the same fingerprints.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "findings/baseline.h"

using namespace keyhound;

namespace {
void check_message(const std::string& m) {
  bool control = false;
  for (unsigned char c : m) control = control || (c < 0x20 && c != '\t') || c == 0x7f;  // tabs are kept, as in escape_for_terminal
  if (m.empty() || control) {
    std::fprintf(stderr, "SuppressionFileError is not one clean line: %s\n", m.c_str());
    std::abort();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 256 * 1024) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  for (int which = 0; which < 2; ++which) {
    try {
      std::set<std::string> fps = which ? parse_ignore_file(text, ".keyhoundignore")
                                        : parse_baseline(text, "baseline.json");
      for (auto& fp : fps)
        if (!is_fingerprint(fp)) {
          std::fprintf(stderr, "parser returned a malformed fingerprint: %s\n", fp.c_str());
          std::abort();
        }
    } catch (const SuppressionFileError& e) {
      check_message(e.what());
    }
  }
  // Round trip: findings built from the input's bytes -> baseline JSON -> the same fingerprints.
  std::vector<Finding> fs;
  std::set<std::string> want;
  static const char* hx = "0123456789abcdef";
  for (size_t i = 0; i + 16 <= size && fs.size() < 8; i += 16) {
    Finding f;
    for (size_t k = 0; k < 16; ++k) {
      f.fingerprint += hx[data[i + k] >> 4];
      f.fingerprint += hx[data[i + k] & 15];
    }
    f.rule_id = "fuzz-rule";
    f.secret = text.substr(i, 16);
    f.where.path = text.substr(0, i);
    f.line = i;
    want.insert(f.fingerprint);
    fs.push_back(std::move(f));
  }
  std::string j = baseline_json(fs);
  std::set<std::string> got;
  try {
    got = parse_baseline(j, "roundtrip.json");
  } catch (const SuppressionFileError& e) {
    std::fprintf(stderr, "a written baseline does not parse back: %s\n%s\n", e.what(), j.c_str());
    std::abort();
  }
  if (got != want) {
    std::fprintf(stderr, "baseline round trip lost fingerprints\n%s\n", j.c_str());
    std::abort();
  }
  return 0;
}
