#include "pipeline/run.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include "base/escape.h"
#include "findings/baseline.h"
#include "findings/suppress.h"
#include "report/output_file.h"
#include "verify/remediation.h"
#include "verify/verifier.h"

namespace keyhound {

void print_error(const std::string& msg) { std::cerr << "keyhound: error: " << escape_for_terminal(msg) << "\n"; }
void print_warning(const std::string& msg) { std::cerr << "keyhound: warning: " << escape_for_terminal(msg) << "\n"; }

namespace {

using Clock = std::chrono::steady_clock;

// Times each stage for --debug: "stage scan: 12.3 ms".
class StageClock {
 public:
  explicit StageClock(const DebugLog& debug) : debug_(debug), start_(Clock::now()) {}
  void done(const char* stage) {
    auto now = Clock::now();
    char buf[96];
    std::snprintf(buf, sizeof buf, "stage %s: %.1f ms", stage,
                  std::chrono::duration<double, std::milli>(now - start_).count());
    debug_(buf);
    start_ = now;
  }

 private:
  const DebugLog& debug_;
  Clock::time_point start_;
};

}  // namespace

void finish_findings(std::vector<Finding>& findings, ScanSummary& summary, bool include_examples,
                     const std::function<void(Finding&)>& post_process) {
  std::vector<Finding> kept;
  kept.reserve(findings.size());
  for (auto& f : findings) {
    if (f.example && !include_examples) {
      summary.examples_hidden++;
      continue;
    }
    apply_inline_allow(f);
    if (post_process) post_process(f);
    if (f.suppressed) summary.suppressed++;
    else summary.findings++;
    kept.push_back(std::move(f));
  }
  findings.swap(kept);
}

int run_pipeline(const CommonOptions& o, const Source& source) {
  auto t0 = Clock::now();
  DebugLog debug = [&o](const std::string& line) {
    if (o.debug) std::cerr << "keyhound: debug: " << escape_for_terminal(line) << "\n";
  };
  StageClock clock(debug);
  Suppression sup;
  std::unique_ptr<Engine> eng;
  try {
    sup = load_suppression(suppression_inputs(o, source.root));
    EngineChoices ch = engine_choices(o);
    apply_suppression(ch, sup);
    eng = build_engine(ch);
  } catch (const std::exception& e) {
    print_error(e.what());
    return 2;
  }
  clock.done("setup");
  Tally tally;
  try {
    source.scan(ScanContext{*eng->scanner, sup, o, debug}, tally);
  } catch (const std::exception& e) {
    print_error(e.what());
    return 2;
  }
  clock.done("scan");
  ScanResult& res = tally.result;
  res.tool_version = KEYHOUND_VERSION;
  // Files larger than the stream threshold went through the chunked path; say how many.
  if (tally.streamed) res.summary.notes["streamed_files"] = std::to_string(tally.streamed);
  finish_findings(res.findings, res.summary, o.include_examples, sup.post_process);
  for (auto& p : tally.problems) {
    if (p.level == ProblemLevel::Error) print_error(p.line);
    else if (!o.quiet) print_warning(p.line);
  }
  res.summary.elapsed_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  clock.done("finish");
  if (!write_baseline_out(res, o)) return 2;
  clock.done("baseline");
  verify_and_remediate(res, o);
  clock.done("verify");
  int rc = emit_report(res, eng->rules, o, source.command, res.summary.errors > 0);
  clock.done("report");
  return rc;
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
