// `keyhound config check [FILE]`: validates a .keyhound.toml (TOML, custom rules, regexes, rule
// ids named by disable and allowlist scopes) without scanning anything.
#include <iostream>

#include "cli/commands.h"
#include "cli/output_options.h"
#include "config/config_loader.h"
#include "rules/rule_loader.h"

namespace keyhound {

namespace {
struct ConfigArgs {
  std::string file = ".keyhound.toml";
  std::vector<std::string> rule_paths;
  bool no_builtin_rules = false;
};

int run_config_check(const ConfigArgs& a) {
  try {
    Config c = load_config_file(a.file);
    RuleNames names = known_rule_names(a.rule_paths, !a.no_builtin_rules, &c);
    check_rule_references(c, names.names);
    // The custom rules must also fit with the others (no duplicate ids, attach_to targets).
    bool builtin = !a.no_builtin_rules && c.builtin_rules;
    std::vector<Rule> all = builtin ? load_builtin_rules() : std::vector<Rule>{};
    for (auto& p : a.rule_paths)
      for (auto& r : load_rule_path(p)) all.push_back(std::move(r));
    for (auto& r : c.rules) all.push_back(r);
    make_rule_set(std::move(all));
    if (c.from_gitleaks) {
      // What differs from gitleaks, one line each, then the rate: a user switching from gitleaks
      // sees exactly which rules behave differently.
      for (auto& n : c.translation_notes) std::cout << a.file << ": " << n << "\n";
      std::cout << a.file << ": gitleaks config: " << c.gitleaks_rules_exact << " of " << c.gitleaks_rules
                << " rule(s) and " << c.gitleaks_allowlists_exact << " of " << c.gitleaks_allowlists
                << " allowlist(s) translated exactly; " << c.rules.size() << " rule(s) run"
                << (c.builtin_rules ? " with keyhound's built-in rules" : " (no built-in rules)") << "\n";
      return 0;
    }
    std::cout << a.file << ": ok: " << c.rules.size() << " custom rule(s), " << c.disable.size()
              << " disabled, " << c.allowlists.size() << " allowlist(s)\n";
    return 0;
  } catch (const std::exception& e) {
    print_error(e.what());
    return 2;
  }
}
}  // namespace

void add_config_command(CLI::App& app, int* rc) {
  auto a = std::make_shared<ConfigArgs>();
  CLI::App* cfg = app.add_subcommand("config", "Work with .keyhound.toml config files");
  cfg->require_subcommand(1);
  CLI::App* check = cfg->add_subcommand("check", "Validate a config file (default: ./.keyhound.toml)");
  check->add_option("file", a->file, "Config file");
  check->add_option("--rules", a->rule_paths, "Extra rule files or folders the config may refer to");
  check->add_flag("--no-builtin-rules", a->no_builtin_rules, "Check against the --rules rules only");
  check->callback([a, rc] { *rc = run_config_check(*a); });
}

}  // namespace keyhound
