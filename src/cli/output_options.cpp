#include "cli/output_options.h"

#include <unistd.h>

#include <iostream>
#include <sstream>

#include "findings/baseline.h"
#include "report/escape.h"
#include "report/output_file.h"

namespace keyhound {

void print_error(const std::string& msg) { std::cerr << "keyhound: error: " << escape_for_terminal(msg) << "\n"; }
void print_warning(const std::string& msg) { std::cerr << "keyhound: warning: " << escape_for_terminal(msg) << "\n"; }

void add_common_options(CLI::App* cmd, CommonOptions& o) {
  cmd->add_option("--format", o.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "jsonl", "sarif"}));
  cmd->add_option("-o,--output", o.output, "Write the report to FILE (mode 0600) instead of stdout");
  cmd->add_option("--rules", o.rule_paths, "Extra rule file or folder on top of the built-in rules (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--enable", o.enable, "Enable an opt-in rule or rule family, e.g. generic (repeatable)")
      ->allow_extra_args(false);  // one value each, so `--enable X PATH` leaves PATH alone
  cmd->add_option("--disable", o.disable, "Disable a rule by id or family (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--threads", o.threads, "Worker threads (default: all cores)")->check(CLI::Range(0u, 1024u));
  cmd->add_flag("--no-redact", o.no_redact, "Print secrets in full (default: redacted)");
  cmd->add_flag("-q,--quiet", o.quiet, "No summary, no warnings");
  cmd->add_flag("--include-examples", o.include_examples,
                "Report providers' documentation example keys too, marked example");
  cmd->add_flag("--show-suppressed", o.show_suppressed, "List suppressed findings too");
  cmd->add_flag("--no-builtin-rules", o.no_builtin_rules, "Use only the rules given with --rules (and the config)");
  cmd->add_flag("--no-cache", o.no_cache, "Do not read or write the compiled rule database cache");
  auto* cfg = cmd->add_option("--config", o.config,
                              "Config file (default: .keyhound.toml in the scanned directory / repository)");
  cmd->add_flag("--no-config", o.no_config, "Ignore .keyhound.toml and .keyhoundignore")->excludes(cfg);
  cmd->add_option("--baseline", o.baseline,
                  "Baseline file: findings in it are marked unchanged and suppressed; only new ones are reported");
  cmd->add_option("--baseline-out", o.baseline_out,
                  "Write the current findings' fingerprints to FILE (JSON, mode 0600) as a baseline");
  cmd->add_option("--color", o.color, "Color in text output")->check(CLI::IsMember({"auto", "always", "never"}));
}

EngineChoices engine_choices(const CommonOptions& o) {
  EngineChoices c;
  c.rule_paths = o.rule_paths;
  c.enable = o.enable;
  c.disable = o.disable;
  c.use_cache = !o.no_cache;
  c.builtin = !o.no_builtin_rules;
  return c;
}

SuppressionInputs suppression_inputs(const CommonOptions& o, const std::string& root) {
  SuppressionInputs in;
  in.root = root;
  in.config_path = o.config;
  in.no_config = o.no_config;
  in.baseline_path = o.baseline;
  in.rule_paths = o.rule_paths;
  in.builtin_rules = !o.no_builtin_rules;
  return in;
}

void apply_suppression(EngineChoices& c, const Suppression& s) {
  for (auto& r : s.extra_rules) c.extra_rules.push_back(r);
  for (auto& d : s.disabled_rules) c.disable.push_back(d);
}

bool write_baseline_out(const ScanResult& r, const CommonOptions& o) {
  if (o.baseline_out.empty()) return true;
  std::string err;
  if (!write_output(o.baseline_out, baseline_json(baseline_findings(r.findings)), err)) {
    print_error(err);
    return false;
  }
  return true;
}

int emit_report(const ScanResult& r, const RuleSet& rules, const CommonOptions& o, const std::string& command,
                bool had_errors) {
  Format fmt;
  parse_format(o.format, &fmt);
  ReportOptions ro;
  ro.redact = !o.no_redact;
  ro.quiet = o.quiet;
  ro.show_suppressed = o.show_suppressed;
  ro.command = command;
  bool to_stdout = o.output.empty() || o.output == "-";
  ro.color = o.color == "always" || (o.color == "auto" && to_stdout && ::isatty(1) && fmt == Format::Text);
  std::ostringstream os;
  write_report(fmt, r, rules, ro, os);
  std::string err;
  if (!write_output(o.output, os.str(), err)) {
    print_error(err);
    return 2;
  }
  if (had_errors) return 2;
  return r.summary.findings > 0 ? 1 : 0;
}

}  // namespace keyhound
