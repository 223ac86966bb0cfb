// The verifier and remediation on findings made by the real engine and rules: a generated
// ~/.aws/credentials file and a rootkey.csv are scanned, the pair is verified against the mock
// STS, and remediation is added. Keys are fake and generated at run time.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "pipeline/engine_setup.h"
#include "findings/enrich.h"
#include "mock_providers.h"
#include "verify/remediation.h"
#include "verify/verifier.h"
#include "fake_keys.h"

namespace {

using keyhound_test::random_from;

struct Pipeline {
  std::unique_ptr<keyhound::Engine> engine;
  Pipeline() {
    keyhound::EngineChoices c;
    c.use_cache = false;
    engine = keyhound::build_engine(c);
  }
  std::vector<keyhound::Finding> scan(const std::string& text, const std::string& path) {
    keyhound::Scratch scratch(*engine->db);
    auto fs = engine->scanner->scan_block(text, scratch);
    for (auto& f : fs) {
      keyhound::Provenance p;
      p.path = path;
      keyhound::attach_provenance(f, p);
    }
    return fs;
  }
};

const keyhound::Finding* find_rule(const std::vector<keyhound::Finding>& fs, const std::string& id) {
  for (const auto& f : fs)
    if (f.rule_id == id) return &f;
  return nullptr;
}

}  // namespace

TEST(VerifyPipeline, CredentialsFilePairIsVerifiedAndGetsRemediation) {
  std::mt19937 r(7);
  std::string id = "AK" "IA" + random_from(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
  std::string secret =
      random_from(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+", 40);
  std::string text = "[default]\naws_access_key_id = " + id + "\naws_secret_access_key = " +
                     secret + "\nregion = eu-west-1\n";
  Pipeline p;
  auto fs = p.scan(text, "home/.aws/credentials");
  const keyhound::Finding* key = find_rule(fs, "aws-access-key-id");
  ASSERT_NE(key, nullptr) << "the engine did not report the key ID";
  ASSERT_FALSE(key->parts.empty()) << "the secret was not attached to the key ID";

  keyhound_test::MockSts sts;
  sts.add(id, {secret, "", "123456789012", "arn:aws:iam::123456789012:user/pipeline"});
  keyhound::VerifyOptions o;
  o.enabled = true;
  o.sts_endpoint = sts.endpoint();
  keyhound::verify_findings(fs, o);
  for (auto& f : fs) keyhound::add_remediation(f);

  key = find_rule(fs, "aws-access-key-id");
  EXPECT_EQ(key->verified, keyhound::Verification::Valid) << key->verified_detail;
  EXPECT_EQ(key->properties.at("verified_arn"), "arn:aws:iam::123456789012:user/pipeline");
  EXPECT_EQ(key->remediation->kind, "aws-long-term");
  EXPECT_NE(key->remediation->markdown.find(
                "aws iam update-access-key --access-key-id " + id + " --status Inactive --user-name pipeline"),
            std::string::npos);
  EXPECT_TRUE(sts.failures().empty());
}

TEST(VerifyPipeline, RootkeyCsvIsCriticalAndAWrongSecretIsRejected) {
  std::mt19937 r(11);
  std::string id = "AK" "IA" + random_from(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
  std::string secret =
      random_from(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+", 40);
  std::string text = "AWSAccessKeyId=" + id + "\nAWSSecretKey=" + secret + "\n";
  Pipeline p;
  auto fs = p.scan(text, "Downloads/rootkey.csv");
  const keyhound::Finding* key = find_rule(fs, "aws-access-key-id");
  ASSERT_NE(key, nullptr);

  keyhound_test::MockSts sts;  // knows the ID with another secret
  sts.add(id, {random_from(r, "abcdefghijklmnopqrstuvwxyz0123456789", 40), "", "123456789012",
               "arn:aws:iam::123456789012:root"});
  keyhound::VerifyOptions o;
  o.enabled = true;
  o.sts_endpoint = sts.endpoint();
  keyhound::verify_findings(fs, o);
  for (auto& f : fs) keyhound::add_remediation(f);
  key = find_rule(fs, "aws-access-key-id");
  EXPECT_EQ(key->verified, keyhound::Verification::Rejected);
  EXPECT_NE(key->verified_detail.find("SignatureDoesNotMatch"), std::string::npos);
  EXPECT_EQ(key->properties.at("severity"), "critical");
  EXPECT_EQ(key->remediation->kind, "aws-root");
}
