#include "pipeline/run.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
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

FinishStep finish_one(Finding& f, bool include_examples, const std::function<void(Finding&)>& post_process) {
  // A candidate whose rule wanted its file as evidence, in another file: not a finding.
  if (!f.evidence_files.empty()) return FinishStep::NotAFinding;
  if (f.example && !include_examples) return FinishStep::HiddenExample;
  apply_inline_allow(f);
  if (post_process) post_process(f);
  return FinishStep::Kept;
}

void finish_findings(std::vector<Finding>& findings, ScanSummary& summary, bool include_examples,
                     const std::function<void(Finding&)>& post_process) {
  // Kept ones move down in place: no second vector of (large) findings.
  size_t kept = 0;
  for (size_t i = 0; i < findings.size(); ++i) {
    Finding& f = findings[i];
    FinishStep step = finish_one(f, include_examples, post_process);
    if (step == FinishStep::HiddenExample) summary.examples_hidden++;
    if (step != FinishStep::Kept) continue;
    if (f.suppressed) summary.suppressed++;
    else summary.findings++;
    if (kept != i) findings[kept] = std::move(f);
    kept++;
  }
  findings.erase(findings.begin() + static_cast<std::ptrdiff_t>(kept), findings.end());
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
  // --format jsonl: each finding is finished and written once its item, and every item before
  // it, is done; the end of the run then writes nothing more.
  OutputFile live;
  std::unique_ptr<ItemStream> stream;
  std::string live_error;
  if (streams_findings(o)) {
    if (!live.open(o.output, live_error)) {
      print_error(live_error);
      return 2;
    }
    const RuleSet& rules = eng->rules;
    stream = std::make_unique<ItemStream>(
        [&](Finding& f) {
          if (finish_one(f, o.include_examples, sup.post_process) != FinishStep::Kept) return;
          add_remediation(f);
          if (source.after_remediation) source.after_remediation(f);
          if ((f.suppressed && !o.show_suppressed) || !live_error.empty()) return;
          live.write(jsonl_line(f, rules, !o.no_redact), live_error);
        },
        source.once_per_fingerprint);
    tally.stream = stream.get();
  }
  try {
    source.scan(ScanContext{*eng->scanner, sup, o, debug}, tally);
  } catch (const std::exception& e) {
    print_error(e.what());
    return 2;
  }
  clock.done("scan");
  if (stream) {
    tally.stream = nullptr;
    if (live_error.empty()) live.close(live_error);
    if (!live_error.empty()) {
      print_error(live_error);
      return 2;
    }
  }
  ScanResult& res = tally.result;
  res.tool_version = KEYHOUND_VERSION;
  // Files larger than the stream threshold went through the chunked path; say how many.
  if (tally.streamed) res.summary.notes["streamed_files"] = std::to_string(tally.streamed);
  // Archives are not items themselves (their members are): say how many were opened.
  if (tally.archives) res.summary.notes["archives"] = std::to_string(tally.archives);
  finish_findings(res.findings, res.summary, o.include_examples, sup.post_process);
  for (auto& p : tally.problems) {
    if (p.level == ProblemLevel::Error) print_error(p.line);
    else if (!o.quiet) print_warning(p.line);
  }
  res.summary.elapsed_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  clock.done("finish");
  if (!write_baseline_out(res, o)) return 2;
  clock.done("baseline");
  uint64_t unchecked = verify_and_remediate(res, o);
  if (source.after_remediation)
    for (auto& f : res.findings) source.after_remediation(f);
  clock.done("verify");
  int rc = emit_report(res, eng->rules, o, source.command, res.summary.errors > 0 || unchecked > 0, stream != nullptr);
  clock.done("report");
  return rc;
}

namespace {
// The --results class of a finding: what verification said about it.
std::string result_class(const Finding& f) {
  if (f.verified == Verification::Valid) return "verified";
  if (f.verified == Verification::Unknown || f.verified == Verification::Rejected) return verification_name(f.verified);
  return "unverified";
}
}  // namespace

