// The rule files embedded into the binary at build time (generated from rules/*.toml).
#pragma once
#include <string>
#include <vector>

namespace keyhound {
struct EmbeddedRuleFile {
  std::string name;     // "rules/aws.toml"
  std::string content;  // the TOML text
};
const std::vector<EmbeddedRuleFile>& builtin_rule_files();
}  // namespace keyhound
