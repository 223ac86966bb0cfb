#include "checks/password.h"

#include <algorithm>
#include <cctype>

#include "base/ascii.h"
#include "base/hex.h"
#include "checks/placeholder.h"
#include "decode/decoders.h"

namespace keyhound {

namespace {

bool starts(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Base64 up to its padding, standard alphabet or URL-safe; a last lone character is dropped.
bool decode_base64(std::string_view in, std::string& out) {
  in = in.substr(0, in.find('='));
  if (in.size() % 4 == 1) in.remove_suffix(1);
  return base64_decode(in, false, out) || base64_decode(in, true, out);
}

}  // namespace

bool is_reference(std::string_view v) {
  if (v.empty()) return false;
  std::string l = ascii_lower(v);
  // Template and environment references, in the syntaxes of shells, CI systems, Helm/Jinja,
  // Ruby, Spring, Maven, Ansible, Windows and the usual language APIs.
  static const char* marks[] = {"os.environ", "os.getenv", "getenv(", "process.env", "env[", "env.",
                                "environment.", "secrets.", "vault:", "lookup(", "$env:"};
  for (const char* m : marks)
    if (l.find(m) != std::string::npos) return true;
  // Bracketed references count only when closed after a name: a generated salt (WordPress's use
  // every printable character) holds "#{" or "${" by chance, never "${NAME}".
  static const struct { const char* open; const char* close; } brackets[] = {
      {"${", "}"}, {"$(", ")"}, {"{{", "}}"}, {"#{", "}"}, {"%(", ")"}, {"<%", "%>"}, {"[[", "]]"}};
  for (const auto& b : brackets) {
    size_t at = v.find(b.open);
    if (at == std::string_view::npos) continue;
    size_t name = at + std::string_view(b.open).size();
    while (name < v.size() && v[name] == ' ') ++name;
    if (name < v.size() && (std::isalpha(static_cast<unsigned char>(v[name])) || v[name] == '_' || v[name] == '.') &&
        v.find(b.close, name) != std::string_view::npos)
      return true;
  }
  if (v[0] == '$' && v.size() > 1 && (std::isalpha(static_cast<unsigned char>(v[1])) || v[1] == '_')) return true;
  if (v.size() > 2 && v.front() == '%' && v.back() == '%') return true;
  if (v.size() > 2 && v.front() == '@' && v.back() == '@') return true;
  if (v.size() > 2 && v.front() == '<' && v.back() == '>') return true;
  // A file holding the password, not the password: /run/secrets/db, ./secrets/pw.txt.
  if (v[0] == '/' || starts(v, "./") || starts(v, "~/")) return true;
  return false;
}

bool is_dummy_password(std::string_view v) {
  if (v.empty()) return true;
  std::string l = ascii_lower(v);
  // Masks: ***, xxxx, ....., ----, <redacted>.
  if (std::all_of(l.begin(), l.end(), [](char c) { return c == '*' || c == 'x' || c == '.' || c == '-' || c == '#'; }))
    return true;
  static const char* dummies[] = {"password", "passwd", "pass", "pwd", "secret", "changeme", "change_me",
                                  "change-me", "changeit", "example", "examplepassword", "mypassword",
                                  "yourpassword", "your_password", "your-password", "password123",
                                  "null", "none", "nil", "undefined", "true", "false", "empty", "blank",
                                  "test", "testing", "dummy", "foo", "bar", "foobar", "todo", "tbd",
                                  "redacted", "hidden", "removed", "secret123", "s3cr3t", "p@ssw0rd",
                                  "required", "optional", "string", "str", "value", "pw", "user",
                                  // services' default passwords in their images' docs
                                  "postgres", "guest", "mysql", "redis", "rabbitmq", "mongo", "qwerty",
                                  // the digit runs manuals and changelogs write ("password 123456")
                                  "1234", "12345", "123456", "1234567", "654321",
                                  // Firebird's documented default
                                  "masterkey"};
  for (const char* d : dummies)
    if (l == d) return true;
  // Template prose: "put your unique phrase here", "enter password", "<insert key>".
  static const char* phrases[] = {"your ", " here", "_here", "-here", "enter ", "insert ", "unique phrase"};
  for (const char* ph : phrases)
    if (l.find(ph) != std::string::npos) return true;
  // The generic placeholder filter (xxxx runs, "your-", "<", "${", ...) and documentation keys.
  // Long generated secrets (WordPress salts) use every printable character, '<' and '>' too:
  // there those mark nothing.
  std::string p(v);
  if (p.size() >= 32)
    for (char& c : p)
      if (c == '<' || c == '>') c = '.';
  return is_placeholder(p) || is_documentation_example(p);
}

namespace {

bool plaintext_password(std::string_view v) {
  // Passwords shorter than 4 bytes are masks, flags or single letters in practice.
  if (v.size() < 4 || v.size() > 256) return false;
  if (is_reference(v) || is_dummy_password(v)) return false;
  // A URL holds its password percent-encoded: "%3Cpassword%3E" is the template "<password>".
  if (v.find('%') != std::string_view::npos) {
    std::string d = percent_decode(v);
    if (d != v && (is_reference(d) || is_dummy_password(d))) return false;
  }
  // Code that builds the value: "... '" + pw + "' ..." (a quote and a space together).
  bool quote = v.find('"') != std::string_view::npos || v.find('\'') != std::string_view::npos;
  if (quote && v.find(' ') != std::string_view::npos) return false;
  // A value made only of one character class repeated, or whitespace: not a password.
  if (std::any_of(v.begin(), v.end(), [](char c) { return c == ' ' || c == '\t'; }) && v.size() < 8) return false;
  return true;
}

// A value in a tool's own credential store (the rule's file name is the evidence): the tool sends
// it as it is, so a weak or default word ("password", "admin") is still the password. Only what
// holds no password is rejected: references, empty or masked values, template markers.
bool stored_password(std::string_view v) {
  if (v.size() < 4 || v.size() > 256) return false;
  if (is_reference(v)) return false;
  std::string l = ascii_lower(v);
  if (std::all_of(l.begin(), l.end(), [](char c) { return c == '*' || c == 'x' || c == '.' || c == '-' || c == '#'; }))
    return false;
  static const char* templates[] = {"changeme", "change_me", "change-me", "your_", "your-", "yourpassword",
                                    "your ", " here", "_here", "-here", "enter ", "insert ", "placeholder",
                                    "redacted", "xxxx", "****", "<", ">", "todo"};
  for (const char* t : templates)
    if (l.find(t) != std::string::npos) return false;
  static const char* empties[] = {"null", "none", "nil", "undefined", "empty", "blank", "hidden", "removed"};
  for (const char* e : empties)
    if (l == e) return false;
  bool quote = v.find('"') != std::string_view::npos || v.find('\'') != std::string_view::npos;
  return !(quote && v.find(' ') != std::string_view::npos);
}

// A literal assigned to a password-named variable in code. Code declares many such names for
// other things: key and field names ('MailPassword', 'show_password'), prompts and prose
// ('Password used to generate key'), OIDs ('2.5.4.35'), the anonymous-FTP e-mail convention.
bool code_password(std::string_view v) {
  if (v.size() < 6 || !plaintext_password(v)) return false;
  std::string l = ascii_lower(v);
  for (const char* w : {"pass", "pwd"})
    if (l.find(w) != std::string::npos) return false;
  if (v.find(' ') != std::string_view::npos) return false;
  if (std::all_of(v.begin(), v.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; }))
    return false;
  size_t at = v.find('@');
  if (at != std::string_view::npos && v.find('.', at) != std::string_view::npos) return false;
  // Words joined by '_' with no digit: ScreenSave_Data, show_value.
  bool digit = std::any_of(v.begin(), v.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  bool only_words = std::all_of(v.begin(), v.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; });
  if (!digit && only_words && v.find('_') != std::string_view::npos) return false;
  return true;
}

bool crypt_hash(std::string_view v) {
  if (is_placeholder(v)) return false;  // $6$XXXXXXXX$XXXX... in docs
  static const char* prefixes[] = {"$1$", "$5$", "$6$", "$y$", "$apr1$", "$2a$", "$2b$", "$2y$", "{SHA}", "{SSHA}", "$argon2"};
  for (const char* p : prefixes)
    if (starts(v, p)) return v.size() >= std::string_view(p).size() + 8;
  return false;
}

bool base64_userpass(std::string_view v) {
  std::string d;
  if (v.size() < 8 || !decode_base64(v, d)) return false;
  size_t colon = d.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  for (unsigned char c : d)
    if (c < 0x20 || c > 0x7e) return false;
  return plaintext_password(std::string_view(d).substr(colon + 1));
}

}  // namespace

bool passes_value_check(const std::string& name, std::string_view value) {
  if (name == "password") return plaintext_password(value);
  if (name == "stored-password") return stored_password(value);
  if (name == "code-password") return code_password(value);
  if (name == "password-hash") return crypt_hash(value);
  if (name == "base64-userpass") return base64_userpass(value);
  return false;
}

const std::vector<std::string>& value_check_names() {
  static const std::vector<std::string> n = {"password", "stored-password", "code-password", "password-hash", "base64-userpass"};
  return n;
}

}  // namespace keyhound
