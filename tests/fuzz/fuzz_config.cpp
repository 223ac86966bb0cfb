// .keyhound.toml parser fuzzer: arbitrary text through parse_config. A config file can sit in the
// repository being scanned, so it is hostile input: every failure must be a one-line
// ConfigError or RuleError without control bytes, never a crash or another exception.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "config/config_loader.h"
#include "rules/rule_loader.h"

using namespace keyhound;

namespace {
void check_message(const char* kind, const std::string& m) {
  bool control = false;
  for (unsigned char c : m) control = control || (c < 0x20 && c != '\t') || c == 0x7f;  // tabs are kept, as in escape_for_terminal
  if (m.empty() || control) {
    std::fprintf(stderr, "%s is not one clean line: %s\n", kind, m.c_str());
    std::abort();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    Config c = parse_config(text, ".keyhound.toml");
    for (auto& r : c.rules)
      if (!r.re) std::abort();  // custom rules come back compiled
    std::set<std::string> known{"aws-access-key-id", "aws"};
    check_rule_references(c, known);
  } catch (const ConfigError& e) {
    check_message("ConfigError", e.what());
  } catch (const RuleError& e) {
    check_message("RuleError", e.what());
  }
  return 0;
}
