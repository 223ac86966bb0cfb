// AWS Signature Version 4: the published test-suite vectors
// (https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html; same values as
// the suite shipped with the AWS SDKs). All use the suite's example credentials, region
// us-east-1, service "service" and the date 20150830T123600Z.
#include "verify/sigv4.h"

#include "base/hex.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

using namespace keyhound::sigv4;
using keyhound::hex_encode;
using keyhound::percent_decode;
using keyhound::percent_encode;
using keyhound::sha256_hex;

namespace {

const char* kDate = "20150830T123600Z";

Credentials suite_creds() {
  // The AWS test suite's documented example credentials (not a real key).
  return Credentials{"AKIDEXAMPLE", std::string("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEX") + "AMPLEKEY", ""};
}

std::string auth(const std::string& signed_headers, const std::string& sig) {
  return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
         "SignedHeaders=" + signed_headers + ", Signature=" + sig;
}

struct Vector {
  const char* name;
  Request req;
  std::string authorization;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

Request mk(const char* method, const char* path,
           std::vector<std::pair<std::string, std::string>> query, Headers extra,
           std::string body = "") {
  Request r;
  r.method = method;
  r.path = path;
  r.query = std::move(query);
  r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", kDate}};
  for (auto& h : extra) r.headers.push_back(h);
  r.body = std::move(body);
  return r;
}

std::vector<Vector> suite() {
  return {
      {"get-vanilla", mk("GET", "/", {}, {}),
       auth("host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")},
      {"get-vanilla-query", mk("GET", "/", {}, {}),
       auth("host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")},
      {"get-vanilla-query-order-key-case",
       mk("GET", "/", {{"Param2", "value2"}, {"Param1", "value1"}}, {}),
       auth("host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")},
      {"get-vanilla-empty-query-key", mk("GET", "/", {{"Param1", "value1"}}, {}),
       auth("host;x-amz-date", "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb")},
      {"get-vanilla-query-unreserved",
       mk("GET", "/",
          {{"-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}},
          {}),
       auth("host;x-amz-date", "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197")},
      {"get-vanilla-utf8-query", mk("GET", "/", {{"\xE1\x88\xB4", "bar"}}, {}),
       auth("host;x-amz-date", "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04")},
      {"get-unreserved",
       mk("GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", {}, {}),
       auth("host;x-amz-date", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f")},
      {"get-utf8", mk("GET", "/\xE1\x88\xB4", {}, {}),
       auth("host;x-amz-date", "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85")},
      {"get-header-key-duplicate",
       mk("GET", "/", {}, {{"My-Header1", "value2"}, {"My-Header1", "value2"}, {"My-Header1", "value1"}}),
       auth("host;my-header1;x-amz-date",
            "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea")},
      {"get-header-value-multiline",
       mk("GET", "/", {}, {{"My-Header1", "value1"}, {"My-Header1", "value2"}, {"My-Header1", "value3"}}),
       auth("host;my-header1;x-amz-date",
            "ba17b383a53190154eb5fa66a1b836cc297cc0a3d70a5d00705980573d8ff790")},
      {"get-header-value-order",
       mk("GET", "/", {},
          {{"My-Header1", "value4"}, {"My-Header1", "value1"}, {"My-Header1", "value3"},
           {"My-Header1", "value2"}}),
       auth("host;my-header1;x-amz-date",
            "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01")},
      {"get-header-value-trim",
       mk("GET", "/", {}, {{"My-Header1", " value1"}, {"My-Header2", "\"a   b   c\""}}),
       auth("host;my-header1;my-header2;x-amz-date",
            "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736")},
      {"post-vanilla", mk("POST", "/", {}, {}),
       auth("host;x-amz-date", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")},
      {"post-vanilla-query", mk("POST", "/", {{"Param1", "value1"}}, {}),
       auth("host;x-amz-date", "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11")},
      {"post-header-key-case", mk("POST", "/", {}, {}),
       auth("host;x-amz-date", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")},
      {"post-header-key-sort", mk("POST", "/", {}, {{"My-Header1", "value1"}}),
       auth("host;my-header1;x-amz-date",
            "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c")},
      {"post-header-value-case", mk("POST", "/", {}, {{"My-Header1", "VALUE1"}}),
       auth("host;my-header1;x-amz-date",
            "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d")},
      {"post-x-www-form-urlencoded",
       mk("POST", "/", {}, {{"Content-Type", "application/x-www-form-urlencoded"}}, "Param1=value1"),
       auth("content-type;host;x-amz-date",
            "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a")},
      {"post-x-www-form-urlencoded-parameters",
       mk("POST", "/", {},
          {{"Content-Type", "application/x-www-form-urlencoded; charset=utf8"}}, "Param1=value1"),
       auth("content-type;host;x-amz-date",
            "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe")},
  };
}

}  // namespace

TEST(SigV4Suite, AllVectorsMatchAuthorizationHeader) {
  for (const auto& v : suite()) {
    SCOPED_TRACE(v.name);
    Signature s = sign(v.req, suite_creds(), "us-east-1", "service", kDate);
    EXPECT_EQ(s.authorization, v.authorization) << "canonical request:\n" << s.canonical_request;
  }
}

TEST(SigV4Suite, GetVanillaIntermediateSteps) {
  Signature s = sign(mk("GET", "/", {}, {}), suite_creds(), "us-east-1", "service", kDate);
  EXPECT_EQ(s.canonical_request,
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(s.signed_headers, "host;x-amz-date");
  EXPECT_EQ(s.signature, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4Suite, GetVanillaQueryOrderKeyCaseIntermediateSteps) {
  Signature s = sign(mk("GET", "/", {{"Param2", "value2"}, {"Param1", "value1"}}, {}), suite_creds(),
                     "us-east-1", "service", kDate);
  EXPECT_EQ(s.canonical_request,
            "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\n"
            "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(s.string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
            "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0");
}

TEST(SigV4Suite, HeaderValueTrimCanonicalForm) {
  std::string names;
  std::string block = canonical_headers(
      {{"Host", "example.amazonaws.com"}, {"My-Header1", " value1"},
       {"My-Header2", "\"a   b   c\""}, {"X-Amz-Date", kDate}},
      &names);
  EXPECT_EQ(block,
            "host:example.amazonaws.com\nmy-header1:value1\nmy-header2:\"a b c\"\n"
            "x-amz-date:20150830T123600Z\n");
  EXPECT_EQ(names, "host;my-header1;my-header2;x-amz-date");
}

TEST(SigV4Suite, PostFormBodyIsHashedIntoCanonicalRequest) {
  Signature s = sign(mk("POST", "/", {}, {{"Content-Type", "application/x-www-form-urlencoded"}},
                        "Param1=value1"),
                     suite_creds(), "us-east-1", "service", kDate);
  EXPECT_EQ(s.canonical_request,
            "POST\n/\n\ncontent-type:application/x-www-form-urlencoded\n"
            "host:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "content-type;host;x-amz-date\n" + sha256_hex("Param1=value1"));
}

// The signing-key derivation example from the AWS General Reference
// ("Examples of how to derive a signing key for Signature Version 4").
TEST(SigV4, SigningKeyDocumentationExample) {
  std::string key = signing_key(suite_creds().secret_access_key, "20120215", "us-east-1", "iam");
  EXPECT_EQ(hex_encode(key), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

// The IAM ListUsers walk-through from the AWS General Reference (Signature Version 4 tasks 1-4).
TEST(SigV4, IamListUsersDocumentationExample) {
  Request r;
  r.method = "GET";
  r.path = "/";
  r.query = {{"Action", "ListUsers"}, {"Version", "2010-05-08"}};
  r.headers = {{"Host", "iam.amazonaws.com"},
               {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
               {"X-Amz-Date", kDate}};
  Signature s = sign(r, suite_creds(), "us-east-1", "iam", kDate);
  EXPECT_EQ(sha256_hex(s.canonical_request),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(s.signature, "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST(SigV4, Primitives) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // RFC 4231 test case 2.
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(percent_encode("a b/c~d+e=f"), "a%20b%2Fc~d%2Be%3Df");
  EXPECT_EQ(percent_encode("a b/c", false), "a%20b/c");
  EXPECT_EQ(percent_decode("a%20b+c", true), "a b c");
  EXPECT_EQ(percent_decode("a%2", false), "a%2");
  EXPECT_EQ(canonical_uri("/example space/"), "/example%20space/");
  EXPECT_EQ(canonical_uri("/a%2fb"), "/a%2Fb");
  auto q = parse_query("Action=GetCallerIdentity&Version=2011-06-15&empty=&flag");
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[0], (std::pair<std::string, std::string>{"Action", "GetCallerIdentity"}));
  EXPECT_EQ(q[3], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(amz_date_now().size(), 16u);
}

TEST(SigV4, SessionTokenIsSignedWhenPresent) {
  Request r = mk("POST", "/", {}, {{"X-Amz-Security-Token", "token-value"}});
  Signature s = sign(r, suite_creds(), "us-east-1", "sts", kDate);
  EXPECT_EQ(s.signed_headers, "host;x-amz-date;x-amz-security-token");
}
