// Verification against mock STS and Cloudflare endpoints on 127.0.0.1. The mock STS checks the
// SigV4 signature for real: it rebuilds the canonical request from the bytes it received and
// signs it with the secret it knows for that key ID. No test touches the network.
//
// Keys here are fake and built at run time (keyhound scans its own repository).
#include "verify/verifier.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>

#include "mock_providers.h"
#include "rule_facts.h"
#include "verify/sigv4.h"
#include "fake_keys.h"

using keyhound::Finding;
using keyhound::FindingPart;
using keyhound::VerifyOptions;
using keyhound_test::HttpReq;
using keyhound_test::HttpResp;
using keyhound_test::MockServer;
using keyhound_test::MockCloudflare;
using keyhound_test::MockSts;

namespace {

std::mt19937& rng() {
  static std::mt19937 r(20150830);
  return r;
}

std::string random_from(const std::string& alphabet, size_t n) { return keyhound_test::random_from(rng(), alphabet, n); }

// Fresh fakes on every call (the mocks tell keys apart).
std::string fake_key_id(const std::string& prefix = "AK" "IA") { return keyhound_test::fake_key_id(rng()(), prefix); }
std::string fake_secret() { return keyhound_test::fake_secret(rng()()); }
std::string fake_cf_token() { return keyhound_test::fake_token(rng()()); }

Finding aws_finding(const std::string& id, const std::string& secret,
                    const std::string& session = "") {
  Finding f = keyhound_test::finding_of("aws-access-key-id");
  f.secret = id;
  f.properties["kind"] = id.rfind("ASIA", 0) == 0 ? "temporary" : "long-term";
  if (!secret.empty()) {
    FindingPart p;
    p.role = "secret_access_key";
    p.rule_id = "aws-secret-access-key";
    p.secret = secret;
    f.parts.push_back(p);
  }
  if (!session.empty()) {
    FindingPart p;
    p.role = "session_token";
    p.rule_id = "aws-session-token";
    p.secret = session;
    f.parts.push_back(p);
  }
  return f;
}

Finding cf_finding(const std::string& token) {
  Finding f = keyhound_test::finding_of("cloudflare-api-token");
  f.secret = token;
  return f;
}

VerifyOptions opts_for(const MockSts* sts, const MockCloudflare* cf = nullptr) {
  VerifyOptions o;
  o.enabled = true;
  o.timeout_ms = 2000;
  if (sts) o.sts_endpoint = sts->endpoint();
  if (cf) o.cloudflare_endpoint = cf->endpoint();
  return o;
}

}  // namespace

TEST(Verify, AwsValidPairReportsArnAndAccount) {
  MockSts sts;
  std::string id = fake_key_id(), secret = fake_secret();
  sts.add(id, {secret, "", "123456789012", "arn:aws:iam::123456789012:user/ci-deploy"});
  std::vector<Finding> f{aws_finding(id, secret)};
  keyhound::verify_findings(f, opts_for(&sts));
  EXPECT_EQ(f[0].verified, keyhound::Verification::Valid) << f[0].verified_detail;
  EXPECT_EQ(f[0].properties["verified_arn"], "arn:aws:iam::123456789012:user/ci-deploy");
  EXPECT_EQ(f[0].properties["verified_account"], "123456789012");
  EXPECT_EQ(sts.server().requests(), 1);
  EXPECT_TRUE(sts.failures().empty()) << sts.failures()[0];
  // No secret leaks into the detail.
  EXPECT_EQ(f[0].verified_detail.find(secret), std::string::npos);
}

