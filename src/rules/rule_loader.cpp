#include "rules/rule_loader.h"

#include "checks/password.h"

#include <re2/re2.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <toml++/toml.h>

#include "base/text_file.h"
#include "findings/glob.h"
#include "rules/toml_text.h"

namespace fs = std::filesystem;

namespace keyhound {
namespace {

std::string where(const std::string& origin, const toml::node* n) {
  if (n && n->source().begin.line) return origin + ":" + std::to_string(n->source().begin.line);
  return origin;
}

[[noreturn]] void fail(const std::string& origin, const toml::node* n, const std::string& id,
                       const std::string& msg) {
  std::string s = where(origin, n) + ": ";
  if (!id.empty()) s += "rule '" + id + "': ";
  throw RuleError(s + msg);
}

std::vector<std::string> string_list(const toml::table& t, const char* key, const std::string& origin,
                                     const std::string& id) {
  std::vector<std::string> out;
  const toml::node* n = t.get(key);
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a) fail(origin, n, id, std::string("'") + key + "' must be an array of strings");
  for (const toml::node& e : *a) {
    auto v = e.value<std::string>();
    if (!v) fail(origin, &e, id, std::string("'") + key + "' must hold only strings");
    out.push_back(*v);
  }
  return out;
}

std::string get_string(const toml::table& t, const char* key, const std::string& origin,
                       const std::string& id, bool required) {
  const toml::node* n = t.get(key);
  if (!n) {
    if (required) fail(origin, &t, id, std::string("missing required field '") + key + "'");
    return {};
  }
  auto v = n->value<std::string>();
  if (!v) fail(origin, n, id, std::string("'") + key + "' must be a string");
  return *v;
}

template <typename T>
T get_number(const toml::table& t, const char* key, T dflt, const std::string& origin,
             const std::string& id) {
  const toml::node* n = t.get(key);
  if (!n) return dflt;
  auto v = n->value<T>();
  if (!v) fail(origin, n, id, std::string("'") + key + "' must be a number");
  return *v;
}

const std::set<std::string>& known_keys() {
  static const std::set<std::string> k = {
      "id", "name", "description", "reference", "keywords", "regex", "secret_group",
      "min_entropy", "window", "checksum", "severity", "family", "enabled", "context_line",
      "context_nearby", "context_lines", "attach_to", "attach_role", "attach_lines", "examples",
      "negative_examples", "provider", "tags", "reject_shapes", "evidence_files", "doc_examples", "decode",
      "enrich", "verify", "remediation", "check"};
  return k;
}

}  // namespace

