#include "config/gitleaks_config.h"

#include <re2/filtered_re2.h>
#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "base/ascii.h"
#include "engine/regex_width.h"
#include "rules/rule_loader.h"
#include "rules/toml_text.h"

namespace keyhound {
namespace {

// A match may reach this far from its keyword when the regex is unbounded ({64,}, .*): gitleaks
// runs each regex over the whole file, keyhound over a window around the keyword. 8 KiB holds
// any PEM private key block gitleaks' own rules look for.
constexpr int kUnboundedWindow = 8192;

std::string at(const std::string& origin, const toml::node* n) {
  if (n && n->source().begin.line) return origin + ":" + std::to_string(n->source().begin.line);
  return origin;
}

[[noreturn]] void fail(const std::string& origin, const toml::node* n, const std::string& msg) {
  throw ConfigError(at(origin, n) + ": " + msg);
}

std::string get_string(const toml::table& t, const char* key, const std::string& origin) {
  const toml::node* n = t.get(key);
  if (!n) return "";
  auto v = n->value<std::string>();
  if (!v) fail(origin, n, std::string("'") + key + "' must be a string");
  return *v;
}

std::vector<std::string> get_strings(const toml::table& t, const char* key, const std::string& origin) {
  std::vector<std::string> out;
  const toml::node* n = t.get(key);
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a) fail(origin, n, std::string("'") + key + "' must be an array of strings");
  for (const toml::node& e : *a) {
    auto v = e.value<std::string>();
    if (!v) fail(origin, &e, std::string("'") + key + "' must hold only strings");
    out.push_back(*v);
  }
  return out;
}

// Tables of `key` whether written [key] (one) or [[key]] (several).
std::vector<const toml::table*> tables(const toml::table& t, const char* key, const std::string& origin) {
  std::vector<const toml::table*> out;
  const toml::node* n = t.get(key);
  if (!n) return out;
  if (const toml::table* one = n->as_table()) return {one};
  const toml::array* a = n->as_array();
  if (!a) fail(origin, n, std::string("'") + key + "' must be a table");
  for (const toml::node& e : *a) {
    if (!e.as_table()) fail(origin, &e, std::string("each [[") + key + "]] must be a table");
    out.push_back(e.as_table());
  }
  return out;
}

std::shared_ptr<re2::RE2> compile(const std::string& pat, std::string* error) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(64 << 20);
  auto re = std::make_shared<re2::RE2>(pat, o);
  if (!re->ok()) {
    *error = re->error();
    return nullptr;
  }
  return re;
}

// Literal strings every match of `regex` holds one of (RE2's prefilter atoms, lowercase), each
// at least 3 bytes: keywords for a rule that has none usable. Empty when RE2 finds none.
std::vector<std::string> derived_keywords(const std::string& regex) {
  re2::FilteredRE2 f(3);
  RE2::Options o;
  o.set_log_errors(false);
  int id = 0;
  if (f.Add(regex, o, &id) != re2::RE2::NoError) return {};
  std::vector<std::string> atoms;
  f.Compile(&atoms);
  return atoms;
}

bool keyword_ok(const std::string& k) {
  bool punct = std::any_of(k.begin(), k.end(), [](char c) { return std::ispunct(static_cast<unsigned char>(c)); });
  return k.size() >= 3 || (k.size() == 2 && punct);
}

struct Translator {
  std::string origin;
  Config c;
  std::set<std::string> builtin_ids;  // for [extend] useDefault: ids a config rule must not reuse

  void note(const std::string& what, const std::string& why) { c.translation_notes.push_back(what + ": " + why); }