TEST(Verify, AwsWrongSecretIsRejectedWithSignatureDoesNotMatch) {
  MockSts sts;
  std::string id = fake_key_id(), secret = fake_secret();
  sts.add(id, {secret, "", "123456789012", "arn:aws:iam::123456789012:user/ci-deploy"});
  std::vector<Finding> f{aws_finding(id, fake_secret())};
  keyhound::verify_findings(f, opts_for(&sts));
  EXPECT_EQ(f[0].verified, keyhound::Verification::Rejected);
  EXPECT_NE(f[0].verified_detail.find("SignatureDoesNotMatch"), std::string::npos) << f[0].verified_detail;
  EXPECT_NE(f[0].verified_detail.find("secret found with it is wrong"), std::string::npos);
  EXPECT_EQ(f[0].properties["verified_error_code"], "SignatureDoesNotMatch");
  EXPECT_EQ(f[0].properties.count("verified_arn"), 0u);
  EXPECT_EQ(sts.server().requests(), 1);  // a rejection is an answer: no retry
}

TEST(Verify, AwsUnknownKeyIdIsRejectedWithInvalidClientTokenId) {
  MockSts sts;
  std::vector<Finding> f{aws_finding(fake_key_id(), fake_secret())};
  keyhound::verify_findings(f, opts_for(&sts));
  EXPECT_EQ(f[0].verified, keyhound::Verification::Rejected);
  EXPECT_NE(f[0].verified_detail.find("InvalidClientTokenId"), std::string::npos);
  EXPECT_NE(f[0].verified_detail.find("deleted or made inactive"), std::string::npos);
  EXPECT_EQ(f[0].properties["verified_error_code"], "InvalidClientTokenId");
}

TEST(Verify, AwsStalledEndpointIsUnknownAfterOneRetry) {
  MockSts sts;
  std::string id = fake_key_id(), secret = fake_secret();
  MockSts::Identity who{secret, "", "123456789012", "arn:aws:iam::123456789012:user/x"};
  who.stall = true;
  sts.add(id, who);
  std::vector<Finding> f{aws_finding(id, secret)};
  VerifyOptions o = opts_for(&sts);
  o.timeout_ms = 300;
  auto t0 = std::chrono::steady_clock::now();
  keyhound::verify_findings(f, o);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(f[0].verified, keyhound::Verification::Unknown);
  EXPECT_NE(f[0].verified_detail.find("timeout"), std::string::npos) << f[0].verified_detail;
  EXPECT_NE(f[0].verified_detail.find("after one retry"), std::string::npos);
  EXPECT_EQ(sts.server().connections(), 2);  // the attempt and exactly one retry
  EXPECT_LT(ms, 3000);
}

TEST(Verify, AwsServerErrorIsUnknownNotRejected) {
  MockSts sts;
  std::string id = fake_key_id(), secret = fake_secret();
  MockSts::Identity who{secret, "", "123456789012", "arn:aws:iam::123456789012:user/x"};
  who.status = 500;
  sts.add(id, who);
  std::vector<Finding> f{aws_finding(id, secret)};
  keyhound::verify_findings(f, opts_for(&sts));
  EXPECT_EQ(f[0].verified, keyhound::Verification::Unknown);
  EXPECT_NE(f[0].verified_detail.find("HTTP 500"), std::string::npos);
  EXPECT_EQ(sts.server().requests(), 1);  // 5xx is an answer, not a network error
}

TEST(Verify, ConnectionRefusedIsUnknownNetworkError) {
  // Grab a free port, then close it so nothing listens there.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  ::close(fd);
  VerifyOptions o;
  o.enabled = true;
  o.timeout_ms = 1000;
  o.sts_endpoint = "http://127.0.0.1:" + std::to_string(port) + "/";
  std::vector<Finding> f{aws_finding(fake_key_id(), fake_secret())};
  keyhound::verify_findings(f, o);
  EXPECT_EQ(f[0].verified, keyhound::Verification::Unknown);
  EXPECT_NE(f[0].verified_detail.find("network error"), std::string::npos) << f[0].verified_detail;
}

TEST(Verify, IdWithoutSecretIsUnverifiableAndSendsNothing) {
  MockSts sts;
  std::vector<Finding> f{aws_finding(fake_key_id(), "")};
  keyhound::verify_findings(f, opts_for(&sts));
  EXPECT_EQ(f[0].verified, keyhound::Verification::Unverifiable);
  EXPECT_NE(f[0].verified_detail.find("without its secret"), std::string::npos);
  EXPECT_EQ(sts.server().connections(), 0);
}

