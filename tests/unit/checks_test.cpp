#include <gtest/gtest.h>

#include "checks/aws_key.h"
#include "checks/checksum.h"
#include "checks/embedded_json.h"
#include "checks/entropy.h"
#include "checks/jwt_example.h"
#include "checks/placeholder.h"
#include "verify/sigv4.h"
#include "base/hex.h"
#include "rule_facts.h"
#include <random>

#include <string>

using namespace keyhound;

TEST(Entropy, Basics) {
  EXPECT_DOUBLE_EQ(shannon_entropy(""), 0.0);
  EXPECT_DOUBLE_EQ(shannon_entropy("aaaa"), 0.0);
  EXPECT_DOUBLE_EQ(shannon_entropy("abab"), 1.0);
  EXPECT_NEAR(shannon_entropy("0123456789abcdef"), 4.0, 1e-9);
}

TEST(Entropy, HexCannotReachAwsSecretThreshold) {
  // 40 hex characters top out below 4.0 bits/char; the AWS secret rule requires 4.0.
  EXPECT_LT(shannon_entropy("0123456789abcdef0123456789abcdef01234567"), 4.0);
  EXPECT_LT(shannon_entropy("da39a3ee5e6b4b0d3255bfef95601890afd80709"), 4.0);
}

TEST(Placeholder, Detects) {
  EXPECT_TRUE(is_placeholder(std::string("AK") + "IAXXXXXXXXXXXXXXXX"));
  EXPECT_TRUE(is_placeholder("your-secret-key-here"));
  EXPECT_TRUE(is_placeholder("sk_live_000000000000"));
  EXPECT_TRUE(is_placeholder("<SECRET>"));
  EXPECT_TRUE(is_placeholder("${AWS_SECRET_ACCESS_KEY}"));
  EXPECT_FALSE(is_placeholder(std::string("AK") + "IAXJBTFQXKWOVOMPZO"));
  EXPECT_FALSE(is_placeholder("z+TddJ8HyS5SUkCnD8zRA9a9SkpXz9w3QlY7Zkuv"));
}

TEST(Placeholder, DocumentationExamples) {
  EXPECT_TRUE(is_documentation_example(std::string("AKIAIOSFODNN7") + "EXAMPLE"));
  EXPECT_TRUE(is_documentation_example(std::string("wJalrXUtnFEMI/K7MDENG/bPxRfiCY") + "EXAMPLEKEY"));
  EXPECT_FALSE(is_documentation_example(std::string("AK") + "IAXJBTFQXKWOVOMPZO"));
}

TEST(Placeholder, RepeatedBlocks) {
  // Docs and tests fill key-shaped slots with a block written again and again.
  EXPECT_TRUE(is_placeholder("abc123abc123abc123"));
  EXPECT_TRUE(is_placeholder("a1b2a1b2a1b2a1b2"));
  EXPECT_TRUE(is_placeholder("Zq9Zq9Zq9Zq9Zq9"));
  EXPECT_FALSE(is_placeholder("abc123abc1"));  // once repeated is not enough
  // Random keys do not repeat 12 characters at a period of 2-8: 200,000 draws of 64 hex
  // characters (the smallest key alphabet, so the likeliest to repeat) hold none. All the
  // filters together (runs of 6 identical characters, "123456"...) drop fewer than 1 in 10,000.
  std::mt19937 rng(42);
  const std::string a = "0123456789abcdef";
  int periodic = 0, any = 0;
  for (int i = 0; i < 200000; ++i) {
    std::string s;
    for (int k = 0; k < 64; ++k) s += a[rng() % a.size()];
    bool flagged = is_placeholder(s);
    any += flagged;
    bool other = s.find("123456") != std::string::npos || s.find("654321") != std::string::npos;
    for (size_t k = 5; k < s.size() && !other; ++k) other = s.compare(k - 5, 6, std::string(6, s[k])) == 0;
    if (flagged && !other) ++periodic;
  }
  EXPECT_EQ(periodic, 0);
  EXPECT_LT(any, 20);
}

TEST(Placeholder, DocumentationHostsAndDummyRuns) {
  EXPECT_TRUE(is_documentation_host("example.com"));
  EXPECT_TRUE(is_documentation_host("unix.example.com"));
  EXPECT_TRUE(is_documentation_host("DB.Example.ORG."));
  EXPECT_TRUE(is_documentation_host("db.example"));
  EXPECT_FALSE(is_documentation_host("example.com.evil.io"));
  EXPECT_FALSE(is_documentation_host("myexample.com"));
  EXPECT_FALSE(is_documentation_host("db.acme.invalid"));  // tests' fake hosts still count
  // "123456", the most used dummy password, in any value.
  EXPECT_TRUE(is_placeholder("pass123456"));
  EXPECT_TRUE(is_placeholder("x654321y"));
}

TEST(Placeholder, ExampleInsideEmbeddedJson) {
  // Mapbox's documentation token belongs to the account "examples".
  std::string doc = "pk." + base64_encode("{\"u\":\"examples\",\"a\":\"cjt0m51tj1n9r43odzojmsrx1\"}", true, false) +
                    ".zA2W0IkI0c6KaAhJfk9bWg";
  EXPECT_TRUE(is_documentation_example(doc));
  std::string own = "pk." + base64_encode("{\"u\":\"acme-maps\",\"a\":\"cjt0m51tj1n9r43odzojmsrx1\"}", true, false) +
                    ".zA2W0IkI0c6KaAhJfk9bWg";
  EXPECT_FALSE(is_documentation_example(own));
}

