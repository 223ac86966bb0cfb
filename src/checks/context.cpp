#include "checks/context.h"

#include <re2/re2.h>

#include <algorithm>

namespace keyhound {
namespace {

// How far apart the name and value lines of one item may be ({"name": ..., "type": ..., "value":
// ...} and XML <property> blocks put at most a line or two between them).
constexpr int kItemLines = 3;

// Start of the line `lines` lines above the one holding `pos`, not before `floor`.
size_t back_lines(std::string_view buf, size_t pos, int lines, size_t floor) {
  size_t i = pos;
  int seen = 0;
  while (i > floor) {
    if (buf[i - 1] == '\n') {
      if (seen == lines) break;
      ++seen;
    }
    --i;
  }
  return i;
}

// End (exclusive, before the newline) of the line `lines` lines below the one holding `pos`.
size_t forward_lines(std::string_view buf, size_t pos, int lines, size_t ceil) {
  size_t i = pos;
  int seen = 0;
  while (i < ceil) {
    if (buf[i] == '\n') {
      if (seen == lines) break;
      ++seen;
    }
    ++i;
  }
  return i;
}

std::string blanked(std::string_view buf, size_t from, size_t to, size_t soff, size_t slen) {
  std::string s(buf.substr(from, soff - from));
  s += ' ';
  s.append(buf.substr(soff + slen, to - (soff + slen)));
  return s;
}

// The value half of a name/value item, up to where the value starts: {"value": "..., - value: ...,
// <value>..., ParameterValue: ..., default = ... (Terraform variables), Value=... (CLI shorthand).
const RE2& value_key_re() {
  static const RE2 re(
      R"re((?i)(?:^|[\s{,\[(])["']?(?:value|parametervalue|defaultvalue|default|secretstring|val)["']?\s*(?::|=>|=)\s*["'`]?$|--value[ =]["']?$|<value>\s*$|<(?:string|property)[^>]*value=["']$)re");
  return re;
}

// The name half: {"name": ..., - name: ..., <name>, ParameterKey, Key=, variable "..." {, or a YAML
// mapping key with its value on the next lines ("AwsSecretKey:").
const RE2& name_key_re() {
  static const RE2 re(
      R"re((?i)(?:^|[\s{,\[(])["']?(?:name|key|parameterkey|parametername|variable|env|id)["']?\s*(?::|=>|=)|--name[ =]|<name>|<key>|variable\s+"|^\s*-?\s*["']?[\w.-]+["']?\s*:\s*(?:\|[-+]?|>[-+]?)?\s*$)re");
  return re;
}

// The line holding buf[pos], without its end of line.
std::string_view line_at(std::string_view buf, size_t a, size_t ceil) {
  size_t b = a;
  while (b < ceil && buf[b] != '\n') ++b;
  if (b > a && buf[b - 1] == '\r') --b;
  return buf.substr(a, b - a);
}

// A secret on the value line of a name/value item whose name line (at most `lines` lines away
// in the same item) carries the rule's name: ECS task definitions and Kubernetes env lists
// ({"name": "AWS_SECRET_ACCESS_KEY", "value": ...} over two lines), CloudFormation parameters,
// Hadoop <property> blocks, Terraform variable defaults.
bool item_name_evidence(const RE2& name_re, std::string_view buf, size_t soff, size_t slen,
                        size_t floor, size_t ceil, int lines) {
  size_t a = back_lines(buf, soff, 0, floor);
  if (!RE2::PartialMatch(buf.substr(a, soff - a), value_key_re())) return false;
  // Nearest name line above, then below; another value line first means another item.
  size_t at = a;
  for (int i = 0; i < lines && at > floor; ++i) {
    size_t start = back_lines(buf, at - 1, 0, floor);
    std::string_view l = line_at(buf, start, at - 1);
    at = start;
    if (RE2::PartialMatch(l, name_key_re())) return RE2::PartialMatch(l, name_re);
    if (l.find_first_of("}]") != std::string_view::npos || RE2::PartialMatch(l, value_key_re())) break;
  }
  size_t b = forward_lines(buf, soff + slen, 0, ceil);
  for (int i = 0; i < lines && b < ceil; ++i) {
    std::string_view l = line_at(buf, b + 1, ceil);
    b = b + 1 + l.size();
    while (b < ceil && buf[b] != '\n') ++b;
    if (RE2::PartialMatch(l, name_key_re())) return RE2::PartialMatch(l, name_re);
    if (l.find_first_of("{[") != std::string_view::npos) break;
  }
  return false;
}

// Leading spaces and tabs of a line (a tab counts as one: files mix them rarely, and only the
// order of depths matters here).
size_t indent_of(std::string_view l) {
  size_t i = 0;
  while (i < l.size() && (l[i] == ' ' || l[i] == '\t')) ++i;
  return i;
}

