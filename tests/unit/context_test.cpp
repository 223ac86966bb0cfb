// Evidence around a candidate: the secret's line, an item's name line, and the names of the
// blocks that enclose it (key paths).
#include <gtest/gtest.h>

#include <string>

#include "checks/context.h"
#include "fake_keys.h"
#include "rules/rule_loader.h"

namespace {

const keyhound::Rule& aws_secret_rule() {
  static std::vector<keyhound::Rule> rules = keyhound::load_builtin_rules();
  for (auto& r : rules)
    if (r.id == "aws-secret-access-key") {
      if (!r.context_line_re) keyhound::compile_rule_regexes(r);
      return r;
    }
  throw std::runtime_error("aws-secret-access-key not built in");
}

// Whether the secret planted in `text` (at its first occurrence) has evidence.
bool evidence(const std::string& text, const std::string& secret) {
  size_t at = text.find(secret);
  EXPECT_NE(at, std::string::npos);
  return keyhound::has_context_evidence(aws_secret_rule(), text, at, secret.size(), 4096);
}

TEST(ContextEvidence, NameOfAnEnclosingBlockIsEvidence) {
  std::string s = keyhound_test::fake_secret(7001);
  // appsettings.json: "AWS": { "SecretKey": ... }
  EXPECT_TRUE(evidence("{\n  \"AWS\": {\n    \"Profile\": \"default\",\n    \"SecretKey\": \"" + s + "\"\n  }\n}\n", s));
  // Spring Cloud AWS YAML, two levels down.
  EXPECT_TRUE(evidence("cloud:\n  aws:\n    region:\n      static: eu-west-1\n    credentials:\n      secret-key: " + s + "\n", s));
  // An INI section header.
  EXPECT_TRUE(evidence("[aws]\nregion = eu-west-1\nsecret_key = " + s + "\n", s));
  // CloudFormation outputs: the name is the enclosing key, the value one line down.
  EXPECT_TRUE(evidence("Outputs:\n  SecretAccessKey:\n    Value: " + s + "\n", s));
  // PHP array: 's3' => [ 'secret_key' => ... ]
  EXPECT_TRUE(evidence("return [\n    's3' => [\n        'secret_key' => '" + s + "',\n    ],\n];\n", s));
}

TEST(ContextEvidence, SiblingsAndClosedBlocksAreNot) {
  std::string s = keyhound_test::fake_secret(7002);
  // The AWS block ended before the secret's block began.
  EXPECT_FALSE(evidence("aws:\n  region: eu-west-1\nstripe:\n  secret_key: " + s + "\n", s));
  // A sibling key with an AWS name is not an enclosing block.
  EXPECT_FALSE(evidence("settings:\n  aws_region: eu-west-1\n  secret_key: " + s + "\n", s));
  // A top-level key that opens nothing ends the search.
  EXPECT_FALSE(evidence("aws:\n  region: x\nname: app\nsecret_key: " + s + "\n", s));
  // An earlier INI section does not hold a later one's keys.
  EXPECT_FALSE(evidence("[aws]\nregion = x\n[mail]\nsecret_key = " + s + "\n", s));
  // No key on the secret's line: nothing to hang a path on.
  EXPECT_FALSE(evidence("aws:\n  - " + s + "\n", s));
}

}  // namespace