TEST(Placeholder, PublishedExamplesAndTheirCopies) {
  const auto& examples = keyhound_test::builtin_rule("sendgrid-api-key").doc_examples;
  ASSERT_FALSE(examples.empty());
  std::string doc = examples[0];
  EXPECT_TRUE(is_published_example(examples, doc));
  // A copy with its tail changed is still the documentation key.
  std::string copy = doc.substr(0, doc.size() - 8) + "Zq3Wm8Kd";
  EXPECT_TRUE(is_published_example(examples, copy));
  // A key sharing only the prefix and a few characters is not.
  std::string other = doc.substr(0, 6) + std::string(doc.size() - 6, 'q');
  other[10] = '7';
  EXPECT_FALSE(is_published_example(examples, other));
}

TEST(Checksum, Base64JsonWhole) {
  std::string body = base64_encode("{\"o\":\"830595\",\"n\":\"stack-178112-hm-read\",\"k\":\"Wd81Kq0zLp3xNv7R\"}", false, false);
  std::string token = std::string("gl") + "c_" + body;
  EXPECT_TRUE(embedded_json_complete(token));
  EXPECT_TRUE(verify_checksum("base64-json", token));
  EXPECT_FALSE(verify_checksum("base64-json", token.substr(0, token.size() - 5)));  // truncated copy
  EXPECT_FALSE(verify_checksum("base64-json", std::string("gl") + "c_" + "abcdefghijklmnop"));
  // A Sentry org token: standard base64 JSON, then _ and a signature.
  std::string sentry = std::string("sntr") + "ys_" + base64_encode("{\"iat\":1700000000.5,\"org\":\"acme\"}", false, false) +
                       "_" + std::string(43, 'Q');
  EXPECT_TRUE(verify_checksum("base64-json", sentry));
}

TEST(AwsKey, KindAndAccount) {
  EXPECT_EQ(aws_key_kind(std::string("AK") + "IAXJBTFQXKWOVOMPZO"), "long-term");
  EXPECT_EQ(aws_key_kind(std::string("AS") + "IAKVJ72CEUVW75EFR6"), "temporary");
  EXPECT_EQ(aws_key_kind(std::string("AB") + "IAKVJ72CEUVW75EFR6"), "bearer-token");
  EXPECT_EQ(aws_key_kind(std::string("AC") + "CAKVJ72CEUVW75EFR6"), "context-specific");
  EXPECT_EQ(aws_key_kind(std::string("AI") + "DAKVJ72CEUVW75EFR6"), "");
  // Published decoding example (ASIA-Y34FZ...): it belongs to account 609629065308.
  EXPECT_EQ(aws_account_id(std::string("AS") + "IAY34FZKBOKMUTVV7A").value_or(""), "609629065308");
  // Old-format IDs (5th character below Q) carry no account.
  EXPECT_FALSE(aws_account_id(std::string("AKIAIOSFODNN7") + "EXAMPLE").has_value());
}

TEST(Checksum, GithubCrc32) {
  // Build a token with a valid checksum at run time, then break it.
  std::string body = "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1";
  // CRC32 computed by the same scheme must round-trip through verify_checksum.
  const char* alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : body) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
  }
  c ^= 0xFFFFFFFFu;
  std::string sum(6, '0');
  for (int i = 5; i >= 0 && c; --i) { sum[i] = alphabet[c % 62]; c /= 62; }
  std::string token = "ghp_" + body + sum;
  EXPECT_TRUE(verify_checksum("github-crc32", token));
  token[10] = token[10] == 'x' ? 'y' : 'x';
  EXPECT_FALSE(verify_checksum("github-crc32", token));
  EXPECT_FALSE(verify_checksum("github-crc32", "ghp_short"));
}

namespace {
// base64url without padding, for building test JWTs at run time.
std::string b64url(const std::string& in) {
  static const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) v |= static_cast<unsigned char>(in[i + 2]);
    out += a[v >> 18 & 63];
    out += a[v >> 12 & 63];
    if (i + 1 < in.size()) out += a[v >> 6 & 63];
    if (i + 2 < in.size()) out += a[v & 63];
  }
  return out;
}
std::string hs256_jwt(const std::string& payload, const std::string& key) {
  std::string signed_part = b64url(R"({"alg":"HS256","typ":"JWT"})") + "." + b64url(payload);
  return signed_part + "." + b64url(sigv4::hmac_sha256(key, signed_part));
}
}  // namespace

// A README's JWT signed with "secret" is an example (PyJWT's own README prints one); the same
// claims signed with a real key are not.
TEST(Placeholder, JwtSignedWithADemoSecretIsADocumentationExample) {
  EXPECT_TRUE(is_documentation_example(hs256_jwt(R"({"some":"payload"})", "secret")));
  EXPECT_TRUE(is_documentation_example(hs256_jwt(R"({"sub":"42","name":"Ada"})", "your-256-bit-secret")));
  EXPECT_FALSE(is_documentation_example(hs256_jwt(R"({"some":"payload"})", "k9#Qz!vT2m@Lr8&x")));
  EXPECT_FALSE(jwt_signed_with_demo_secret("eyJ.no-signature"));
  EXPECT_FALSE(jwt_signed_with_demo_secret(""));
}
