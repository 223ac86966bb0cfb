#include "cli/output_options.h"

#include <unistd.h>

#include <iostream>
#include <sstream>

#include "report/escape.h"
#include "report/output_file.h"

namespace keyhound {

void print_error(const std::string& msg) { std::cerr << "keyhound: error: " << escape_for_terminal(msg) << "\n"; }
void print_warning(const std::string& msg) { std::cerr << "keyhound: warning: " << escape_for_terminal(msg) << "\n"; }

void add_common_options(CLI::App* cmd, CommonOptions& o) {
  cmd->add_option("--format", o.format, "Output format")
      ->check(CLI::IsMember({"text", "json", "jsonl", "sarif"}));
  cmd->add_option("-o,--output", o.output, "Write the report to FILE (mode 0600) instead of stdout");
  cmd->add_option("--rules", o.rule_paths, "Extra rule file or folder on top of the built-in rules (repeatable)");
  cmd->add_option("--enable", o.enable, "Enable an opt-in rule or rule family, e.g. generic (repeatable)");
  cmd->add_option("--disable", o.disable, "Disable a rule by id or family (repeatable)");
  cmd->add_option("--threads", o.threads, "Worker threads (default: all cores)")->check(CLI::Range(0u, 1024u));
  cmd->add_flag("--no-redact", o.no_redact, "Print secrets in full (default: redacted)");
  cmd->add_flag("-q,--quiet", o.quiet, "No summary, no warnings");
  cmd->add_flag("--include-examples", o.include_examples,
                "Report providers' documentation example keys too, marked example");
  cmd->add_flag("--show-suppressed", o.show_suppressed, "List suppressed findings too");
  cmd->add_flag("--no-builtin-rules", o.no_builtin_rules, "Use only the rules given with --rules (and the config)");
  cmd->add_flag("--no-cache", o.no_cache, "Do not read or write the compiled rule database cache");
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
