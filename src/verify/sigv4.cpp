#include "verify/sigv4.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>
#include <stdexcept>

#include "base/utc_time.h"
#include "base/hex.h"

namespace keyhound::sigv4 {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Trims and collapses runs of spaces/tabs into one space (the "Trimall" of the spec).
std::string trimall(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  bool pending_space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view data) { return keyhound::hmac_sha256(key, data); }

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view qs) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t pos = 0;
  while (!qs.empty() && pos <= qs.size()) {
    size_t amp = qs.find('&', pos);
    if (amp == std::string_view::npos) amp = qs.size();
    std::string_view item = qs.substr(pos, amp - pos);
    if (!item.empty()) {
      size_t eq = item.find('=');
      if (eq == std::string_view::npos)
        out.emplace_back(percent_decode(item, true), "");
      else
        out.emplace_back(percent_decode(item.substr(0, eq), true), percent_decode(item.substr(eq + 1), true));
    }
    pos = amp + 1;
  }
  return out;
}

std::string canonical_uri(std::string_view path) {
  if (path.empty()) return "/";
  std::string out;
  out.reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '%' && i + 2 < path.size() && hex_digit_value(path[i + 1]) >= 0 &&
        hex_digit_value(path[i + 2]) >= 0) {
      // An existing escape: keep it, normalized to uppercase hex.
      out.push_back('%');
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(path[i + 1]))));
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(path[i + 2]))));
      i += 2;
    } else {
      out += percent_encode(path.substr(i, 1), false);
    }
  }
  return out;
}

std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> enc;
  enc.reserve(query.size());
  for (const auto& [k, v] : query) enc.emplace_back(percent_encode(k), percent_encode(v));
  std::sort(enc.begin(), enc.end());
  std::string out;
  for (const auto& [k, v] : enc) {
    if (!out.empty()) out.push_back('&');
    out += k;
    out.push_back('=');
    out += v;
  }
  return out;
}

std::string canonical_headers(const std::vector<std::pair<std::string, std::string>>& headers,
                              std::string* signed_headers) {
  std::map<std::string, std::string> merged;  // sorted by lowercase name
  for (const auto& [name, value] : headers) {
    std::string key = lower(trimall(name));
    auto it = merged.find(key);
    if (it == merged.end())
      merged.emplace(key, trimall(value));
    else
      it->second += "," + trimall(value);
  }
  std::string out, names;
  for (const auto& [k, v] : merged) {
    out += k;
    out.push_back(':');
    out += v;
    out.push_back('\n');
    if (!names.empty()) names.push_back(';');
    names += k;
  }
  if (signed_headers) *signed_headers = names;
  return out;
}

std::string canonical_request(const Request& req, std::string* signed_headers) {
  std::string names;
  std::string headers = canonical_headers(req.headers, &names);
  if (signed_headers) *signed_headers = names;
  std::string out;
  out += req.method;
  out.push_back('\n');
  out += canonical_uri(req.path);
  out.push_back('\n');
  out += canonical_query(req.query);
  out.push_back('\n');
  out += headers;
  out.push_back('\n');
  out += names;
  out.push_back('\n');
  out += sha256_hex(req.body);
  return out;
}

std::string credential_scope(std::string_view amz_date, std::string_view region,
                             std::string_view service) {
  std::string out(amz_date.substr(0, 8));
  out += '/';
  out += region;
  out += '/';
  out += service;
  out += "/aws4_request";
  return out;
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request) {
  std::string out = "AWS4-HMAC-SHA256\n";
  out += amz_date;
  out.push_back('\n');
  out += scope;
  out.push_back('\n');
  out += sha256_hex(canonical_request);
  return out;
}

std::string signing_key(std::string_view secret, std::string_view date8, std::string_view region,
                        std::string_view service) {
  std::string k = "AWS4";
  k += secret;
  std::string k_date = hmac_sha256(k, date8);
  std::string k_region = hmac_sha256(k_date, region);
  std::string k_service = hmac_sha256(k_region, service);
  std::string k_signing = hmac_sha256(k_service, "aws4_request");
  // Scrub the intermediate copy of the secret.
  std::fill(k.begin(), k.end(), '\0');
  return k_signing;
}

Signature sign(const Request& req, const Credentials& creds, std::string_view region,
               std::string_view service, std::string_view amz_date) {
  Signature s;
  s.canonical_request = canonical_request(req, &s.signed_headers);
  std::string scope = credential_scope(amz_date, region, service);
  s.string_to_sign = string_to_sign(amz_date, scope, s.canonical_request);
  std::string key = signing_key(creds.secret_access_key, amz_date.substr(0, 8), region, service);
  s.signature = hex_encode(hmac_sha256(key, s.string_to_sign));
  s.authorization = "AWS4-HMAC-SHA256 Credential=" + creds.access_key_id + "/" + scope +
                    ", SignedHeaders=" + s.signed_headers + ", Signature=" + s.signature;
  return s;
}

std::string amz_date_now() { return utc_now_text("%Y%m%dT%H%M%SZ"); }

}  // namespace keyhound::sigv4