  // One allowlist table; `rule_id` scopes a per-rule allowlist. Returns false if not exact.
  void allowlist(const toml::table& t, const std::string& rule_id, const std::string& label) {
    ++c.gitleaks_allowlists;
    Allowlist al;
    al.origin = at(origin, &t);
    al.description = get_string(t, "description", origin);
    std::string what = label + (al.description.empty() ? "" : " '" + al.description + "'") + " (" + al.origin + ")";
    bool exact = true;
    std::string cond = ascii_lower(get_string(t, "condition", origin));
    if (!cond.empty() && cond != "or" && cond != "and") fail(origin, t.get("condition"), "'condition' must be OR or AND");
    al.all_conditions = cond == "and";
    if (!rule_id.empty()) al.rules.push_back(rule_id);
    for (auto& r : get_strings(t, "targetRules", origin)) {
      al.rules.push_back(r);
      c.rule_refs.emplace_back(r, at(origin, t.get("targetRules")));
    }
    std::string err;
    for (auto& p : get_strings(t, "paths", origin)) {
      if (auto re = compile(p, &err)) al.path_regexes.push_back(re);
      else exact = false, note(what, "path regex '" + p + "' rejected by RE2 (" + err + "): dropped");
    }
    std::string target = ascii_lower(get_string(t, "regexTarget", origin));
    if (!target.empty() && target != "secret" && target != "match" && target != "line")
      fail(origin, t.get("regexTarget"), "'regexTarget' must be secret, match or line");
    for (auto& p : get_strings(t, "regexes", origin)) {
      auto re = compile(p, &err);
      if (!re) {
        exact = false;
        note(what, "regex '" + p + "' rejected by RE2 (" + err + "): dropped");
        continue;
      }
      (target == "line" ? al.lines : target == "match" ? al.matches : al.secrets).push_back(re);
    }
    for (auto& s : get_strings(t, "stopwords", origin)) {
      if (s.size() < 3) {
        exact = false;
        note(what, "stopword '" + s + "' is shorter than 3 characters: dropped (it would allow most secrets)");
        continue;
      }
      al.stopwords.push_back(ascii_lower(s));
    }
    for (auto& cm : get_strings(t, "commits", origin)) {
      std::string h = ascii_lower(cm);
      bool hex = h.size() >= 7 && h.size() <= 64 &&
                 std::all_of(h.begin(), h.end(), [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)); });
      if (!hex) {
        exact = false;
        note(what, "commit '" + cm + "' is not a commit id: dropped");
        continue;
      }
      al.commits.push_back(h);
    }
    if (al.paths.empty() && al.path_regexes.empty() && al.secrets.empty() && al.lines.empty() &&
        al.matches.empty() && al.stopwords.empty() && al.commits.empty()) {
      note(what, "no criterion left: not used");
      return;
    }
    if (exact) ++c.gitleaks_allowlists_exact;
    c.allowlists.push_back(std::move(al));
  }

  void rule(const toml::table& t) {
    ++c.gitleaks_rules;
    Rule r;
    r.id = get_string(t, "id", origin);
    if (r.id.empty()) fail(origin, &t, "[[rules]] without an id");
    std::string what = "rule '" + r.id + "' (" + at(origin, &t) + ")";
    bool exact = true;
    std::string id = ascii_lower(r.id);
    for (char& ch : id)
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') ch = '-';
    if (builtin_ids.count(id)) {
      note(what, "a built-in keyhound rule has this id ([extend] useDefault): renamed gitleaks-" + id);
      id = "gitleaks-" + id;
      exact = false;
    }
    r.id = id;
    r.description = get_string(t, "description", origin);
    r.name = r.description.empty() ? r.id : r.description;
    r.provider = "gitleaks config";
    r.source_file = origin;
    r.regex = get_string(t, "regex", origin);
    std::string path = get_string(t, "path", origin);
    if (r.regex.empty()) {
      note(what, path.empty() ? "no regex: not run"
                              : "matches files by name only (path '" + path +
                                    "'); keyhound reports secrets in file contents: not run");
      return;
    }
    std::string err;
    auto re = compile(r.regex, &err);
    if (!re) {
      note(what, "regex rejected by RE2 (" + err + "): not run");
      return;
    }
    if (const toml::node* g = t.get("secretGroup")) {
      auto v = g->value<int64_t>();
      if (!v || *v < 0) fail(origin, g, "'secretGroup' must be a non-negative integer");
      r.secret_group = static_cast<int>(*v);
    } else {
      r.secret_group = kFirstNonEmptyGroup;  // gitleaks' own choice when secretGroup is not given
    }
    if (const toml::node* e = t.get("entropy")) {
      auto v = e->value<double>();
      if (!v || *v < 0 || *v > 8) fail(origin, e, "'entropy' must be a number from 0 to 8");
      r.min_entropy = *v;
    }
    // gitleaks matches keywords case-insensitively; keyhound does too unless the regex holds
    // the keyword in that exact case (then only that case can match anyway).
    std::vector<std::string> short_kw;
    for (auto& k : get_strings(t, "keywords", origin)) (keyword_ok(k) ? r.keywords : short_kw).push_back(ascii_lower(k));
    if (!short_kw.empty() || r.keywords.empty()) {
      std::vector<std::string> derived = derived_keywords(r.regex);
      std::string given = short_kw.empty() ? "no keywords" : "keyword '" + short_kw[0] + "' shorter than 3 bytes";
      if (!derived.empty() && r.keywords.empty()) {
        r.keywords = derived;
        std::string list;
        for (auto& d : derived) list += (list.empty() ? "" : ", ") + d;
        note(what, given + ": runs on keywords derived from its regex (" + list + ")");
      } else if (r.keywords.empty()) {
        // Nothing at least 3 bytes long is in every match: fall back on the short keyword
        // itself, so RE2 runs around each of its (frequent) occurrences.
        r.keywords = short_kw;
        std::string cost = short_kw.empty() ? "" : " around every '" + short_kw[0] + "' in the input";
        if (r.keywords.empty()) {
          note(what, given + " and none derivable from its regex: not run");
          return;
        }
        note(what, given + " and none longer derivable: RE2 runs" + cost +
                       " (cost: a window per occurrence of a 2-byte string, typically thousands per MB of text)");
      } else {
        note(what, given + ": dropped, its other keywords kept");
      }
      exact = false;
    }
    // The window: as far as a match can reach from its keyword.
    int reach = 0;
    for (auto& k : r.keywords) {
      KeywordReach kr = keyword_reach(r.regex, k);
      if (kr.before < 0 || kr.after < 0) reach = -1;
      if (reach >= 0) reach = std::max({reach, kr.before, kr.after});
    }
    long width = regex_max_width(r.regex);
    if (reach < 0 && width >= 0) reach = static_cast<int>(std::min<long>(width, kUnboundedWindow));
    r.window = reach < 0 ? kUnboundedWindow : std::max(256, reach + 16);
    std::shared_ptr<re2::RE2> path_re;
    if (!path.empty() && !(path_re = compile(path, &err))) fail(origin, t.get("path"), "path regex does not compile: " + err);
    try {
      compile_rule_regexes(r);
    } catch (const RuleError& e) {
      note(what, std::string(e.what()) + ": not run");
      return;
    }
    for (const toml::table* al : tables(t, "allowlists", origin)) allowlist(*al, r.id, "allowlist of " + what);
    for (const toml::table* al : tables(t, "allowlist", origin)) allowlist(*al, r.id, "allowlist of " + what);
    // gitleaks runs such a rule on matching files only; keyhound suppresses its findings elsewhere.
    if (path_re) c.rule_paths[r.id] = path_re;
    if (exact) ++c.gitleaks_rules_exact;
    c.rules.push_back(std::move(r));
  }
};

}  // namespace