TEST(Verify, TemporaryKeyNeedsItsSessionToken) {
  MockSts sts;
  std::string id = fake_key_id("AS" "IA"), secret = fake_secret();
  std::string session = "FwoGZXIvYXdzE" + random_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop0123456789", 120);
  sts.add(id, {secret, session, "210987654321",
               "arn:aws:sts::210987654321:assumed-role/deploy/session-1"});
  std::vector<Finding> f{aws_finding(id, secret), aws_finding(id, secret, session)};
  keyhound::verify_findings(f, opts_for(&sts));
  EXPECT_EQ(f[0].verified, keyhound::Verification::Unverifiable);
  EXPECT_NE(f[0].verified_detail.find("session token"), std::string::npos);
  EXPECT_EQ(f[1].verified, keyhound::Verification::Valid) << f[1].verified_detail;
  EXPECT_EQ(f[1].properties["verified_arn"],
            "arn:aws:sts::210987654321:assumed-role/deploy/session-1");
  EXPECT_EQ(sts.server().requests(), 1);
  EXPECT_TRUE(sts.failures().empty());
}

TEST(Verify, DisabledMakesNoConnection) {
  // A listening socket that nothing may connect to.
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 16), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::string base = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));

  VerifyOptions o;  // enabled = false by default
  EXPECT_FALSE(o.enabled);
  o.sts_endpoint = base + "/";
  o.cloudflare_endpoint = base + "/client/v4/user/tokens/verify";
  std::vector<Finding> f{aws_finding(fake_key_id(), fake_secret()), aws_finding(fake_key_id(), ""),
                         cf_finding(fake_cf_token())};
  keyhound::verify_findings(f, o);
  for (const auto& x : f) {
    EXPECT_EQ(x.verified, keyhound::Verification::None);
    EXPECT_EQ(x.verified_detail, "");
  }
  // Any connect() would sit in the backlog by now: accept must find nothing.
  int c = ::accept(fd, nullptr, nullptr);
  EXPECT_EQ(c, -1) << "verify_findings connected although verification is off";
  EXPECT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK);
  if (c >= 0) ::close(c);
  ::close(fd);
}

TEST(Verify, EachDistinctCredentialIsCheckedOnce) {
  MockSts sts;
  std::string id = fake_key_id(), secret = fake_secret();
  sts.add(id, {secret, "", "123456789012", "arn:aws:iam::123456789012:user/dup"});
  std::vector<Finding> f;
  for (int i = 0; i < 5; ++i) f.push_back(aws_finding(id, secret));
  f.push_back(aws_finding(id, fake_secret()));  // same ID, other secret: a second request
  keyhound::verify_findings(f, opts_for(&sts));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(f[i].verified, keyhound::Verification::Valid);
  EXPECT_EQ(f[5].verified, keyhound::Verification::Rejected);
  EXPECT_EQ(sts.server().requests(), 2);
}

TEST(Verify, RequestCapMarksTheRestUnknown) {
  MockSts sts;
  std::vector<Finding> f;
  for (int i = 0; i < 4; ++i) {
    std::string id = fake_key_id(), secret = fake_secret();
    sts.add(id, {secret, "", "123456789012", "arn:aws:iam::123456789012:user/u" + std::to_string(i)});
    f.push_back(aws_finding(id, secret));
  }
  VerifyOptions o = opts_for(&sts);
  o.max_requests = 2;
  o.max_in_flight = 1;
  keyhound::verify_findings(f, o);
  EXPECT_EQ(f[0].verified, keyhound::Verification::Valid);
  EXPECT_EQ(f[1].verified, keyhound::Verification::Valid);
  EXPECT_EQ(f[2].verified, keyhound::Verification::Unknown);
  EXPECT_EQ(f[2].verified_detail, "request cap reached");
  EXPECT_EQ(f[3].verified_detail, "request cap reached");
  EXPECT_EQ(sts.server().requests(), 2);
}

