#include "checks/placeholder.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "base/ascii.h"
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
  // Sequential alphabets: "ABCDEFGHIJ", "1234567890".
  static const char* seqs[] = {"abcdefgh", "12345678", "qwertyui"};
  for (const char* s : seqs)
    if (l.find(s) != std::string::npos) return true;
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
  return false;
}

}  // namespace keyhound
