// Mock provider endpoints for the verifier tests: STS GetCallerIdentity (checks the SigV4
// signature for real: it rebuilds the canonical request from the bytes it received and signs it
// with the secret it knows for that key ID) and Cloudflare's user token verify endpoint. Both
// listen on 127.0.0.1 on an ephemeral port (see mock_http_server.h). Usable from e2e tests too:
// point --verify-endpoint-sts / --verify-endpoint-cloudflare at endpoint().
#pragma once
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "mock_http_server.h"
#include "verify/sigv4.h"

namespace keyhound_test {

inline std::string sts_error(const std::string& code, const std::string& message) {
  return "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
         "  <Error>\n    <Type>Sender</Type>\n    <Code>" + code + "</Code>\n    <Message>" +
         message + "</Message>\n  </Error>\n  <RequestId>4fa5c8c5-0000-0000-0000-mock</RequestId>\n"
         "</ErrorResponse>\n";
}

// A mock of STS GetCallerIdentity.
class MockSts {
 public:
  struct Identity {
    std::string secret, session, account, arn;
    bool stall = false;
    int status = 0;  // force this status (e.g. 500)
    int delay_ms = 0;
  };

  MockSts() : server_([this](const HttpReq& r) { return handle(r); }) {}

  void add(const std::string& id, Identity identity) {
    std::lock_guard<std::mutex> lock(mu_);
    keys_[id] = std::move(identity);
  }
  std::string endpoint() const { return server_.url("/"); }
  MockServer& server() { return server_; }
  std::vector<std::string> failures() {
    std::lock_guard<std::mutex> lock(mu_);
    return failures_;
  }

 private:
  void fail(const std::string& why) {
    std::lock_guard<std::mutex> lock(mu_);
    failures_.push_back(why);
  }

  HttpResp handle(const HttpReq& r) {
    if (r.method != "POST") fail("method " + r.method);
    if (r.body != "Action=GetCallerIdentity&Version=2011-06-15") fail("body " + r.body);
    // Authorization: AWS4-HMAC-SHA256 Credential=ID/DATE/REGION/SERVICE/aws4_request,
    //                SignedHeaders=a;b;c, Signature=hex
    std::string auth = r.header("Authorization");
    const std::string algo = "AWS4-HMAC-SHA256 Credential=";
    if (auth.rfind(algo, 0) != 0)
      return {403, sts_error("IncompleteSignature", "Authorization header missing or malformed")};
    size_t c1 = auth.find(", SignedHeaders="), c2 = auth.find(", Signature=");
    if (c1 == std::string::npos || c2 == std::string::npos)
      return {403, sts_error("IncompleteSignature", "Authorization header malformed")};
    std::string credential = auth.substr(algo.size(), c1 - algo.size());
    std::string signed_headers = auth.substr(c1 + 16, c2 - c1 - 16);
    std::string signature = auth.substr(c2 + 12);
    std::string id = credential.substr(0, credential.find('/'));
    std::string scope = credential.substr(credential.find('/') + 1);
    std::string amz_date = r.header("X-Amz-Date");
    if (scope != amz_date.substr(0, 8) + "/us-east-1/sts/aws4_request") fail("scope " + scope);
    if (signed_headers.find("host") == std::string::npos ||
        signed_headers.find("x-amz-date") == std::string::npos)
      fail("unsigned host/date: " + signed_headers);

    Identity who;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = keys_.find(id);
      if (it == keys_.end())
        return {403, sts_error("InvalidClientTokenId",
                               "The security token included in the request is invalid.")};
      who = it->second;
    }
    if (who.stall) return {200, "", "text/xml", true};
    if (who.status) return {who.status, sts_error("InternalFailure", "mock failure")};

    // Recompute the signature from the received request and the secret we know.
    keyhound::sigv4::Request sreq;
    sreq.method = r.method;
    sreq.path = r.path;
    sreq.query = keyhound::sigv4::parse_query(r.query);
    size_t pos = 0;
    while (pos <= signed_headers.size()) {
      size_t semi = signed_headers.find(';', pos);
      if (semi == std::string::npos) semi = signed_headers.size();
      std::string name = signed_headers.substr(pos, semi - pos);
      for (const auto& [k, v] : r.headers) {
        std::string lk = k;
        for (auto& ch : lk) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (lk == name) sreq.headers.emplace_back(k, v);
      }
      pos = semi + 1;
    }
    sreq.body = r.body;
    keyhound::sigv4::Credentials creds{id, who.secret, who.session};
    auto expected = keyhound::sigv4::sign(sreq, creds, "us-east-1", "sts", amz_date);
    if (!who.session.empty() && r.header("X-Amz-Security-Token") != who.session)
      return {403, sts_error("InvalidClientTokenId",
                             "The security token included in the request is invalid.")};
    if (expected.signature != signature)
      return {403, sts_error("SignatureDoesNotMatch",
                             "The request signature we calculated does not match the signature "
                             "you provided. Check your AWS Secret Access Key and signing method. "
                             "Consult the service documentation for details.")};
    HttpResp ok;
    ok.delay_ms = who.delay_ms;
    ok.body = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
              "  <GetCallerIdentityResult>\n    <Arn>" + who.arn + "</Arn>\n"
              "    <UserId>AIDAMOCKUSERID000000</UserId>\n    <Account>" + who.account +
              "</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n"
              "    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>\n"
              "  </ResponseMetadata>\n</GetCallerIdentityResponse>\n";
    return ok;
  }

  std::mutex mu_;
  std::map<std::string, Identity> keys_;
  std::vector<std::string> failures_;
  MockServer server_;  // last: stops (joins its threads) before the maps above go away
};

// A mock of Cloudflare's GET /client/v4/user/tokens/verify.
class MockCloudflare {
 public:
  MockCloudflare() : server_([this](const HttpReq& r) { return handle(r); }) {}
  void add(const std::string& token, const std::string& status) { tokens_[token] = status; }
  void stall(const std::string& token) { stall_.insert(token); }
  std::string endpoint() const { return server_.url("/client/v4/user/tokens/verify"); }
  MockServer& server() { return server_; }

 private:
  HttpResp handle(const HttpReq& r) {
    HttpResp resp;
    resp.content_type = "application/json";
    std::string auth = r.header("Authorization");
    std::string token = auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : "";
    if (r.method != "GET" || r.path != "/client/v4/user/tokens/verify" || token.empty()) {
      resp.status = 400;
      resp.body = R"({"success":false,"errors":[{"code":6003,"message":"Invalid request headers"}],"messages":[],"result":null})";
      return resp;
    }
    if (stall_.count(token)) {
      resp.stall = true;
      return resp;
    }
    auto it = tokens_.find(token);
    if (it == tokens_.end()) {
      resp.status = 401;
      resp.body = R"({"success":false,"errors":[{"code":1000,"message":"Invalid API Token"}],"messages":[],"result":null})";
      return resp;
    }
    resp.body = R"({"result":{"id":"f267e341f3dd4697bd3b9f71dd96247f","status":")" + it->second +
                R"("},"success":true,"errors":[],"messages":[{"code":10000,"message":"This API Token is valid and active","type":null}]})";
    return resp;
  }

  std::map<std::string, std::string> tokens_;
  std::set<std::string> stall_;
  MockServer server_;
};

}  // namespace keyhound_test
