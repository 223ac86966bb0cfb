// Provider behaviour is rule data (rules/provider_facts.h): rule files name it, the loader
// checks the names, and no code decides by spelling a rule ID.
#include "rules/provider_facts.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "rule_facts.h"
#include "rules/rule_loader.h"
#include "verify/remediation.h"

using namespace keyhound;

namespace {
const char* kRule =
    "[[rule]]\nid = \"custom-key\"\nname = \"n\"\nkeywords = [\"ck_\"]\nregex = 'ck_[a-z0-9]{20}'\n";
}

TEST(ProviderFacts, RuleFilesNameTheirBehaviour) {
  auto rules = parse_rule_file(std::string(kRule) + "verify = \"aws-sts\"\nremediation = \"cloudflare-r2\"\n", "u.toml");
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].facts.verify, VerifyWith::AwsSts);
  EXPECT_EQ(rules[0].facts.remediation, RemediationKind::CloudflareR2);
  EXPECT_EQ(rules[0].facts.enrich, Enricher::None);
  // The built-in AWS and Cloudflare rules say theirs.
  EXPECT_EQ(keyhound_test::builtin_facts("aws-access-key-id").verify, VerifyWith::AwsSts);
  EXPECT_EQ(keyhound_test::builtin_facts("aws-access-key-id").enrich, Enricher::AwsAccessKey);
  EXPECT_EQ(keyhound_test::builtin_facts("cloudflare-origin-ca-key").remediation, RemediationKind::CloudflareOriginCaKey);
}

TEST(ProviderFacts, UnknownNamesAreRejectedWithTheKnownOnes) {
  for (const char* field : {"enrich", "verify", "remediation"}) {
    try {
      parse_rule_file(std::string(kRule) + field + " = \"aws-sts-typo\"\n", "u.toml");
      FAIL() << field << " accepted an unknown name";
    } catch (const std::exception& e) {
      std::string msg = e.what();
      EXPECT_NE(msg.find("u.toml"), std::string::npos) << msg;
      EXPECT_NE(msg.find("custom-key"), std::string::npos) << msg;
      EXPECT_NE(msg.find(std::string("unknown ") + field + " 'aws-sts-typo'"), std::string::npos) << msg;
      EXPECT_NE(msg.find("known: "), std::string::npos) << msg;
    }
  }
}

TEST(ProviderFacts, EveryNameRoundTrips) {
  for (auto& n : enricher_names()) {
    Enricher e;
    ASSERT_TRUE(parse_enricher(n, &e));
    EXPECT_EQ(enricher_name(e), n);
  }
  for (auto& n : verify_with_names()) {
    VerifyWith v;
    ASSERT_TRUE(parse_verify_with(n, &v));
    EXPECT_EQ(verify_with_name(v), n);
  }
  for (auto& n : remediation_kind_names()) {
    RemediationKind k;
    ASSERT_TRUE(parse_remediation_kind(n, &k));
    EXPECT_EQ(remediation_kind_name(k), n);
  }
}

TEST(ProviderFacts, ARenamedRuleKeepsItsAdviceBecauseItSaysSo) {
  // A custom rule under a new ID that names the AWS key-ID advice gets it; the same rule
  // without the field gets the generic advice, whatever its ID looks like.
  auto named = parse_rule_file(std::string(kRule) + "remediation = \"aws-access-key\"\n", "u.toml");
  auto bare = parse_rule_file(std::string(kRule), "u.toml");
  EXPECT_NE(remediation_markdown_for_rule(named[0]).find("aws iam update-access-key"), std::string::npos);
  std::string generic = remediation_markdown_for_rule(bare[0]);
  EXPECT_EQ(generic.find("aws iam"), std::string::npos);
  EXPECT_NE(generic.find("Revoke or rotate"), std::string::npos);
}

TEST(ProviderFacts, NoSourceFileDecidesByARuleId) {
  namespace fs = std::filesystem;
  // `rule_id == "aws-..."`, `.rule_id.find("r2")` and the like: behaviour belongs in the rule's
  // enrich/verify/remediation fields.
  std::regex by_id(R"(rule_id\s*(==|!=)\s*"|rule_id\.(find|rfind|compare|starts_with)\(|\bid\.find\(")");
  std::vector<std::string> hits;
  for (auto& e : fs::recursive_directory_iterator(fs::path(KEYHOUND_SOURCE_DIR) / "src")) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path());
    std::string line;
    for (int n = 1; std::getline(in, line); ++n)
      if (std::regex_search(line, by_id)) hits.push_back(e.path().string() + ":" + std::to_string(n) + ": " + line);
  }
  std::ostringstream all;
  for (auto& h : hits) all << h << "\n";
  EXPECT_TRUE(hits.empty()) << all.str();
}
