// Options shared by `scan` and `git`: what to load, how to report, where to write.
#pragma once
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/engine_setup.h"
#include "findings/scan_result.h"
#include "pipeline/suppression_setup.h"
#include "report/reporter.h"

namespace keyhound {

struct CommonOptions {
  std::string format = "text";
  std::string output;
  std::vector<std::string> rule_paths;
  std::vector<std::string> enable, disable;
  unsigned threads = 0;
  bool no_redact = false;
  bool quiet = false;
  bool include_examples = false;
  bool show_suppressed = false;
  bool no_cache = false;
  bool no_builtin_rules = false;
  std::string color = "auto";
  // Suppression (docs/suppression.md).
  std::string config;          // --config FILE
  bool no_config = false;      // --no-config
  std::string baseline;        // --baseline FILE
  std::string baseline_out;    // --baseline-out FILE
  // Verification (docs/verification.md): opt-in, never by default.
  bool verify = false;         // --verify
  bool only_verified = false;  // --only-verified
  int verify_max_in_flight = 4;
  int verify_timeout_ms = 5000;
  int verify_max_requests = 200;
  std::string verify_endpoint_sts;         // for testing only
  std::string verify_endpoint_cloudflare;  // for testing only
};

void add_common_options(CLI::App* cmd, CommonOptions& o);
EngineChoices engine_choices(const CommonOptions& o);
// The suppression inputs for a scan rooted at `root` (scan: the directory scanned; git: the
// repository work tree).
SuppressionInputs suppression_inputs(const CommonOptions& o, const std::string& root);
// Custom rules and disabled rules from the config into the engine choices.
void apply_suppression(EngineChoices& c, const Suppression& s);
// Writes --baseline-out if asked (mode 0600). Returns false after printing an error.
bool write_baseline_out(const ScanResult& r, const CommonOptions& o);
// After the findings are final: verifies them if --verify, adds remediation advice to every
// finding (offline, always), sorts verified-valid findings first (--verify), and keeps only
// those with --only-verified (summary counts adjusted).
void verify_and_remediate(ScanResult& r, const CommonOptions& o);
// Writes the report; returns the exit status (0 clean, 1 findings, 2 error).
int emit_report(const ScanResult& r, const RuleSet& rules, const CommonOptions& o, const std::string& command,
                bool had_errors);
// Prints "keyhound: error: <msg>" to stderr.
void print_error(const std::string& msg);
void print_warning(const std::string& msg);

}  // namespace keyhound