TEST(Verify, AtMostMaxInFlightConcurrentRequests) {
  MockSts sts;
  std::vector<Finding> f;
  for (int i = 0; i < 8; ++i) {
    std::string id = fake_key_id(), secret = fake_secret();
    MockSts::Identity who{secret, "", "123456789012", "arn:aws:iam::123456789012:user/c"};
    who.delay_ms = 150;
    sts.add(id, who);
    f.push_back(aws_finding(id, secret));
  }
  VerifyOptions o = opts_for(&sts);
  o.max_in_flight = 3;
  keyhound::verify_findings(f, o);
  for (const auto& x : f) EXPECT_EQ(x.verified, keyhound::Verification::Valid) << x.verified_detail;
  EXPECT_EQ(sts.server().requests(), 8);
  EXPECT_LE(sts.server().max_concurrent(), 3);
  EXPECT_GE(sts.server().max_concurrent(), 2);  // it does run in parallel
}

TEST(Verify, PlainHttpToNonLoopbackHostIsRefused) {
  VerifyOptions o;
  o.enabled = true;
  o.sts_endpoint = "http://sts.example.invalid/";
  o.cloudflare_endpoint = "http://api.example.invalid/client/v4/user/tokens/verify";
  std::vector<Finding> f{aws_finding(fake_key_id(), fake_secret()), cf_finding(fake_cf_token())};
  keyhound::verify_findings(f, o);
  for (const auto& x : f) {
    EXPECT_EQ(x.verified, keyhound::Verification::Unknown);
    EXPECT_NE(x.verified_detail.find("plain HTTP"), std::string::npos);
  }
}

TEST(Verify, DefaultsPointAtOfficialHttpsEndpoints) {
  VerifyOptions o;
  EXPECT_FALSE(o.enabled);
  EXPECT_EQ(o.max_in_flight, 4);
  EXPECT_EQ(o.timeout_ms, 5000);
  EXPECT_EQ(o.max_requests, 200);
  EXPECT_EQ(o.sts_endpoint, "https://sts.amazonaws.com/");
  EXPECT_EQ(o.cloudflare_endpoint, "https://api.cloudflare.com/client/v4/user/tokens/verify");
}

TEST(Verify, OtherRulesAndSuppressedFindingsAreLeftAlone) {
  MockSts sts;
  Finding other;
  other.rule_id = "github-pat-classic";
  other.secret = "ghp_" + random_from("abcdefghijklmnopqrstuvwxyz0123456789", 36);
  Finding suppressed = aws_finding(fake_key_id(), fake_secret());
  suppressed.suppressed = true;
  Finding example = aws_finding(fake_key_id(), fake_secret());
  example.example = true;
  std::vector<Finding> f{other, suppressed, example};
  keyhound::verify_findings(f, opts_for(&sts));
  EXPECT_EQ(f[0].verified, keyhound::Verification::None);
  EXPECT_EQ(f[1].verified, keyhound::Verification::None);
  EXPECT_EQ(f[2].verified, keyhound::Verification::Unverifiable);
  EXPECT_EQ(sts.server().connections(), 0);
}

TEST(VerifyCloudflare, ActiveTokenIsValid) {
  MockCloudflare cf;
  std::string token = fake_cf_token();
  cf.add(token, "active");
  std::vector<Finding> f{cf_finding(token)};
  keyhound::verify_findings(f, opts_for(nullptr, &cf));
  EXPECT_EQ(f[0].verified, keyhound::Verification::Valid) << f[0].verified_detail;
  EXPECT_EQ(f[0].properties["verified_token_id"], "f267e341f3dd4697bd3b9f71dd96247f");
  EXPECT_EQ(f[0].properties["verified_token_status"], "active");
}