std::vector<Rule> parse_rule_file(const std::string& text, const std::string& origin, bool lazy_regex) {
  toml::table root = parse_toml_text<RuleError>(text, origin);
  std::string provider = get_string(root, "provider", origin, "", false);
  std::vector<Rule> out;
  const toml::node* rn = root.get("rule");
  if (!rn) rn = root.get("rules");
  if (!rn) throw RuleError(origin + ": no [[rule]] entries");
  const toml::array* arr = rn->as_array();
  if (!arr) fail(origin, rn, "", "'rule' must be an array of tables ([[rule]])");
  for (const toml::node& node : *arr) {
    const toml::table* t = node.as_table();
    if (!t) fail(origin, &node, "", "each [[rule]] must be a table");
    Rule r;
    r.source_file = origin;
    r.id = get_string(*t, "id", origin, "", true);
    for (auto& [k, v] : *t)
      if (!known_keys().count(std::string(k.str())))
        fail(origin, &v, r.id, "unknown field '" + std::string(k.str()) + "'");
    r.provider = get_string(*t, "provider", origin, r.id, false);
    if (r.provider.empty()) r.provider = provider;
    r.name = get_string(*t, "name", origin, r.id, true);
    r.description = get_string(*t, "description", origin, r.id, false);
    r.reference = get_string(*t, "reference", origin, r.id, false);
    r.regex = get_string(*t, "regex", origin, r.id, true);
    r.keywords = string_list(*t, "keywords", origin, r.id);
    r.secret_group = static_cast<int>(get_number<int64_t>(*t, "secret_group", -1, origin, r.id));
    r.min_entropy = get_number<double>(*t, "min_entropy", 0.0, origin, r.id);
    r.window = static_cast<int>(get_number<int64_t>(*t, "window", 256, origin, r.id));
    r.checksum = get_string(*t, "checksum", origin, r.id, false);
    r.value_check = get_string(*t, "check", origin, r.id, false);
    if (!r.value_check.empty()) {
      const auto& known = value_check_names();
      if (std::find(known.begin(), known.end(), r.value_check) == known.end()) {
        std::string list;
        for (auto& k : known) list += (list.empty() ? "" : ", ") + k;
        fail(origin, t->get("check"), r.id, "unknown check '" + r.value_check + "' (known: " + list + ")");
      }
    }
    std::string sev = get_string(*t, "severity", origin, r.id, false);
    if (!sev.empty() && !parse_severity(sev, &r.severity))
      fail(origin, t->get("severity"), r.id, "unknown severity '" + sev + "'");
    r.family = get_string(*t, "family", origin, r.id, false);
    if (const toml::node* en = t->get("enabled")) {
      auto b = en->value<bool>();
      if (!b) fail(origin, en, r.id, "'enabled' must be true or false");
      r.enabled = *b;
    }
    r.context_line = get_string(*t, "context_line", origin, r.id, false);
    r.context_nearby = get_string(*t, "context_nearby", origin, r.id, false);
    r.context_lines = static_cast<int>(get_number<int64_t>(*t, "context_lines", 5, origin, r.id));
    r.reject_shapes = string_list(*t, "reject_shapes", origin, r.id);
    r.evidence_files = string_list(*t, "evidence_files", origin, r.id);
    r.doc_examples = string_list(*t, "doc_examples", origin, r.id);
    r.decode = string_list(*t, "decode", origin, r.id);
    auto fact = [&](const char* key, auto parse, auto* out, const std::vector<std::string>& known) {
      std::string v = get_string(*t, key, origin, r.id, false);
      if (v.empty() || parse(v, out)) return;
      std::string list;
      for (auto& k : known) list += (list.empty() ? "" : ", ") + k;
      fail(origin, t->get(key), r.id, std::string("unknown ") + key + " '" + v + "' (known: " + list + ")");
    };
    fact("enrich", parse_enricher, &r.facts.enrich, enricher_names());
    fact("verify", parse_verify_with, &r.facts.verify, verify_with_names());
    fact("remediation", parse_remediation_kind, &r.facts.remediation, remediation_kind_names());
    r.attach_to = get_string(*t, "attach_to", origin, r.id, false);
    r.attach_role = get_string(*t, "attach_role", origin, r.id, false);
    r.attach_lines = static_cast<int>(get_number<int64_t>(*t, "attach_lines", 5, origin, r.id));
    r.examples = string_list(*t, "examples", origin, r.id);
    r.negative_examples = string_list(*t, "negative_examples", origin, r.id);
    try {
      if (lazy_regex) check_rule_fields(r);
      else compile_rule(r);
    } catch (const RuleError& e) {
      fail(origin, &node, r.id, e.what());
    }
    out.push_back(std::move(r));
  }
  return out;
}

void check_rule_fields(Rule& r) {
  auto bad = [&](const std::string& m) { throw RuleError(m); };
  if (r.id.empty()) bad("empty id");
  for (char c : r.id)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
          c == '-' || c == '_'))
      bad("id must be lowercase letters, digits, '-' or '_'");
  if (r.keywords.empty()) bad("needs at least one keyword (a literal anchor for Hyperscan)");
  for (auto& k : r.keywords) {
    if (k == kWholeItemKeyword) {
      // Every small item pays for such a rule: keep the window (the item size) small.
      if (r.window > 1024) bad("keyword '\\A' (the whole item) needs a window of at most 1024 bytes");
      continue;
    }
    std::string lit = k.rfind("\\b", 0) == 0 ? k.substr(2) : k;
    // Short keywords fire everywhere; two characters pass only with a punctuation character
    // in them ("Q~"), which is rare in text.
    bool punct = std::any_of(lit.begin(), lit.end(), [](char c) { return std::ispunct(static_cast<unsigned char>(c)); });
    if (lit.size() < 2 || (lit.size() < 3 && !punct))
      bad("keyword '" + k + "' is shorter than 3 characters (2 only with a punctuation character)");
  }
  if (r.window < 0 || r.window > 65536) bad("window must be between 0 and 65536");
  if (r.context_lines < 0 || r.context_lines > 50) bad("context_lines must be between 0 and 50");
  if (r.attach_lines < 0 || r.attach_lines > 50) bad("attach_lines must be between 0 and 50");
  if (r.min_entropy < 0 || r.min_entropy > 8) bad("min_entropy must be between 0 and 8");
  if (!r.attach_to.empty() && r.attach_role.empty()) r.attach_role = r.id;
  // The shapes src/checks/shape.h knows (named here: rules load before any check exists).
  static const std::set<std::string> shapes = {"identifier", "path", "letters-only"};
  for (auto& s : r.reject_shapes)
    if (!shapes.count(s)) bad("unknown shape '" + s + "' in reject_shapes (identifier, path, letters-only)");
  for (auto& d : r.decode)
    if (d != "hex") bad("unknown decoder '" + d + "' in decode (hex)");
  for (auto& g : r.evidence_files) {
    try {
      PathGlob check(g);
    } catch (const std::invalid_argument& e) {
      bad("evidence_files: " + std::string(e.what()));
    }
  }
}

