// AWS Signature Version 4 (HMAC-SHA256, from base/hex.h).
//
// Follows the published algorithm: canonical request -> string to sign -> signing key ->
// signature -> Authorization header. Checked against AWS's SigV4 test suite
// (tests/unit/sigv4_test.cpp).
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyhound::sigv4 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials only; sent as X-Amz-Security-Token
};

struct Request {
  std::string method;  // "GET", "POST", ...
  // Path as it goes on the wire (already percent-encoded where needed, e.g. "/" or
  // "/example%20space"). Raw non-unreserved bytes are percent-encoded for the canonical URI;
  // existing %XX escapes are kept. No dot-segment normalization (STS uses "/").
  std::string path = "/";
  // Query parameters, decoded (name, value). They are encoded and sorted for signing.
  std::vector<std::pair<std::string, std::string>> query;
  // Headers to sign (must include "host"; names in any case, values untrimmed).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;x-amz-date"
  std::string signature;       // lowercase hex
  std::string authorization;   // full Authorization header value
};

// Hex, SHA-256 and percent-encoding are base/hex.h; HMAC is here because only SigV4 signs.
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes
// Splits "a=1&b=2" into decoded pairs.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view qs);

std::string canonical_uri(std::string_view path);
std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query);
// Returns the canonical header block (each "name:value\n") and fills signed_headers.
std::string canonical_headers(const std::vector<std::pair<std::string, std::string>>& headers,
                              std::string* signed_headers);
std::string canonical_request(const Request& req, std::string* signed_headers = nullptr);
std::string credential_scope(std::string_view amz_date, std::string_view region,
                             std::string_view service);
std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request);
std::string signing_key(std::string_view secret, std::string_view date8, std::string_view region,
                        std::string_view service);  // raw 32 bytes

// Signs `req` as it stands (it must already carry host and x-amz-date headers, plus
// x-amz-security-token when creds has a session token). amz_date is "YYYYMMDDTHHMMSSZ".
Signature sign(const Request& req, const Credentials& creds, std::string_view region,
               std::string_view service, std::string_view amz_date);

// Current UTC time as "YYYYMMDDTHHMMSSZ".
std::string amz_date_now();

}  // namespace keyhound::sigv4