TEST(VerifyCloudflare, UnknownTokenIsRejected) {
  MockCloudflare cf;
  std::vector<Finding> f{cf_finding(fake_cf_token())};
  keyhound::verify_findings(f, opts_for(nullptr, &cf));
  EXPECT_EQ(f[0].verified, keyhound::Verification::Rejected);
  EXPECT_NE(f[0].verified_detail.find("Invalid API Token"), std::string::npos) << f[0].verified_detail;
  EXPECT_EQ(f[0].properties["verified_error_code"], "1000");
}

TEST(VerifyCloudflare, DisabledTokenIsRejected) {
  MockCloudflare cf;
  std::string token = fake_cf_token();
  cf.add(token, "disabled");
  std::vector<Finding> f{cf_finding(token)};
  keyhound::verify_findings(f, opts_for(nullptr, &cf));
  EXPECT_EQ(f[0].verified, keyhound::Verification::Rejected);
  EXPECT_NE(f[0].verified_detail.find("disabled"), std::string::npos);
}

TEST(VerifyCloudflare, StalledEndpointIsUnknown) {
  MockCloudflare cf;
  std::string token = fake_cf_token();
  cf.stall(token);
  std::vector<Finding> f{cf_finding(token)};
  VerifyOptions o = opts_for(nullptr, &cf);
  o.timeout_ms = 300;
  keyhound::verify_findings(f, o);
  EXPECT_EQ(f[0].verified, keyhound::Verification::Unknown);
  EXPECT_NE(f[0].verified_detail.find("timeout"), std::string::npos) << f[0].verified_detail;
  EXPECT_EQ(cf.server().connections(), 2);
}

TEST(VerifyCloudflare, MixedRunAgainstBothMocks) {
  MockSts sts;
  MockCloudflare cf;
  std::string id = fake_key_id(), secret = fake_secret(), token = fake_cf_token();
  sts.add(id, {secret, "", "123456789012", "arn:aws:iam::123456789012:user/mixed"});
  cf.add(token, "active");
  std::vector<Finding> f{aws_finding(id, secret), cf_finding(token), cf_finding(token),
                         aws_finding(fake_key_id(), "")};
  keyhound::verify_findings(f, opts_for(&sts, &cf));
  EXPECT_EQ(f[0].verified, keyhound::Verification::Valid);
  EXPECT_EQ(f[1].verified, keyhound::Verification::Valid);
  EXPECT_EQ(f[2].verified, keyhound::Verification::Valid);
  EXPECT_EQ(f[3].verified, keyhound::Verification::Unverifiable);
  EXPECT_EQ(sts.server().requests(), 1);
  EXPECT_EQ(cf.server().requests(), 1);
}

TEST(VerifyCloudflare, ScannableUserTokenIsVerifiedOthersAreNot) {
  MockCloudflare cf;
  std::string user_token = "cfut_" + fake_cf_token();
  cf.add(user_token, "active");
  Finding user = cf_finding(user_token);
  user.rule_id = "cloudflare-scannable-token";
  user.facts = keyhound_test::builtin_facts("cloudflare-scannable-token");
  Finding account = cf_finding("cfat_" + fake_cf_token());
  account.rule_id = "cloudflare-scannable-token";
  account.facts = keyhound_test::builtin_facts("cloudflare-scannable-token");
  Finding global = cf_finding("cfk_" + fake_cf_token());
  global.rule_id = "cloudflare-scannable-token";
  global.facts = keyhound_test::builtin_facts("cloudflare-scannable-token");
  std::vector<Finding> f{user, account, global};
  keyhound::verify_findings(f, opts_for(nullptr, &cf));
  EXPECT_EQ(f[0].verified, keyhound::Verification::Valid) << f[0].verified_detail;
  EXPECT_EQ(f[1].verified, keyhound::Verification::Unverifiable);
  EXPECT_NE(f[1].verified_detail.find("account ID"), std::string::npos);
  EXPECT_EQ(f[2].verified, keyhound::Verification::Unverifiable);
  EXPECT_NE(f[2].verified_detail.find("Global API Key"), std::string::npos);
  EXPECT_EQ(cf.server().requests(), 1);
}
