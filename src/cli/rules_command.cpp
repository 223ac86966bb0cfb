// `keyhound rules list|check`: inspect and validate rule files.
#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "pipeline/engine_setup.h"
#include "cli/output_options.h"
#include "engine/rule_examples.h"
#include "pipeline/suppression_setup.h"
#include "rules/rule_loader.h"

namespace keyhound {

namespace {

struct RulesArgs {
  std::vector<std::string> rule_paths;
  std::string format = "text";
  std::vector<std::string> check_paths;
  std::string config;
  bool no_config = false;
  std::vector<std::string> enable, disable;
};

int run_list(const RulesArgs& a) {
  RuleSet rs;
  // Why each rule is on or off: "on", "opt-in" (off unless enabled), "disabled" (by the config
  // or --disable).
  std::vector<std::string> state;
  std::vector<bool> custom;
  try {
    // The rules in play here: those of .keyhound.toml (custom rules, `disable`) as a scan of
    // this directory would use them.
    SuppressionInputs in;
    in.root = ".";
    in.config_path = a.config;
    in.no_config = a.no_config;
    in.rule_paths = a.rule_paths;
    Suppression sup = load_suppression(in);
    rs = load_rules(a.rule_paths, sup.extra_rules);
    std::vector<bool> on_by_default;
    for (auto& r : rs.rules) on_by_default.push_back(r.enabled);
    std::vector<std::string> disable = sup.disabled_rules;
    disable.insert(disable.end(), a.disable.begin(), a.disable.end());
    apply_enable_disable(rs, a.enable, disable);
    for (size_t i = 0; i < rs.rules.size(); ++i) {
      state.push_back(rs.rules[i].enabled ? "on" : on_by_default[i] ? "disabled" : "opt-in");
      custom.push_back(std::any_of(sup.extra_rules.begin(), sup.extra_rules.end(),
                                   [&](const Rule& x) { return x.id == rs.rules[i].id; }));
    }
  } catch (const std::exception& e) {
    print_error(e.what());
    return 2;
  }
  if (a.format == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (size_t i = 0; i < rs.rules.size(); ++i) {
      const Rule& r = rs.rules[i];
      arr.push_back({{"id", r.id}, {"name", r.name}, {"provider", r.provider}, {"description", r.description},
                     {"reference", r.reference}, {"severity", severity_name(r.severity)}, {"enabled", r.enabled},
                     {"state", state[i]}, {"custom", bool(custom[i])}, {"family", r.family},
                     {"keywords", r.keywords}, {"file", r.source_file}});
    }
    std::cout << arr.dump(2) << "\n";
  } else if (a.format == "markdown") {
    // One row per provider (the README's table is generated from this).
    std::map<std::string, std::vector<const Rule*>> by_provider;
    for (auto& r : rs.rules) by_provider[r.provider].push_back(&r);
    std::cout << "| Provider | Rules |\n|---|---|\n";
    for (auto& [prov, rules] : by_provider) {
      std::cout << "| " << prov << " | ";
      for (size_t i = 0; i < rules.size(); ++i)
        std::cout << (i ? ", " : "") << "`" << rules[i]->id << "`" << (rules[i]->enabled ? "" : " (" + state[rules[i] - rs.rules.data()] + ")");
      std::cout << " |\n";
    }
    std::cout << "\n" << rs.rules.size() << " rules, " << by_provider.size() << " providers.\n";
  } else {
    // One layout for every row: columns padded to the widest entry.
    size_t wid = 2, wprov = 8;
    for (auto& r : rs.rules) {
      wid = std::max(wid, r.id.size());
      wprov = std::max(wprov, r.provider.size());
    }
    auto row = [&](const std::string& id, const std::string& prov, const std::string& sev, const std::string& st,
                   const std::string& name) {
      std::cout << id << std::string(wid + 2 - id.size(), ' ') << prov << std::string(wprov + 2 - prov.size(), ' ')
                << sev << std::string(10 - sev.size(), ' ') << st << std::string(10 - st.size(), ' ') << name << "\n";
    };
    row("ID", "PROVIDER", "SEVERITY", "STATE", "NAME");
    for (size_t i = 0; i < rs.rules.size(); ++i) {
      const Rule& r = rs.rules[i];
      row(r.id, r.provider, severity_name(r.severity), state[i], r.name + (custom[i] ? " (custom, config)" : ""));
    }
    std::cout << rs.rules.size() << " rules\n";
  }
  return 0;
}

int run_check(const RulesArgs& a) {
  try {
    std::vector<Rule> rules;
    std::vector<std::string> ids;
    if (a.check_paths.empty()) {
      rules = load_builtin_rules();
    } else {
      for (auto& p : a.check_paths) {
        auto more = load_rule_path(p);
        for (auto& r : more) rules.push_back(std::move(r));
      }
    }
    for (auto& r : rules) ids.push_back(r.id);
    // Rules under check may pair with built-in ones (attach_to): add the built-ins they lack.
    bool missing_target = false;
    for (auto& r : rules)
      if (!r.attach_to.empty() && std::find(ids.begin(), ids.end(), r.attach_to) == ids.end()) missing_target = true;
    if (!a.check_paths.empty() && missing_target) {
      for (auto& b : load_builtin_rules())
        if (std::find(ids.begin(), ids.end(), b.id) == ids.end()) rules.push_back(std::move(b));
    }
    RuleSet rs = make_rule_set(std::move(rules));
    auto failures = check_rule_examples(rs, ids);
    for (auto& f : failures) print_error(f);
    size_t examples = 0;
    for (auto& r : rs.rules)
      if (std::find(ids.begin(), ids.end(), r.id) != ids.end()) examples += r.examples.size() + r.negative_examples.size();
    std::cout << ids.size() << " rules checked, " << examples << " examples run, " << failures.size() << " failures\n";
    return failures.empty() ? 0 : 2;
  } catch (const std::exception& e) {
    print_error(e.what());
    return 2;
  }
}

}  // namespace

void add_rules_command(CLI::App& app, int* rc) {
  auto a = std::make_shared<RulesArgs>();
  CLI::App* rules = app.add_subcommand("rules", "List or validate rules");
  rules->require_subcommand(1);
  CLI::App* list = rules->add_subcommand("list", "List the rules in play");
  list->add_option("--rules", a->rule_paths, "Extra rule files or folders");
  auto* cfg = list->add_option("--config", a->config, "Config file (default: ./.keyhound.toml)");
  list->add_flag("--no-config", a->no_config, "Ignore .keyhound.toml")->excludes(cfg);
  list->add_option("--enable", a->enable, "Enable a rule, family or provider (repeatable)")->allow_extra_args(false);
  list->add_option("--disable", a->disable, "Disable a rule, family or provider (repeatable)")->allow_extra_args(false);
  list->add_option("--format", a->format, "text, json or markdown")
      ->check(CLI::IsMember({"text", "json", "markdown"}))
      ->capture_default_str();
  list->callback([a, rc] { *rc = run_list(*a); });
  CLI::App* check = rules->add_subcommand("check", "Validate rule files and run their examples");
  check->add_option("paths", a->check_paths, "Rule files or folders (default: the built-in rules)");
  check->callback([a, rc] { *rc = run_check(*a); });
}

}  // namespace keyhound