// The key a line assigns to: `key: v`, `"key": v`, `key = v`, `'key' => v`, `<key>v` (YAML, JSON,
// INI/TOML/HCL, PHP arrays, simple XML).
const RE2& own_key_re() {
  static const RE2 re(R"re(^\s*-?\s*["']?([A-Za-z_][\w.-]*)["']?\s*(?::|=>|=)|^\s*<([A-Za-z_][\w.-]*)>)re");
  return re;
}

// A line that opens a block the lines below it belong to: `aws:`, `"AWS": {`, `aws = {`,
// `'s3' => [`, `<aws>`, an INI/TOML `[section]` header.
const RE2& opener_re() {
  static const RE2 re(
      R"re(^\s*-?\s*["']?([A-Za-z_][\w.-]*)["']?\s*(?::|=>|=)?\s*(?:\{|\[|array\(|\|[-+]?|>[-+]?)?\s*$|^\s*<([A-Za-z_][\w.-]*)(?:\s[^>]*)?>\s*$|^\s*\[+([^\]]+)\]+\s*$)re");
  return re;
}

// How many lines above a secret its enclosing blocks are looked for.
constexpr int kKeyPathLines = 24;

// The dotted path of keys leading to the secret's line: `aws.credentials.secret-key` for
// `aws:` / `credentials:` / `secret-key: ...`, `AWS.SecretKey` for {"AWS": {"SecretKey": ...}},
// `aws.secret_key` under an INI [aws] header. A name on an enclosing block is evidence the way a
// name on the secret's own line is (appsettings.json, Spring YAML, Helm values, CloudFormation
// outputs). Empty when the line assigns no key.
std::string key_path(std::string_view buf, size_t soff, size_t floor) {
  size_t a = back_lines(buf, soff, 0, floor);
  std::string_view own = buf.substr(a, soff - a);
  std::string k1, k2;
  if (!RE2::PartialMatch(own, own_key_re(), &k1, &k2)) return "";
  std::string path = k1.empty() ? k2 : k1;
  size_t depth = indent_of(own);
  bool top_seen = false;  // a block opened at column 0 encloses the secret: no INI header can
  size_t at = a;
  for (int i = 0; i < kKeyPathLines && at > floor; ++i) {
    size_t start = back_lines(buf, at - 1, 0, floor);
    std::string_view l = line_at(buf, start, at - 1);
    at = start;
    size_t d = indent_of(l);
    if (d == l.size()) continue;  // blank
    std::string o1, o2, o3;
    if (!RE2::FullMatch(l, opener_re(), &o1, &o2, &o3)) continue;
    if (!o3.empty()) {  // [section]: holds the keys that follow it, up to the next header
      if (!top_seen) path = o3 + "." + path;
      break;
    }
    if (d >= depth) continue;
    path = (o1.empty() ? o2 : o1) + "." + path;
    depth = d;
    if (depth == 0) top_seen = true;
  }
  return path;
}

}  // namespace

bool has_context_evidence(const Rule& rule, std::string_view buf, size_t soff, size_t slen,
                          size_t limit) {
  size_t floor = soff > limit ? soff - limit : 0;
  size_t ceil = std::min(buf.size(), soff + slen + limit);
  if (rule.context_line_re) {
    size_t a = back_lines(buf, soff, 0, floor), b = forward_lines(buf, soff + slen, 0, ceil);
    if (RE2::PartialMatch(blanked(buf, a, b, soff, slen), *rule.context_line_re)) return true;
    if (item_name_evidence(*rule.context_line_re, buf, soff, slen, floor, ceil, kItemLines)) return true;
    std::string path = key_path(buf, soff, floor);
    if (path.find('.') != std::string::npos && RE2::PartialMatch(path, *rule.context_line_re)) return true;
  }
  if (rule.context_nearby_re) {
    size_t a = back_lines(buf, soff, rule.context_lines, floor);
    size_t b = forward_lines(buf, soff + slen, rule.context_lines, ceil);
    if (RE2::PartialMatch(blanked(buf, a, b, soff, slen), *rule.context_nearby_re)) return true;
  }
  return false;
}

std::string line_around(std::string_view buf, size_t soff, size_t slen, size_t limit) {
  size_t floor = soff > limit ? soff - limit : 0;
  size_t ceil = std::min(buf.size(), soff + slen + limit);
  size_t a = back_lines(buf, soff, 0, floor), b = forward_lines(buf, soff + slen, 0, ceil);
  if (b > a && buf[b - 1] == '\r') --b;
  return std::string(buf.substr(a, b - a));
}

}  // namespace keyhound