void compile_rule_regexes(Rule& r) {
  auto bad = [&](const std::string& m) { throw RuleError(r.source_file + ": rule '" + r.id + "': " + m); };
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(64 << 20);
  r.re = std::make_shared<RE2>(r.regex, o);
  if (!r.re->ok()) bad("regex does not compile: " + r.re->error());
  int groups = r.re->NumberOfCapturingGroups();
  if (r.secret_group == -1) r.secret_group = groups > 0 ? 1 : 0;  // -2 (kFirstNonEmptyGroup) stays
  if (r.secret_group > groups)
    bad("secret_group " + std::to_string(r.secret_group) + " but the regex has " +
        std::to_string(groups) + " groups");
  if (!r.context_line.empty()) {
    r.context_line_re = std::make_shared<RE2>(r.context_line, o);
    if (!r.context_line_re->ok()) bad("context_line does not compile: " + r.context_line_re->error());
  }
  if (!r.context_nearby.empty()) {
    r.context_nearby_re = std::make_shared<RE2>(r.context_nearby, o);
    if (!r.context_nearby_re->ok())
      bad("context_nearby does not compile: " + r.context_nearby_re->error());
  }
}

void compile_rule(Rule& r) {
  check_rule_fields(r);
  try {
    compile_rule_regexes(r);
  } catch (const RuleError& e) {
    // parse_rule_file adds the file and rule id itself: keep compile_rule's message bare.
    std::string m = e.what();
    std::string prefix = r.source_file + ": rule '" + r.id + "': ";
    throw RuleError(m.rfind(prefix, 0) == 0 ? m.substr(prefix.size()) : m);
  }
}

std::vector<Rule> load_rule_path(const std::string& path) {
  std::error_code ec;
  std::vector<std::string> files;
  if (fs::is_directory(path, ec)) {
    for (auto& e : fs::directory_iterator(path, ec))
      if (e.path().extension() == ".toml") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    if (files.empty()) throw RuleError(path + ": no *.toml rule files in this directory");
  } else {
    files.push_back(path);
  }
  std::vector<Rule> out;
  for (auto& f : files) {
    std::string text;
    try {
      text = read_text_file(f, "rule file");
    } catch (const TextFileError& e) {
      throw RuleError(e.what());
    }
    auto rules = parse_rule_file(text, f);
    for (auto& r : rules) out.push_back(std::move(r));
  }
  return out;
}

RuleSet make_rule_set(std::vector<Rule> rules) {
  // Sorted through an index, then each rule moved about once, in place (a second vector would
  // be 190 KB of fresh pages): sorting the rules themselves moved 700-byte structs around (a
  // tenth of a small scan's start-up).
  std::vector<uint32_t> order(rules.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return rules[a].id < rules[b].id; });
  for (uint32_t start = 0; start < order.size(); ++start) {  // position i takes rules[order[i]]
    if (order[start] == start) continue;
    Rule held = std::move(rules[start]);
    uint32_t at = start;
    while (order[at] != start) {
      uint32_t from = order[at];
      rules[at] = std::move(rules[from]);
      order[at] = at;
      at = from;
    }
    rules[at] = std::move(held);
    order[at] = at;
  }
  for (size_t i = 1; i < rules.size(); ++i)
    if (rules[i].id == rules[i - 1].id)
      throw RuleError(rules[i].source_file + ": rule '" + rules[i].id + "': duplicate id (also in " +
                      rules[i - 1].source_file + ")");
  RuleSet set;
  set.rules = std::move(rules);
  for (auto& r : set.rules)
    if (!r.attach_to.empty() && set.find(r.attach_to) < 0)
      throw RuleError(r.source_file + ": rule '" + r.id + "': attach_to names unknown rule '" +
                      r.attach_to + "'");
  return set;
}

}  // namespace keyhound
