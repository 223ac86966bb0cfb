#include "config/config_loader.h"

#include <re2/re2.h>

#include <cctype>
#include <sstream>
#include <toml++/toml.h>

#include "base/ascii.h"
#include "config/gitleaks_config.h"
#include "rules/toml_text.h"

#include "base/hex.h"
#include "base/text_file.h"
#include "findings/baseline.h"
#include "rules/rule_loader.h"

namespace keyhound {
namespace {

std::string at(const std::string& origin, const toml::node* n) {
  if (n && n->source().begin.line) return origin + ":" + std::to_string(n->source().begin.line);
  return origin;
}

[[noreturn]] void fail(const std::string& origin, const toml::node* n, const std::string& msg) {
  throw ConfigError(at(origin, n) + ": " + msg);
}

// Each string of an array with the node it came from (for line numbers).
std::vector<std::pair<std::string, const toml::node*>> strings(const toml::table& t, const char* key,
                                                               const std::string& origin,
                                                               const std::string& ctx) {
  std::vector<std::pair<std::string, const toml::node*>> out;
  const toml::node* n = t.get(key);
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a) fail(origin, n, ctx + "'" + key + "' must be an array of strings");
  for (const toml::node& e : *a) {
    auto v = e.value<std::string>();
    if (!v) fail(origin, &e, ctx + "'" + key + "' must hold only strings");
    out.emplace_back(*v, &e);
  }
  return out;
}

std::shared_ptr<re2::RE2> compile(const std::string& pat, const std::string& origin, const toml::node* n,
                                  const std::string& ctx, const char* key) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(16 << 20);
  auto re = std::make_shared<re2::RE2>(pat, o);
  if (!re->ok()) fail(origin, n, ctx + key + " regex '" + pat + "' does not compile: " + re->error());
  return re;
}

Allowlist parse_allowlist(const toml::table& t, const std::string& origin, Config& c) {
  static const std::set<std::string> keys = {"description", "rules", "condition", "paths", "secrets",
                                             "lines", "fingerprints", "commits", "stopwords"};
  Allowlist al;
  al.origin = at(origin, &t);
  if (const toml::node* d = t.get("description")) {
    auto v = d->value<std::string>();
    if (!v) fail(origin, d, "allowlist: 'description' must be a string");
    al.description = *v;
  }
  std::string ctx = "allowlist" + (al.description.empty() ? std::string() : " '" + al.description + "'") + ": ";
  for (auto& [k, v] : t)
    if (!keys.count(std::string(k.str())))
      fail(origin, &v, ctx + "unknown field '" + std::string(k.str()) +
                           "' (known: description, rules, condition, paths, secrets, lines, fingerprints, "
                           "commits, stopwords)");
  if (const toml::node* cn = t.get("condition")) {
    auto v = cn->value<std::string>();
    std::string cond = v ? ascii_lower(*v) : "";
    if (cond != "or" && cond != "and") fail(origin, cn, ctx + "'condition' must be \"OR\" or \"AND\"");
    al.all_conditions = cond == "and";
  }
  for (auto& [s, n] : strings(t, "rules", origin, ctx)) {
    al.rules.push_back(s);
    c.rule_refs.emplace_back(s, at(origin, n));
  }
  for (auto& [s, n] : strings(t, "paths", origin, ctx)) {
    try {
      al.paths.emplace_back(s);
    } catch (const std::invalid_argument& e) {
      fail(origin, n, ctx + e.what());
    }
  }
  for (auto& [s, n] : strings(t, "secrets", origin, ctx)) al.secrets.push_back(compile(s, origin, n, ctx, "secrets"));
  for (auto& [s, n] : strings(t, "lines", origin, ctx)) al.lines.push_back(compile(s, origin, n, ctx, "lines"));
  for (auto& [s, n] : strings(t, "fingerprints", origin, ctx)) {
    std::string fp = ascii_lower(s);
    if (!is_fingerprint(fp)) fail(origin, n, ctx + "'" + s + "' is not a finding fingerprint (32 hex digits)");
    al.fingerprints.insert(fp);
  }
  for (auto& [s, n] : strings(t, "commits", origin, ctx)) {
    std::string cm = ascii_lower(s);
    if (cm.size() < 7 || cm.size() > 64 || !is_hex_digits(cm)) fail(origin, n, ctx + "'" + s + "' is not a commit id (7 to 64 hex digits)");
    al.commits.push_back(cm);
  }
  for (auto& [s, n] : strings(t, "stopwords", origin, ctx)) {
    if (s.size() < 3) fail(origin, n, ctx + "stopword '" + s + "' is shorter than 3 characters");
    al.stopwords.push_back(ascii_lower(s));
  }
  if (al.paths.empty() && al.secrets.empty() && al.lines.empty() && al.fingerprints.empty() &&
      al.commits.empty() && al.stopwords.empty())
    fail(origin, &t, ctx + "no criteria (give paths, secrets, lines, fingerprints, commits or stopwords)");
  return al;
}

}  // namespace