uint64_t verify_and_remediate(ScanResult& r, const CommonOptions& o) {
  bool filter = o.only_verified || !o.results.empty();
  bool verify = o.verify || filter;
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
  if (!verify) return 0;
  std::stable_sort(r.findings.begin(), r.findings.end(),
                   [](const Finding& a, const Finding& b) { return (a.verified == Verification::Valid) > (b.verified == Verification::Valid); });
  if (!filter) return 0;
  std::vector<std::string> wanted = o.results;
  if (o.only_verified) wanted.push_back("verified");
  std::vector<Finding> kept;
  std::map<std::string, uint64_t> hidden;  // class -> count, suppressed findings not counted
  r.summary.findings = 0;
  r.summary.suppressed = 0;
  for (auto& f : r.findings) {
    std::string c = result_class(f);
    if (std::find(wanted.begin(), wanted.end(), c) == wanted.end()) {
      if (!f.suppressed) hidden[c]++;
      continue;
    }
    (f.suppressed ? r.summary.suppressed : r.summary.findings)++;
    kept.push_back(std::move(f));
  }
  r.findings.swap(kept);
  std::string flag = o.results.empty() ? "--only-verified" : "--results";
  if (o.only_verified) r.summary.notes["only_verified"] = "true";
  if (hidden.empty()) return 0;
  uint64_t total = 0;
  std::string by_class;
  for (auto& [c, n] : hidden) {
    total += n;
    by_class += (by_class.empty() ? "" : ", ") + std::to_string(n) + " " + c;
  }
  r.summary.notes["hidden by " + flag] = by_class;
  // Unknown means the provider gave no answer (offline, timeout, request cap): the key may be
  // live. Hiding it is the user's call to make explicitly, not a side effect of --only-verified.
  uint64_t unchecked = o.results.empty() ? hidden["unknown"] : 0;
  std::string why = std::to_string(total) + (total == 1 ? " finding" : " findings") + " hidden by " + flag + " (" +
                    by_class + ")";
  if (unchecked) {
    print_error(why + ": " + std::to_string(unchecked) + (unchecked == 1 ? " key" : " keys") +
                " could not be checked (no network, timeout or request cap), so this run cannot say they are "
                "dead; --results verified,unknown shows them, --results verified accepts hiding them");
  } else if (!o.quiet) {
    print_warning(why);
  }
  return unchecked;
}

ContentOptions content_options(const CommonOptions& o) {
  ContentOptions c;
  c.decode.depth = o.decode_depth;
  c.archive = o.archive;
  return c;
}

EngineChoices engine_choices(const CommonOptions& o) {
  EngineChoices c;
  c.rule_paths = o.rule_paths;
  c.enable = o.enable;
  c.disable = o.disable;
  c.use_cache = !o.no_cache;
  c.builtin = !o.no_builtin_rules;
  c.verbose = o.verbose;
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

bool streams_findings(const CommonOptions& o) {
  Format fmt;
  return parse_format(o.format, &fmt) && fmt == Format::Jsonl && !o.verify && !o.only_verified && o.results.empty();
}

int emit_report(const ScanResult& r, const RuleSet& rules, const CommonOptions& o, const std::string& command,
                bool had_errors, bool findings_written) {
  Format fmt;
  parse_format(o.format, &fmt);
  ReportOptions ro;
  ro.redact = !o.no_redact;
  ro.quiet = o.quiet;
  ro.show_suppressed = o.show_suppressed;
  ro.command = command;
  bool to_stdout = o.output.empty() || o.output == "-";
  // https://no-color.org: any non-empty NO_COLOR turns auto colour off, as does a dumb terminal.
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  bool plain_terminal = (no_color && *no_color) || (term && std::string(term) == "dumb");
  ro.color = o.color == "always" ||
             (o.color == "auto" && to_stdout && ::isatty(1) && fmt == Format::Text && !plain_terminal);
  if (!findings_written) {
    // Written as it is made: an audit's report may be larger than the findings it comes from.
    OutputFile file;
    std::string err;
    bool ok = file.open(o.output, err);
    if (ok) {
      OutputStreamBuf buf(file);
      std::ostream os(&buf);
      write_report(fmt, r, rules, ro, os);
      os.flush();
      if (!buf.error().empty()) {
        err = buf.error();
        ok = false;
      }
    }
    if (ok) ok = file.close(err);
    if (!ok) {
      print_error(err);
      return 2;
    }
  }
  // A report in a file leaves the CI log empty: say there what happened.
  if (!to_stdout && !o.quiet) std::cerr << escape_for_terminal(summary_line(r.summary, command)) << "\n";
  if (had_errors) return 2;
  return r.summary.findings > 0 ? o.exit_code : 0;
}

}  // namespace keyhound
