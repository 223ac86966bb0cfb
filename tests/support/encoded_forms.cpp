// Encoded forms for the labelled corpus. Each form writes what the tool named beside it writes
// (field names, line layout, wrapping, escaping); the keys come from fake_keys.h and from the
// provider families' generators, so the forms do not follow keyhound's rules.
#include "encoded_forms.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <stdexcept>

#include "base/hex.h"
#include "fake_keys.h"
#include "provider_families.h"

namespace encoded_forms {
namespace {

using keyhound::base64_encode;

const std::string kB62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// One planted credential: the variables it is written as, and the token a finding must hold.
struct Key {
  std::vector<std::pair<std::string, std::string>> vars;  // NAME -> value, in file order
  std::string token;
  std::string env() const {
    std::string s;
    for (auto& [n, v] : vars) s += n + "=" + v + "\n";
    return s;
  }
  std::string json(bool lower) const {  // {"aws_access_key_id":"...",...}
    std::string s = "{";
    for (auto& [n, v] : vars) {
      std::string name = n;
      if (lower)
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      s += (s.size() > 1 ? "," : "") + ("\"" + name + "\":\"" + v + "\"");
    }
    return s + "}";
  }
};

struct Gen {
  std::string root;
  std::mt19937_64 rng;
  Corpus c;
  unsigned seed = 0;
  int files = 0;

  std::string of(const std::string& a, size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s += a[rng() % a.size()];
    return s;
  }
  std::string path(const std::string& form, const std::string& name) {
    return form + "/" + std::to_string(files++) + "-" + name;
  }
  std::string write(const std::string& rel, const std::string& text) {
    auto p = std::filesystem::path(root) / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return rel;
  }
  void plant(const std::string& form, const std::string& name, const std::string& text, const Key& k,
             const std::string& alt = "") {
    c.labels.push_back({form, k.token, alt, write(path(form, name), text)});
  }
  void decoy(const std::string& form, const std::string& kind, const std::string& name, const std::string& text) {
    c.lookalikes.push_back({form, kind, write(path(form, name), text)});
  }