Config parse_config(const std::string& text, const std::string& origin) {
  toml::table root = parse_toml_text<ConfigError>(text, origin);
  if (is_gitleaks_config(root)) return translate_gitleaks_config(root, origin);
  Config c;
  c.path = origin;
  static const std::set<std::string> keys = {"description", "provider", "rule", "rules", "disable", "allowlist"};
  for (auto& [k, v] : root)
    if (!keys.count(std::string(k.str())))
      fail(origin, &v, "unknown top-level key '" + std::string(k.str()) +
                           "' (known: rule, disable, allowlist, provider, description)");
  if (const toml::node* d = root.get("description"); d && !d->is_string())
    fail(origin, d, "'description' must be a string");
  if (root.get("rule") || root.get("rules")) {
    // Custom rules go through the rule-file loader itself: same schema, same checks, same
    // file:line messages.
    try {
      c.rules = parse_rule_file(text, origin);
    } catch (const RuleError& e) {
      throw ConfigError(e.what());
    }
  }
  if (const toml::node* dn = root.get("disable"); dn && !dn->is_array())
    fail(origin, dn, "'disable' must be an array of rule ids");
  for (auto& [s, n] : strings(root, "disable", origin, "")) {
    c.disable.push_back(s);
    c.rule_refs.emplace_back(s, at(origin, n));
  }
  if (const toml::node* an = root.get("allowlist")) {
    const toml::array* arr = an->as_array();
    if (!arr) {
      if (const toml::table* one = an->as_table()) {
        c.allowlists.push_back(parse_allowlist(*one, origin, c));
        return c;
      }
      fail(origin, an, "'allowlist' must be a table ([[allowlist]])");
    }
    for (const toml::node& n : *arr) {
      const toml::table* t = n.as_table();
      if (!t) fail(origin, &n, "each [[allowlist]] must be a table");
      c.allowlists.push_back(parse_allowlist(*t, origin, c));
    }
  }
  return c;
}

Config load_config_file(const std::string& path) {
  std::string text;
  try {
    text = read_text_file(path, "config");
  } catch (const TextFileError& e) {
    throw ConfigError(e.what());
  }
  return parse_config(text, path);
}

RuleNames known_rule_names(const std::vector<std::string>& rule_paths, bool builtin, const Config* c) {
  RuleNames out;
  auto add = [&](const std::string& id, const std::string& fam) {
    out.names.insert(id);
    out.family_of[id] = fam;
    if (!fam.empty()) out.names.insert(fam);
  };
  if (builtin)
    for (auto& r : load_builtin_rules()) add(r.id, r.family);
  for (auto& p : rule_paths)
    for (auto& r : load_rule_path(p)) add(r.id, r.family);
  if (c)
    for (auto& r : c->rules) add(r.id, r.family);
  return out;
}

void check_rule_references(const Config& c, const std::set<std::string>& known) {
  for (auto& [name, where] : c.rule_refs)
    if (!known.count(name))
      throw ConfigError(where + ": unknown rule '" + name + "' (see `keyhound rules list`)");
}

}  // namespace keyhound
