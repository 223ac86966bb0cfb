#include "cli/output_options.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <sstream>

#include "findings/baseline.h"
#include "base/escape.h"
#include "report/output_file.h"
#include "verify/remediation.h"
#include "verify/verifier.h"

namespace keyhound {

void print_error(const std::string& msg) { std::cerr << "keyhound: error: " << escape_for_terminal(msg) << "\n"; }
void print_warning(const std::string& msg) { std::cerr << "keyhound: warning: " << escape_for_terminal(msg) << "\n"; }

void add_common_options(CLI::App* cmd, CommonOptions& o) {
  cmd->add_option("--format", o.format, "Output format")
      ->check(CLI::IsMember(format_names()));
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
                              "Config file: a .keyhound.toml or a gitleaks config (default: .keyhound.toml in the "
                              "scanned directory / repository)");
  cmd->add_flag("--no-config", o.no_config, "Ignore .keyhound.toml and .keyhoundignore")->excludes(cfg);
  cmd->add_option("--baseline", o.baseline,
                  "Baseline file: findings in it are marked unchanged and suppressed; only new ones are reported");
  cmd->add_option("--baseline-out", o.baseline_out,
                  "Write the current findings' fingerprints to FILE (JSON, mode 0600) as a baseline");
  cmd->add_option("--color", o.color, "Color in text output")->check(CLI::IsMember({"auto", "always", "never"}));
  const char* vg = "Verification (opt-in; docs/verification.md)";
  cmd->add_flag("--verify", o.verify,
                "Check whether AWS key pairs and Cloudflare tokens are live (STS GetCallerIdentity, "
                "Cloudflare token verify; sends the secret to the provider's official endpoint over TLS)")
      ->group(vg);
  cmd->add_flag("--only-verified", o.only_verified, "Report only findings verified valid (implies --verify)")
      ->group(vg);
  cmd->add_option("--verify-max-in-flight", o.verify_max_in_flight, "Concurrent verification requests (default 4)")
      ->check(CLI::Range(1, 64))->group(vg);
  cmd->add_option("--verify-timeout-ms", o.verify_timeout_ms, "Per-request timeout in ms (default 5000)")
      ->check(CLI::Range(1, 600000))->group(vg);
  cmd->add_option("--verify-max-requests", o.verify_max_requests,
                  "Cap on verification requests per run, retries included (default 200)")
      ->check(CLI::Range(0, 1000000))->group(vg);
  cmd->add_option("--verify-endpoint-sts", o.verify_endpoint_sts,
                  "For testing only: STS endpoint URL (plain http only on loopback)")->group(vg);
  cmd->add_option("--verify-endpoint-cloudflare", o.verify_endpoint_cloudflare,
                  "For testing only: Cloudflare token verify URL (plain http only on loopback)")->group(vg);
}

void verify_and_remediate(ScanResult& r, const CommonOptions& o) {
  bool verify = o.verify || o.only_verified;
  if (verify) {
    VerifyOptions vo;
    vo.enabled = true;
    vo.max_in_flight = o.verify_max_in_flight;
    vo.timeout_ms = o.verify_timeout_ms;
    vo.max_requests = o.verify_max_requests;
    if (!o.verify_endpoint_sts.empty()) vo.sts_endpoint = o.verify_endpoint_sts;
    if (!o.verify_endpoint_cloudflare.empty()) vo.cloudflare_endpoint = o.verify_endpoint_cloudflare;
    verify_findings(r.findings, vo);
  }
  for (auto& f : r.findings) add_remediation(f);
  if (!verify) return;
  std::stable_sort(r.findings.begin(), r.findings.end(),
                   [](const Finding& a, const Finding& b) { return (a.verified == "valid") > (b.verified == "valid"); });
  if (!o.only_verified) return;
  std::vector<Finding> kept;
  r.summary.findings = 0;
  r.summary.suppressed = 0;
  for (auto& f : r.findings) {
    if (f.verified != "valid") continue;
    (f.suppressed ? r.summary.suppressed : r.summary.findings)++;
    kept.push_back(std::move(f));
  }
  r.findings.swap(kept);
  r.summary.notes["only_verified"] = "true";
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
  if (!s.builtin_rules) c.builtin = false;
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