  // The providers in turn: an AWS pair (the token is the secret key, found as the pair's part),
  // GitHub, Slack bot, Stripe, a Slack webhook URL (slashes), GitLab.
  Key key(int i) {
    ++seed;
    Key k;
    switch (i % 6) {
      case 0: {
        std::string id = keyhound_test::fake_key_id(seed), sec = keyhound_test::fake_secret(seed);
        // A slash in every other secret: the escapes that break a key are the ones of '/' and '+'.
        if (i % 12 == 0) sec[17] = '/';
        k.vars = {{"AWS_ACCESS_KEY_ID", id}, {"AWS_SECRET_ACCESS_KEY", sec}};
        k.token = sec;
        break;
      }
      case 1: k.vars = {{"GITHUB_TOKEN", provider_families::sample_token("github-classic", seed)}}; break;
      case 2: k.vars = {{"SLACK_BOT_TOKEN", provider_families::sample_token("slack-bot", seed)}}; break;
      case 3: k.vars = {{"STRIPE_SECRET_KEY", provider_families::sample_token("stripe-secret", seed)}}; break;
      case 4: k.vars = {{"SLACK_WEBHOOK_URL", provider_families::sample_token("slack-webhook", seed)}}; break;
      default: k.vars = {{"GITLAB_TOKEN", provider_families::sample_token("gitlab-pat", seed)}}; break;
    }
    if (k.token.empty()) k.token = k.vars[0].second;
    return k;
  }
  // Keys whose value a given escaping changes: AWS with a slash, the webhook URL.
  Key slashed_key(int i) {
    Key k = key(i % 2 ? 4 : 0);
    if (i % 2 == 0 && k.vars[1].second.find('/') == std::string::npos) {
      k.vars[1].second[9] = '/';
      k.token = k.vars[1].second;
    }
    return k;
  }
  std::string password() {  // what a person types: letters, digits and the characters URLs escape
    std::string p = of(kB62, 6) + "@" + of(kB62, 4) + "/" + of(kB62, 3) + "#" + of(kB62, 3) + "+" + of(kB62, 2);
    return p;
  }
  std::string binary(size_t n) {
    std::string b;
    for (size_t i = 0; i < n; ++i) b += static_cast<char>(rng());
    return b;
  }
  std::string pem_body(size_t lines) {  // base64 lines of 64, as a PEM block holds them
    std::string s;
    for (size_t i = 0; i < lines; ++i) s += base64_encode(binary(48)) + "\n";
    return s;
  }
};

std::string json_escape(const std::string& s, bool unicode_slash) {
  std::string o;
  for (char c : s) {
    if (c == '/') o += unicode_slash ? "\\u002F" : "\\/";
    else if (c == '"') o += "\\\"";
    else if (c == '\\') o += "\\\\";
    else if (c == '\n') o += "\\n";
    else if (c == '+' && unicode_slash) o += "\\u002B";
    else o += c;
  }
  return o;
}

std::string wrap(const std::string& s, size_t cols, const std::string& eol) {
  std::string o;
  for (size_t i = 0; i < s.size(); i += cols) o += s.substr(i, cols) + eol;
  return o;
}

std::string html_refs(const std::string& s, int style) {  // what an XML writer or an HTML encoder emits
  std::string o;
  for (char c : s) {
    if (c == '"') o += "&quot;";
    else if (c == '&') o += "&amp;";
    else if (c == '<') o += "&lt;";
    else if (c == '/' || c == '+' || c == '=' || c == ':')
      o += style == 0 ? "&#x" + keyhound::hex_encode(std::string(1, c)) + ";"
                      : "&#" + std::to_string(static_cast<int>(c)) + ";";
    else o += c;
  }
  return o;
}

std::string lower_percent(std::string s) {  // %2F -> %2f, as JavaScript's encoders never but Go's url does
  for (size_t i = 0; i + 2 < s.size(); ++i)
    if (s[i] == '%') {
      s[i + 1] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i + 1])));
      s[i + 2] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[i + 2])));
    }
  return s;
}

std::string k8s_secret(const std::string& name, const std::string& data, const std::string& type = "Opaque") {
  return "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + name + "\n  namespace: prod\ntype: " + type +
         "\ndata:\n" + data;
}

std::string gha_log(const std::string& body_line) {
  return "2024-05-01T10:00:00.1000000Z ##[group]Run ./deploy.sh\n2024-05-01T10:00:00.1100000Z ./deploy.sh\n"
         "2024-05-01T10:00:00.1200000Z ##[endgroup]\n2024-05-01T10:00:01.4000000Z " + body_line +
         "\n2024-05-01T10:00:02.0000000Z Post job cleanup.\n";
}

// AWS's documentation key pair (IAM user guide), kept apart so the source holds no key literal.
std::pair<std::string, std::string> aws_doc_pair() {
  return {std::string("AKIA") + "IOSFODNN7" + "EXAMPLE", std::string("wJalrXUtnFEMI/K7MDENG/") + "bPxRfiCY" + "EXAMPLEKEY"};
}

using FormFn = std::function<void(Gen&, int)>;

