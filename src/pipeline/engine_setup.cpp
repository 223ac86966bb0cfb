#include "pipeline/engine_setup.h"

#include <algorithm>
#include <cctype>
#include <iostream>

#include "rules/rule_loader.h"

namespace keyhound {

namespace {
std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// What --enable/--disable NAME selects: a rule ID, a family, or a provider, named as in
// `rules list` ("Google", any case) or by its rules file ("aws" for rules/aws.toml).
bool selects(const Rule& r, const std::string& name) {
  if (r.id == name || r.family == name) return true;
  std::string n = lower(name);
  if (!r.provider.empty() && lower(r.provider) == n) return true;
  std::string stem = r.source_file.substr(r.source_file.find_last_of('/') + 1);
  if (auto dot = stem.rfind(".toml"); dot != std::string::npos && dot + 5 == stem.size()) stem.resize(dot);
  return !stem.empty() && lower(stem) == n;
}
}  // namespace

RuleSet load_rules(const std::vector<std::string>& rule_paths, const std::vector<Rule>& extra, bool builtin) {
  std::vector<Rule> rules;
  if (builtin) rules = load_builtin_rules(false);  // scans and `rules list` run no examples
  for (auto& p : rule_paths) {
    auto more = load_rule_path(p);
    for (auto& r : more) rules.push_back(std::move(r));
  }
  for (auto& r : extra) rules.push_back(r);
  return make_rule_set(std::move(rules));
}

void apply_enable_disable(RuleSet& rules, const std::vector<std::string>& enable,
                          const std::vector<std::string>& disable) {
  for (auto& name : enable) {
    bool any = false;
    for (auto& r : rules.rules)
      if (name == "all" || selects(r, name)) {
        r.enabled = true;
        any = true;
      }
    if (!any) throw RuleError("--enable " + name + ": no rule, rule family or provider with that name");
  }
  for (auto& name : disable) {
    bool any = false;
    for (auto& r : rules.rules)
      if (selects(r, name)) {
        r.enabled = false;
        any = true;
      }
    if (!any) throw RuleError("--disable " + name + ": no rule, rule family or provider with that name");
  }
}

std::unique_ptr<Engine> build_engine(const EngineChoices& c) {
  auto e = std::make_unique<Engine>();
  e->rules = load_rules(c.rule_paths, c.extra_rules, c.builtin);
  apply_enable_disable(e->rules, c.enable, c.disable);
  std::string cache_dir, why_none;
  if (c.use_cache) cache_dir = default_cache_dir(&why_none);
  if (c.verbose && c.use_cache && cache_dir.empty())
    std::cerr << "keyhound: note: no rule database cache (" << why_none << ")\n";
  e->db = std::make_unique<Database>(e->rules, cache_dir);
  e->scanner = std::make_unique<Scanner>(e->rules, *e->db);
  return e;
}

}  // namespace keyhound
