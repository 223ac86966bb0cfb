// Offline remediation advice. Key IDs are fake and built at run time.
#include "verify/remediation.h"

#include <gtest/gtest.h>

#include <string>

#include "rule_facts.h"
#include "fake_keys.h"

using keyhound::Finding;

namespace {

bool has(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

std::string fake_id(const std::string& prefix) { return keyhound_test::fake_key_id(1, prefix); }

Finding aws(const std::string& id, const std::string& kind) {
  Finding f;
  f = keyhound_test::finding_of("aws-access-key-id");
  f.secret = id;
  f.properties["kind"] = kind;
  return f;
}

}  // namespace

TEST(Remediation, LongTermKeyFollowsTheAccessKeyLifecycle) {
  std::string id = fake_id("AK" "IA");
  Finding f = aws(id, "long-term");
  keyhound::add_remediation(f);
  const std::string& md = f.remediation->markdown;
  EXPECT_EQ(f.remediation->kind, "aws-long-term");
  // The documented order: create, switch, inactive, confirm, delete, then CloudTrail.
  size_t create = md.find("aws iam create-access-key");
  size_t inactive = md.find("aws iam update-access-key --access-key-id " + id + " --status Inactive");
  size_t confirm = md.find("Confirm nothing broke");
  size_t del = md.find("aws iam delete-access-key --access-key-id " + id);
  size_t trail = md.find(
      "aws cloudtrail lookup-events --lookup-attributes AttributeKey=AccessKeyId,AttributeValue=" + id);
  ASSERT_NE(create, std::string::npos) << md;
  ASSERT_NE(inactive, std::string::npos) << md;
  ASSERT_NE(confirm, std::string::npos);
  ASSERT_NE(del, std::string::npos);
  ASSERT_NE(trail, std::string::npos);
  EXPECT_LT(create, inactive);
  EXPECT_LT(inactive, confirm);
  EXPECT_LT(confirm, del);
  EXPECT_LT(del, trail);
  EXPECT_TRUE(has(md, "IAM role"));  // better: roles / temporary credentials
  EXPECT_TRUE(has(f.remediation->summary, id));
  EXPECT_EQ(f.remediation->summary.find('\n'), std::string::npos);
  EXPECT_TRUE(has(f.remediation->commands, "aws iam delete-access-key --access-key-id " + id));
  EXPECT_EQ(f.properties.count("severity"), 0u);
}

TEST(Remediation, UserNameFromVerifiedArnIsFilledIn) {
  std::string id = fake_id("AK" "IA");
  Finding f = aws(id, "long-term");
  f.verified = keyhound::Verification::Valid;
  f.properties["verified_arn"] = "arn:aws:iam::123456789012:user/ops/ci-deploy";
  f.properties["verified_account"] = "123456789012";
  keyhound::add_remediation(f);
  const std::string& md = f.remediation->markdown;
  EXPECT_TRUE(has(md, "aws iam create-access-key --user-name ci-deploy")) << md;
  EXPECT_TRUE(has(md, "--status Inactive --user-name ci-deploy"));
  EXPECT_TRUE(has(md, "Verified live"));
  EXPECT_TRUE(has(md, "account 123456789012"));
}

TEST(Remediation, WithoutArnTheUserIsAPlaceholder) {
  Finding f = aws(fake_id("AK" "IA"), "long-term");
  keyhound::add_remediation(f);
  EXPECT_TRUE(has(f.remediation->markdown, "--user-name <USER_NAME>"));
  EXPECT_FALSE(has(f.remediation->markdown, "Verified live"));
}

TEST(Remediation, TemporaryKeyExpiresAndSessionsAreRevoked) {
  std::string id = fake_id("AS" "IA");
  Finding f = aws(id, "temporary");
  f.properties["verified_arn"] = "arn:aws:sts::123456789012:assumed-role/deploy-role/gh-actions";
  keyhound::add_remediation(f);
  const std::string& md = f.remediation->markdown;
  EXPECT_EQ(f.remediation->kind, "aws-temporary");
  EXPECT_TRUE(has(md, "expire")) << md;
  EXPECT_TRUE(has(md, "Revoke active sessions"));
  EXPECT_TRUE(has(md, "aws:TokenIssueTime"));
  EXPECT_TRUE(has(md, "--role-name deploy-role"));
  EXPECT_TRUE(has(md, "AttributeValue=" + id));
  EXPECT_FALSE(has(md, "aws iam delete-access-key"));  // a temporary key cannot be deleted
}

TEST(Remediation, KindFallsBackToThePrefix) {
  Finding f;
  f = keyhound_test::finding_of("aws-access-key-id");
  f.secret = fake_id("AS" "IA");
  keyhound::add_remediation(f);
  EXPECT_EQ(f.remediation->kind, "aws-temporary");
}

TEST(Remediation, RootCredentialsAreCriticalAndDeletedAltogether) {
  std::string id = fake_id("AK" "IA");
  Finding f = aws(id, "long-term");
  f.properties["root_credentials"] = "true";
  keyhound::add_remediation(f);
  const std::string& md = f.remediation->markdown;
  EXPECT_EQ(f.properties["severity"], "critical");
  EXPECT_EQ(f.remediation->kind, "aws-root");
  EXPECT_TRUE(has(f.remediation->summary, "CRITICAL"));
  EXPECT_TRUE(has(md, "root user"));
  EXPECT_TRUE(has(md, "no access keys"));
  EXPECT_TRUE(has(md, "aws iam update-access-key --access-key-id " + id + " --status Inactive"));
  EXPECT_TRUE(has(md, "aws iam delete-access-key --access-key-id " + id));
  EXPECT_FALSE(has(md, "aws iam create-access-key"));  // no new root key
  EXPECT_FALSE(has(md, "--user-name"));                // root keys have no IAM user
  EXPECT_TRUE(has(md, "MFA"));
}

TEST(Remediation, SecretWithoutIdUsesPlaceholders) {
  Finding f;
  f = keyhound_test::finding_of("aws-secret-access-key");
  f.secret = std::string(20, 'x') + std::string(20, 'Y');
  keyhound::add_remediation(f);
  EXPECT_EQ(f.remediation->kind, "aws-secret-only");
  EXPECT_TRUE(has(f.remediation->markdown, "<ACCESS_KEY_ID>"));
  EXPECT_FALSE(has(f.remediation->markdown, f.secret));  // the secret is never echoed
}

TEST(Remediation, UnsafeIdIsNotPastedIntoCommands) {
  Finding f = aws("AKIA$(rm -rf ~)", "long-term");
  keyhound::add_remediation(f);
  EXPECT_FALSE(has(f.remediation->markdown, "$(rm"));
  EXPECT_TRUE(has(f.remediation->markdown, "<ACCESS_KEY_ID>"));
}

TEST(Remediation, Idempotent) {
  Finding f = aws(fake_id("AK" "IA"), "long-term");
  keyhound::add_remediation(f);
  auto first = f.properties;
  keyhound::add_remediation(f);
  EXPECT_EQ(first, f.properties);
}

TEST(Remediation, CloudflareTokenRollOrDelete) {
  Finding f;
  f = keyhound_test::finding_of("cloudflare-api-token");
  f.secret = std::string("cf") + std::string(38, 'k');
  f.verified = keyhound::Verification::Valid;
  f.properties["verified_token_id"] = "f267e341f3dd4697bd3b9f71dd96247f";
  keyhound::add_remediation(f);
  const std::string& md = f.remediation->markdown;
  EXPECT_EQ(f.remediation->kind, "cloudflare-api-token");
  EXPECT_TRUE(has(md, "Roll"));
  EXPECT_TRUE(has(md, "Delete"));
  EXPECT_TRUE(has(md, "/user/tokens/f267e341f3dd4697bd3b9f71dd96247f/value"));
  EXPECT_TRUE(has(md, "curl -X DELETE"));
  EXPECT_FALSE(has(md, f.secret));
  EXPECT_TRUE(has(f.remediation->summary, "roll"));
}

TEST(Remediation, OtherCloudflareKinds) {
  Finding g;
  g = keyhound_test::finding_of("cloudflare-global-api-key");
  keyhound::add_remediation(g);
  EXPECT_EQ(g.remediation->kind, "cloudflare-global-api-key");
  EXPECT_TRUE(has(g.remediation->markdown, "Global API Key > Change"));
  Finding o;
  o = keyhound_test::finding_of("cloudflare-origin-ca-key");
  keyhound::add_remediation(o);
  EXPECT_EQ(o.remediation->kind, "cloudflare-origin-ca-key");
  Finding r;
  r = keyhound_test::finding_of("cloudflare-r2-access-key-id");
  keyhound::add_remediation(r);
  EXPECT_EQ(r.remediation->kind, "cloudflare-r2");
}

TEST(Remediation, OtherProvidersAreLeftAlone) {
  Finding f;
  f = keyhound_test::finding_of("github-pat-classic");
  keyhound::add_remediation(f);
  EXPECT_TRUE(f.properties.empty());
  EXPECT_FALSE(f.remediation);
}

TEST(Remediation, RuleHelpMarkdown) {
  std::string aws = keyhound::remediation_markdown_for_rule(keyhound_test::builtin_rule("aws-access-key-id"));
  EXPECT_TRUE(has(aws, "aws iam update-access-key --access-key-id <ACCESS_KEY_ID> --status Inactive"));
  EXPECT_TRUE(has(aws, "aws iam delete-access-key --access-key-id <ACCESS_KEY_ID>"));
  EXPECT_TRUE(has(aws, "AttributeKey=AccessKeyId,AttributeValue=<ACCESS_KEY_ID>"));
  EXPECT_TRUE(has(aws, "Temporary keys"));
  EXPECT_TRUE(has(aws, "Root user keys"));
  EXPECT_TRUE(has(keyhound::remediation_markdown_for_rule(keyhound_test::builtin_rule("cloudflare-api-token")), "Roll"));
  EXPECT_FALSE(keyhound::remediation_markdown_for_rule(keyhound_test::builtin_rule("github-pat-classic")).empty());
  EXPECT_TRUE(keyhound::remediation_markdown_for_rule(keyhound::Rule{}).empty());
}

TEST(Remediation, ScannableCloudflareFormatsAndPrincipalIds) {
  Finding k;
  k = keyhound_test::finding_of("cloudflare-scannable-token");
  k.secret = "cfk_" + std::string(40, 'a');
  keyhound::add_remediation(k);
  EXPECT_EQ(k.remediation->kind, "cloudflare-global-api-key");
  Finding t;
  t = keyhound_test::finding_of("cloudflare-scannable-token");
  t.secret = "cfut_" + std::string(40, 'a');
  keyhound::add_remediation(t);
  EXPECT_EQ(t.remediation->kind, "cloudflare-api-token");
  Finding p;
  p = keyhound_test::finding_of("aws-principal-id");
  p.secret = "AI" "DA" + std::string(16, 'Q');
  keyhound::add_remediation(p);
  EXPECT_EQ(p.remediation->kind, "aws-identifier");
  EXPECT_TRUE(has(p.remediation->markdown, "not a credential"));
}
