// Rule-file parser fuzzer: arbitrary TOML text through parse_rule_file, then compile_rule and
// make_rule_set. Every failure must be a RuleError (one line), never a crash or another exception.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "rules/rule_loader.h"

using namespace keyhound;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    std::vector<Rule> rules = parse_rule_file(text, "fuzz.toml");
    for (auto& r : rules) compile_rule(r);
    RuleSet set = make_rule_set(std::move(rules));
    for (auto& r : set.rules)
      if (!r.re) std::abort();  // compiled rules always hold a regex
  } catch (const RuleError& e) {
    std::string m = e.what();
    bool control = false;
    for (unsigned char c : m) control = control || (c < 0x20 && c != '\t') || c == 0x7f;  // tabs are kept, as in escape_for_terminal
    if (m.empty() || control) {
      std::fprintf(stderr, "rule error is not one line: %s\n", m.c_str());
      std::abort();
    }
  }
  // Any other exception escapes and libFuzzer reports it as a crash.
  return 0;
}