bool is_gitleaks_config(const toml::table& root) {
  for (const char* k : {"title", "extend", "allowlists", "minVersion"})
    if (root.get(k)) return true;
  if (const toml::array* a = root["rules"].as_array())
    for (const toml::node& n : *a)
      if (const toml::table* t = n.as_table()) return !t->get("name");
  return false;
}

Config translate_gitleaks_config(const toml::table& root, const std::string& origin) {
  Translator tr;
  tr.origin = origin;
  tr.c.path = origin;
  tr.c.from_gitleaks = true;
  // Without [extend] useDefault a gitleaks config is the whole rule set.
  tr.c.builtin_rules = false;
  if (const toml::table* ext = root["extend"].as_table()) {
    if (auto d = (*ext)["useDefault"].value<bool>(); d && *d) {
      tr.c.builtin_rules = true;
      tr.note("[extend] useDefault (" + at(origin, ext) + ")",
              "gitleaks' default rules are not shipped; keyhound's built-in rules take their place");
      for (auto& n : known_rule_names({}, true).family_of) tr.builtin_ids.insert(n.first);
    }
    std::string path = get_string(*ext, "path", origin);
    if (!path.empty()) {
      std::filesystem::path p = path;
      if (p.is_relative()) p = std::filesystem::path(origin).parent_path() / p;
      Config base = load_config_file(p.string());
      for (auto& r : base.rules) tr.c.rules.push_back(r);
      for (auto& a : base.allowlists) tr.c.allowlists.push_back(a);
      for (auto& n : base.translation_notes) tr.c.translation_notes.push_back(n);
      for (auto& [id, re] : base.rule_paths) tr.c.rule_paths[id] = re;
      tr.c.gitleaks_rules += base.gitleaks_rules;
      tr.c.gitleaks_rules_exact += base.gitleaks_rules_exact;
      tr.c.gitleaks_allowlists += base.gitleaks_allowlists;
      tr.c.gitleaks_allowlists_exact += base.gitleaks_allowlists_exact;
      tr.c.builtin_rules = tr.c.builtin_rules || base.builtin_rules;
    }
    for (auto& id : get_strings(*ext, "disabledRules", origin)) {
      auto it = std::remove_if(tr.c.rules.begin(), tr.c.rules.end(), [&](const Rule& r) { return r.id == id; });
      if (it != tr.c.rules.end()) tr.c.rules.erase(it, tr.c.rules.end());
      else if (tr.builtin_ids.count(id)) tr.c.disable.push_back(id);
      else tr.note("[extend] disabledRules '" + id + "'", "no such rule here (gitleaks' default rules are not shipped)");
    }
  }
  if (const toml::node* rn = root.get("rules")) {
    const toml::array* a = rn->as_array();
    if (!a) fail(origin, rn, "'rules' must be an array of tables ([[rules]])");
    for (const toml::node& n : *a) {
      if (!n.as_table()) fail(origin, &n, "each [[rules]] must be a table");
      tr.rule(*n.as_table());
    }
  }
  for (const toml::table* al : tables(root, "allowlist", origin)) tr.allowlist(*al, "", "global allowlist");
  for (const toml::table* al : tables(root, "allowlists", origin)) tr.allowlist(*al, "", "global allowlist");
  return tr.c;
}

}  // namespace keyhound
