#include "checks/placeholder.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "base/ascii.h"
#include "checks/embedded_json.h"
#include "checks/jwt_example.h"

namespace keyhound {

bool is_placeholder(std::string_view secret) {
  // A run of 6 identical characters has probability ~1e-7 in a random base32/base64 key but is
  // how people blank out keys (AKIAXXXXXXXXXXXXXXXX, sk_live_0000000000).
  size_t run = 1;
  for (size_t i = 1; i < secret.size(); ++i) {
    run = secret[i] == secret[i - 1] ? run + 1 : 1;
    if (run >= 6) return true;
  }
  std::string l = ascii_lower(secret);
  // Words of 5+ letters (4 for "xxxx") are vanishingly rare in random keys, common in templates.
  static const char* words[] = {"xxxx",     "placeholder", "changeme", "change_me", "change-me",
                                "redacted", "dummy",       "sample",   "your_",     "your-",
                                "yourkey",  "yoursecret",  "insert",   "replace_me", "<",
                                ">",        "${",          "{{",       "%s",         "fake_",
                                "...",      "****"};
  for (const char* w : words)
    if (l.find(w) != std::string::npos) return true;
  // Sequential alphabets: "ABCDEFGHIJ", "1234567890", and "123456", the most used dummy
  // password (one in 16^6 per position even in hex).
  static const char* seqs[] = {"abcdefgh", "123456", "654321", "qwertyui"};
  for (const char* s : seqs)
    if (l.find(s) != std::string::npos) return true;
  // A short block written again and again ("abc123abc123abc123", "a1b2a1b2a1b2"): how people
  // fill a key-shaped slot in docs and tests. In random base62 the chance that 12 characters
  // repeat the ones 2-8 before them is below 1e-18.
  for (size_t p = 2; p <= 8; ++p) {
    size_t need = std::max<size_t>(12, 3 * p), same = 0;
    for (size_t i = p; i < l.size(); ++i) {
      same = l[i] == l[i - p] ? same + 1 : 0;
      if (same + p >= need) return true;
    }
  }
  return false;
}

bool is_documentation_example(std::string_view secret) {
  // AWS documents keys as AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY and
  // variants that all carry EXAMPLE; other providers' docs follow the same habit.
  std::string l = ascii_lower(secret);
  if (l.find("example") != std::string::npos) return true;
  // The bodies of AWS's documented keys, also when a copy changed the EXAMPLE suffix or its case.
  static const char* aws_doc_bodies[] = {"iosfodnn7", "i44qh8dhb", "wjalrxutnfemi/k7mdeng", "je7mtgbclwbf/2zp9utk"};
  for (const char* b : aws_doc_bodies)
    if (l.find(b) != std::string::npos) return true;
  if (secret.substr(0, 3) == "eyJ" && jwt_signed_with_demo_secret(secret)) return true;
  // Tokens that carry a JSON object name their account in it: Mapbox's documentation token
  // belongs to the user "examples", docs' Sentry and Grafana tokens to "example" orgs.
  if (l.find("eyj") != std::string::npos) {
    std::string j = ascii_lower(embedded_json(secret));
    if (j.find("example") != std::string::npos) return true;
  }
  return false;
}

bool is_documentation_host(std::string_view host) {
  // RFC 2606 reserves example.com, example.net, example.org and the .example TLD for
  // documentation: credentials in a URL to them are written for a manual.
  std::string h = ascii_lower(host);
  while (!h.empty() && h.back() == '.') h.pop_back();
  auto ends = [&](const std::string& suf) {
    return h.size() >= suf.size() && h.compare(h.size() - suf.size(), suf.size(), suf) == 0;
  };
  for (const char* d : {"example.com", "example.net", "example.org"})
    if (h == d || ends(std::string(".") + d)) return true;
  return ends(".example");
}

bool is_published_example(const std::vector<std::string>& examples, std::string_view secret) {
  for (const std::string& ex : examples) {
    if (secret == ex) return true;
    if (secret.size() < 20) continue;
    // A rule whose secret is part of the key (a bearer token after its AAAA run) reports a piece
    // of the published key.
    if (ex.find(secret) != std::string::npos) return true;
    // Copies of a documentation key with a changed tail ("SG.ngeVfQFYQlKU0ufo8x5d1A.TwL2...")
    // share most of its random body, which no other key does.
    size_t common = 0;
    while (common < ex.size() && common < secret.size() && ex[common] == secret[common]) ++common;
    if (common >= std::max<size_t>(16, ex.size() * 2 / 3)) return true;
  }
  return false;
}

}  // namespace keyhound