const std::vector<std::pair<std::string, FormFn>>& forms() {
  static const std::vector<std::pair<std::string, FormFn>> f = {
      {"k8s-secret-data",
       [](Gen& g, int i) {  // kubectl create secret generic --from-literal: each value base64
         Key k = g.key(i);
         std::string data;
         for (auto& [n, v] : k.vars) data += "  " + n + ": " + base64_encode(v) + "\n";
         g.plant("k8s-secret-data", "secret.yaml", k8s_secret("app-" + std::to_string(i), data), k);
       }},
      {"k8s-secret-file",
       [](Gen& g, int i) {  // --from-file: a whole credentials file, one base64 line
         Key k = g.key(i);
         std::string file = i % 2 ? "# written by setup.sh\n" + k.env() + "LOG_LEVEL=info\n"
                                  : "[default]\nregion = eu-west-1\n" + k.env();
         g.plant("k8s-secret-file", "secret.yaml",
                 k8s_secret("creds", "  " + std::string(i % 2 ? ".env" : "credentials") + ": " + base64_encode(file) + "\n"), k);
       }},
      {"dockerconfigjson",
       [](Gen& g, int i) {  // docker login's auths (base64 user:token) inside a Secret: two levels
         Key k;
         k.token = i % 2 ? provider_families::sample_token("github-classic", ++g.seed)
                         : provider_families::sample_token("gitlab-pat", ++g.seed);
         std::string reg = i % 2 ? "ghcr.io" : "registry.gitlab.com";
         std::string cfg = "{\"auths\":{\"" + reg + "\":{\"auth\":\"" + base64_encode("ci-bot:" + k.token) + "\"}}}";
         if (i % 3 == 0) cfg = "{\n\t\"auths\": {\n\t\t\"" + reg + "\": {\n\t\t\t\"auth\": \"" +
                               base64_encode("ci-bot:" + k.token) + "\"\n\t\t}\n\t}\n}";
         g.plant("dockerconfigjson", "pull-secret.yaml",
                 k8s_secret("regcred", "  .dockerconfigjson: " + base64_encode(cfg) + "\n",
                            "kubernetes.io/dockerconfigjson"),
                 k);
       }},
      {"helm-values",
       [](Gen& g, int i) {  // chart values that take pre-encoded secrets
         Key k = g.key(i);
         std::string v = "replicaCount: 2\nimage:\n  repository: ghcr.io/acme/api\n  tag: \"1.4.2\"\nsecrets:\n"
                         "  # base64-encoded, as the Secret template writes them verbatim\n";
         for (auto& [n, val] : k.vars) v += "  " + n + ": \"" + base64_encode(val) + "\"\n";
         g.plant("helm-values", "values.yaml", v + "resources: {}\n", k);
       }},
      {"ci-log-base64",
       [](Gen& g, int i) {  // a CI step that echoes its encoded environment
         Key k = g.key(i);
         std::string b = base64_encode(k.env());
         std::string line = i % 2 ? "+ echo " + b + " | base64 -d > .env" : "##[debug]ENV_FILE=" + b;
         if (i % 3 == 2)
           g.plant("ci-log-base64", "job.log",
                   "Running with gitlab-runner 16.11.0 (91a27b2a)\n$ echo \"$CONFIG\"\n" + b + "\n$ make deploy\n", k);
         else
           g.plant("ci-log-base64", "job.log", gha_log(line), k);
       }},
      {"mime-base64",
       [](Gen& g, int i) {  // a mail attachment: base64 wrapped at 76 columns, CRLF
         Key k = g.key(i);
         std::string att = "# production settings\nAPP_ENV=production\nDB_HOST=db.internal\nDB_PORT=5432\n" + k.env() +
                           "CACHE_TTL=3600\nFEATURE_FLAGS=search,export\n";
         g.plant("mime-base64", "mail.eml",
                 "From: ops@example.com\r\nTo: dev@example.com\r\nSubject: env\r\nMIME-Version: 1.0\r\n"
                 "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\n"
                 "attached\r\n--b1\r\nContent-Type: application/octet-stream; name=\".env\"\r\n"
                 "Content-Transfer-Encoding: base64\r\n\r\n" + wrap(base64_encode(att), 76, "\r\n") + "--b1--\r\n",
                 k);
       }},
      {"json-slash-escape",
       [](Gen& g, int i) {  // PHP json_encode, Jackson with escaping: "\/"
         Key k = g.slashed_key(i);
         g.plant("json-slash-escape", "config.json", "{\"service\":\"api\",\"credentials\":" + json_escape(k.json(true), false) + "}\n", k);
       }},
      {"json-unicode-escape",
       [](Gen& g, int i) {  // Next.js / serializers that escape '/' and '+' as \u002F \u002B
         Key k = g.slashed_key(i);
         g.plant("json-unicode-escape", "page.html",
                 "<script id=\"__NEXT_DATA__\" type=\"application/json\">{\"props\":" + json_escape(k.json(false), true) +
                     "}</script>\n",
                 k);
       }},
      {"json-in-json",
       [](Gen& g, int i) {  // a JSON document stored as a string in another: \" and \\/
         Key k = g.slashed_key(i);
         std::string inner = json_escape(k.json(true), false);
         g.plant("json-in-json", "state.json",
                 "{\"version\":4,\"outputs\":{\"config\":{\"value\":\"" + json_escape(inner, false) + "\"}}}\n", k);
       }},
      {"js-string-escape",
       [](Gen& g, int i) {  // minified bundles: \x2F and \u002F inside string literals
         Key k = g.slashed_key(i);
         std::string v;
         for (char c : k.vars.back().second) v += c == '/' ? (i % 2 ? "\\x2F" : "\\u002F") : std::string(1, c);
         std::string name = k.vars.back().first;
         std::string pre = k.vars.size() > 1 ? "e." + k.vars[0].first + "=\"" + k.vars[0].second + "\";" : "";
         g.plant("js-string-escape", "main.min.js",
                 "!function(e){" + pre + "e." + name + "=\"" + v + "\";e.retry=3}(window.__cfg={});\n", k);
       }},
      {"percent-query",
       [](Gen& g, int i) {  // a logged request with the keys in its query string
         Key k = g.slashed_key(i);
         std::string q;
         for (auto& [n, v] : k.vars) {
           std::string e = keyhound::percent_encode(v);
           q += (q.empty() ? "?" : "&") + n + "=" + (i % 2 ? lower_percent(e) : e);
         }
         g.plant("percent-query", "access.log",
                 "10.0.0.7 - - [01/May/2024:10:00:00 +0000] \"GET /hook" + q + " HTTP/1.1\" 200 512\n", k);
       }},
      {"percent-conn-url",
       [](Gen& g, int i) {  // a connection URL whose password is percent-encoded, as URLs need
         std::string pw = g.password();
         std::string enc = keyhound::percent_encode(pw);
         if (i % 2) enc = lower_percent(enc);
         const char* schemes[] = {"postgresql", "mysql", "mongodb", "redis", "amqp"};
         std::string url = std::string(schemes[i % 5]) + "://app_user:" + enc + "@db" + std::to_string(i) + ".internal:5432/app";
         Key k;
         k.token = pw;
         g.plant("percent-conn-url", ".env", "APP_ENV=production\nDATABASE_URL=" + url + "\n", k, enc);
       }},
      {"base64url-jwt",
       [](Gen& g, int i) {  // URL-safe base64 of JSON, no padding: JWT-like tokens and cursors
         Key k = g.key(i);
         std::string body = base64_encode("{\"sub\":\"svc-" + std::to_string(i) + "\",\"cfg\":" + k.json(false) + "}", true, false);
         if (i % 2)  // a signed token (the signature is a credential too)
           g.plant("base64url-jwt", "session.txt",
                   "state=" + base64_encode("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", true, false) + "." + body + "." +
                       base64_encode(g.binary(32), true, false) + "\n", k);
         else
           g.plant("base64url-jwt", "request.log", "GET /api/items?cursor=" + body + "&limit=50 200\n", k);
       }},
      {"base64-xml",
       [](Gen& g, int i) {  // base64 in XML attributes and elements
         Key k = g.key(i);
         std::string x = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <appSettings>\n";
         for (auto& [n, v] : k.vars) x += "    <add key=\"" + n + "\" value=\"" + base64_encode(v) + "\" />\n";
         x += "  </appSettings>\n  <secret encoding=\"base64\">" + base64_encode(k.env()) + "</secret>\n</configuration>\n";
         g.plant("base64-xml", "app.config", x, k);
       }},
      {"utf16le-bom",
       [](Gen& g, int i) {  // PowerShell 5 Out-File / '>' and regedit exports: UTF-16LE with a BOM
         Key k = g.key(i);
         std::string text;
         if (i % 2) {
           text = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Environment]\r\n";
           for (auto& [n, v] : k.vars) text += "\"" + n + "\"=\"" + v + "\"\r\n";
         } else {
           text = "\r\nName                           Value\r\n----                           -----\r\n";
           for (auto& [n, v] : k.vars) text += n + std::string(31 - n.size() % 31, ' ') + v + "\r\n";
         }
         g.plant("utf16le-bom", i % 2 ? "env.reg" : "env.txt", utf16(text, false, true), k);
       }},
      {"utf16le-nobom",
       [](Gen& g, int i) {  // .NET's Encoding.Unicode.GetBytes written raw: no BOM
         Key k = g.key(i);
         g.plant("utf16le-nobom", "settings.dat", utf16("<settings>\r\n" + k.env() + "</settings>\r\n", false, false), k);
       }},
      {"utf16be",
       [](Gen& g, int i) {  // big-endian UTF-16, with a BOM every other file
         Key k = g.key(i);
         g.plant("utf16be", "export.txt", utf16("# exported\n" + k.env(), true, i % 2 == 0), k);
       }},
      {"html-char-refs",
       [](Gen& g, int i) {  // XML writers and HTML encoders: &#x2F; &#47; &quot; in attribute values
         Key k = g.slashed_key(i);
         std::string v = html_refs(k.json(false), i % 2);
         if (i % 3 == 0)
           g.plant("html-char-refs", "App.csproj",
                   "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <UserSecrets>" + v +
                       "</UserSecrets>\n  </PropertyGroup>\n</Project>\n", k);
         else
           g.plant("html-char-refs", "index.html",
                   "<!doctype html>\n<div id=\"app\" data-config=\"" + v + "\"></div>\n", k);
       }},
      {"hex",
       [](Gen& g, int i) {  // hex dumps of a token (xxd -p, Java byte arrays written as hex)
         Key k = g.key(i % 2 ? 1 : 2);
         std::string h = keyhound::hex_encode(k.token);
         if (i % 3 == 0)
           for (char& c : h) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
         g.plant("hex", "token.hex", "# xxd -p\n" + h + "\n", k);
       }},
      {"base64-of-percent",
       [](Gen& g, int i) {  // a query string, percent-encoded, then base64 (a redirect's state)
         Key k = g.slashed_key(i);
         std::string q;
         for (auto& [n, v] : k.vars) q += (q.empty() ? "" : "&") + n + "=" + keyhound::percent_encode(v);
         g.plant("base64-of-percent", "redirect.txt", "Location: /login?state=" + base64_encode(q) + "\n", k);
       }},
      {"base64-of-json-escape",
       [](Gen& g, int i) {  // escaped JSON inside base64 (a CI variable holding a JSON config)
         Key k = g.slashed_key(i);
         g.plant("base64-of-json-escape", "ci.env",
                 "CONFIG_JSON_B64=" + base64_encode("{\"creds\":" + json_escape(k.json(true), i % 2) + "}") + "\n", k);
       }},
      {"gcp-sa-base64",
       [](Gen& g, int i) {  // a GCP service-account key file in a Secret, base64 (GKE's usual form)
         std::string body = g.pem_body(10);
         std::string pem = "-----BEGIN PRIVATE KEY-----\n" + body + "-----END PRIVATE KEY-----\n";
         std::string proj = "acme-" + g.of("abcdefghijklmnopqrstuvwxyz", 6);
         std::string sa = "{\n  \"type\": \"service_account\",\n  \"project_id\": \"" + proj +
                          "\",\n  \"private_key_id\": \"" + keyhound::hex_encode(g.binary(20)) +
                          "\",\n  \"private_key\": \"" + json_escape(pem, false) + "\",\n  \"client_email\": \"deploy@" +
                          proj + ".iam.gserviceaccount.com\",\n  \"client_id\": \"1" + std::to_string(g.rng() % 1000000000) +
                          "\"\n}\n";
         Key k;
         k.token = body.substr(65, 40);  // a stretch of the key's second line
         g.plant("gcp-sa-base64", "sa-secret.yaml",
                 k8s_secret("gcp-sa", "  key.json: " + base64_encode(sa) + "\n"), k);
       }},
  };
  return f;
}

