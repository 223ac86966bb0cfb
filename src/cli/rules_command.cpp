// `keyhound rules list|check`: inspect and validate rule files.
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "pipeline/engine_setup.h"
#include "cli/output_options.h"
#include "engine/rule_examples.h"
#include "rules/rule_loader.h"

namespace keyhound {

namespace {

struct RulesArgs {
  std::vector<std::string> rule_paths;
  std::string format = "text";
  std::vector<std::string> check_paths;
};

int run_list(const RulesArgs& a) {
  RuleSet rs;
  try {
    rs = load_rules(a.rule_paths);
  } catch (const std::exception& e) {
    print_error(e.what());
    return 2;
  }
  if (a.format == "json") {
    nlohmann::json arr = nlohmann::json::array();
    for (auto& r : rs.rules)
      arr.push_back({{"id", r.id}, {"name", r.name}, {"provider", r.provider}, {"description", r.description},
                     {"reference", r.reference}, {"severity", severity_name(r.severity)}, {"enabled", r.enabled},
                     {"family", r.family}, {"keywords", r.keywords}, {"file", r.source_file}});
    std::cout << arr.dump(2) << "\n";
  } else if (a.format == "markdown") {
    // One row per provider (the README's table is generated from this).
    std::map<std::string, std::vector<const Rule*>> by_provider;
    for (auto& r : rs.rules) by_provider[r.provider].push_back(&r);
    std::cout << "| Provider | Rules |\n|---|---|\n";
    for (auto& [prov, rules] : by_provider) {
      std::cout << "| " << prov << " | ";
      for (size_t i = 0; i < rules.size(); ++i)
        std::cout << (i ? ", " : "") << "`" << rules[i]->id << "`" << (rules[i]->enabled ? "" : " (opt-in)");
      std::cout << " |\n";
    }
    std::cout << "\n" << rs.rules.size() << " rules, " << by_provider.size() << " providers.\n";
  } else {
    for (auto& r : rs.rules)
      std::cout << r.id << "\t" << r.provider << "\t" << severity_name(r.severity) << (r.enabled ? "" : "\topt-in")
                << "\t" << r.name << "\n";
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
  list->add_option("--format", a->format, "text, json or markdown")->check(CLI::IsMember({"text", "json", "markdown"}));
  list->callback([a, rc] { *rc = run_list(*a); });
  CLI::App* check = rules->add_subcommand("check", "Validate rule files and run their examples");
  check->add_option("paths", a->check_paths, "Rule files or folders (default: the built-in rules)");
  check->callback([a, rc] { *rc = run_check(*a); });
}

}  // namespace keyhound
