#include "pipeline/engine_setup.h"

#include "rules/rule_loader.h"

namespace keyhound {

RuleSet load_rules(const std::vector<std::string>& rule_paths, const std::vector<Rule>& extra, bool builtin) {
  std::vector<Rule> rules;
  if (builtin) rules = load_builtin_rules();
  for (auto& p : rule_paths) {
    auto more = load_rule_path(p);
    for (auto& r : more) rules.push_back(std::move(r));
  }
  for (auto& r : extra) rules.push_back(r);
  return make_rule_set(std::move(rules));
}

std::unique_ptr<Engine> build_engine(const EngineChoices& c) {
  auto e = std::make_unique<Engine>();
  e->rules = load_rules(c.rule_paths, c.extra_rules, c.builtin);
  for (auto& name : c.enable) {
    bool any = false;
    for (auto& r : e->rules.rules)
      if (r.id == name || r.family == name || name == "all") {
        r.enabled = true;
        any = true;
      }
    if (!any) throw RuleError("--enable " + name + ": no rule or rule family with that name");
  }
  for (auto& name : c.disable) {
    bool any = false;
    for (auto& r : e->rules.rules)
      if (r.id == name || r.family == name) {
        r.enabled = false;
        any = true;
      }
    if (!any) throw RuleError("--disable " + name + ": no rule or rule family with that name");
  }
  e->db = std::make_unique<Database>(e->rules, c.use_cache ? default_cache_dir() : "");
  e->scanner = std::make_unique<Scanner>(e->rules, *e->db);
  return e;
}

}  // namespace keyhound