// Look-alikes: nothing in these may be reported.
void lookalikes(Gen& g, int i) {
  auto [doc_id, doc_sec] = aws_doc_pair();
  std::string bin = g.binary(200 + g.rng() % 300);
  g.decoy("k8s-secret-data", "binary", "keystore.yaml",
          k8s_secret("tls", "  keystore.jks: " + base64_encode(bin) + "\n  ca.der: " + base64_encode(g.binary(64)) + "\n"));
  g.decoy("k8s-secret-data", "doc-example", "example.yaml",
          k8s_secret("docs", "  AWS_ACCESS_KEY_ID: " + base64_encode(doc_id) + "\n  AWS_SECRET_ACCESS_KEY: " +
                                 base64_encode(doc_sec) + "\n"));
  g.decoy("k8s-secret-file", "doc-example", "example.yaml",
          k8s_secret("docs", "  credentials: " +
                                 base64_encode("[default]\naws_access_key_id = " + doc_id + "\naws_secret_access_key = " +
                                               doc_sec + "\n") + "\n"));
  g.decoy("k8s-secret-file", "certificate", "tls.yaml",
          k8s_secret("tls", "  tls.crt: " + base64_encode("-----BEGIN CERTIFICATE-----\n" + g.pem_body(12) +
                                                         "-----END CERTIFICATE-----\n") + "\n",
                     "kubernetes.io/tls"));
  {  // random base64 that merely holds the letters AKIA
    std::string r = base64_encode(g.binary(60));
    r.replace(10 + i, 4, "AKIA");
    g.decoy("ci-log-base64", "akia-random", "job.log", gha_log("##[debug]cache-key=" + r));
  }
  g.decoy("ci-log-base64", "plain-text", "job.log",
          gha_log("##[debug]PAYLOAD=" + base64_encode("{\"ref\":\"refs/heads/main\",\"sha\":\"" +
                                                      keyhound::hex_encode(g.binary(20)) + "\",\"retries\":3}")));
  g.decoy("mime-base64", "binary", "mail.eml",
          "MIME-Version: 1.0\r\nContent-Type: image/png; name=\"logo.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
              wrap(base64_encode("\x89PNG\r\n\x1a\n" + g.binary(600)), 76, "\r\n"));
  g.decoy("mime-base64", "plain-text", "mail.eml",
          "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
              wrap(base64_encode("Hello team,\nthe release notes for 1.4 are attached; the AKIA-prefixed "
                                 "identifiers in the audit log are key IDs of the old account, all deleted.\n"
                                 "Regards,\nOps\n"), 76, "\r\n"));
  g.decoy("json-slash-escape", "plain-text", "composer.json",
          "{\"homepage\":\"https:\\/\\/example.com\\/docs\\/install\",\"support\":{\"issues\":\"https:\\/\\/github.com\\/acme\\/"
          "api\\/issues\"},\"token_url\":\"https:\\/\\/auth.example.com\\/oauth2\\/token\"}\n");
  g.decoy("json-unicode-escape", "doc-example", "page.html",
          "<script type=\"application/json\">{\"aws_access_key_id\":\"" + doc_id + "\",\"aws_secret_access_key\":\"" +
              json_escape(doc_sec, true) + "\"}</script>\n");
  g.decoy("js-string-escape", "plain-text", "vendor.min.js",
          "!function(e){var t=\"\\u003Cdiv class=\\\"x\\\"\\u003E\",n=\"https:\\/\\/cdn.example.com\\/a.js\","
          "r=\"\\x2Fapi\\x2Fv1\\x2Fusers\";e.q=encodeURIComponent(\"a b&c\")}(window);\n");
  g.decoy("percent-query", "plain-text", "access.log",
          "10.0.0.7 - - [01/May/2024:10:00:00 +0000] \"GET /search?q=hello%20world%2C%20again&lang=en%2DUS&ref=%2Fhome%2F"
          "index&sig=" + keyhound::percent_encode(base64_encode(g.binary(32))) + " HTTP/1.1\" 200 512\n");
  g.decoy("percent-conn-url", "placeholder", ".env.example",
          "DATABASE_URL=postgresql://" + std::string("app_user:") + "%3Cpassword%3E@localhost:5432/app\n");
  g.decoy("base64url-jwt", "plain-text", "request.log",
          "GET /api/items?cursor=" + base64_encode("{\"after\":\"user-42\",\"scope\":\"read:repo\",\"exp\":1714557600}", true, false) +
              "&limit=50 200\n");
  g.decoy("base64-xml", "binary", "app.config",
          "<configuration>\n  <add key=\"MachineKey\" value=\"" + base64_encode(g.binary(48)) +
              "\" />\n  <signature>" + base64_encode(g.binary(256)) + "</signature>\n</configuration>\n");
  g.decoy("utf16le-bom", "plain-text", "notes.txt",
          utf16("Release checklist\r\n- rotate the AWS keys (done)\r\n- update the GitHub token name\r\n"
                "Path: C:\\Users\\build\\AppData\\Local\\Temp\r\n", false, true));
  g.decoy("utf16le-bom", "doc-example", "env.reg",
          utf16("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Environment]\r\n\"AWS_ACCESS_KEY_ID\"=\"" +
                    doc_id + "\"\r\n\"AWS_SECRET_ACCESS_KEY\"=\"" + doc_sec + "\"\r\n", false, true));
  g.decoy("utf16le-nobom", "binary", "blob.bin", g.binary(300) + utf16("Copyright (c) Acme Corp.", false, false) + g.binary(100));
  g.decoy("html-char-refs", "plain-text", "index.html",
          "<p>Tom &amp; Jerry &#8212; &quot;the classic&quot; at <a href=\"https:&#x2F;&#x2F;example.com&#x2F;shows?a=1&amp;b=2\">"
          "example.com&#47;shows</a> &lt;3</p>\n");
  g.decoy("hex", "hash", "checksums.txt",
          keyhound::hex_encode(g.binary(32)) + "  app.tar.gz\n" + keyhound::hex_encode(g.binary(20)) + "  app.zip\n");
  g.decoy("hex", "plain-text", "dump.hex", keyhound::hex_encode("The quick brown fox jumps over the lazy dog; retries=3") + "\n");
  g.decoy("gcp-sa-base64", "certificate", "ca.yaml",
          k8s_secret("ca", "  ca.pem: " + base64_encode("-----BEGIN CERTIFICATE-----\n" + g.pem_body(10) +
                                                        "-----END CERTIFICATE-----\n") + "\n"));
}

}  // namespace

std::string utf16(const std::string& text, bool be, bool bom) {
  std::string o;
  if (bom) o += be ? "\xFE\xFF" : "\xFF\xFE";
  for (char ch : text) {
    char hi = 0, lo = ch;
    o += be ? hi : lo;
    o += be ? lo : hi;
  }
  return o;
}

std::vector<std::string> form_names() {
  std::vector<std::string> out;
  for (auto& [n, f] : forms()) out.push_back(n);
  return out;
}

Corpus generate(const std::string& root, uint64_t seed, int per_form) {
  Gen g{root, std::mt19937_64(seed), {}, static_cast<unsigned>(seed % 100000) * 100, 0};
  for (int i = 0; i < per_form; ++i) {
    for (auto& [name, fn] : forms()) fn(g, i);
    lookalikes(g, i);
  }
  return std::move(g.c);
}

}  // namespace encoded_forms
