// The one orchestration every scanning command goes through, whatever its source:
//   setup     config, baseline and ignore files, rules, the Hyperscan database
//   scan      the source hands each item's outcome to a Tally
//   finish    inline allows, allowlists, baseline marks, documentation examples hidden
//   baseline  --baseline-out
//   verify    --verify, then remediation advice on every finding
//   report    the chosen format, and the exit status
// A new source (an archive, another repository) is one Source: a root and a scan function.
// With --debug each stage's time goes to stderr.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "engine/scanner.h"
#include "pipeline/archive_scan.h"
#include "findings/scan_result.h"
#include "pipeline/engine_setup.h"
#include "pipeline/item.h"
#include "pipeline/suppression_setup.h"
#include "report/reporter.h"

namespace keyhound {

// Options every scanning command shares (the command line fills them: src/cli/output_options.h).
struct CommonOptions {
  std::string format = "text";
  std::string output;
  std::vector<std::string> rule_paths;
  std::vector<std::string> enable, disable;
  unsigned threads = 0;
  bool no_redact = false;
  bool quiet = false;
  bool verbose = false;         // -v: notes about the run itself (e.g. why no rule cache is used)
  int exit_code = 1;            // --exit-code: the status when there are findings
  bool debug = false;           // --debug: stage times and the git reading path on stderr
  bool include_examples = false;
  int decode_depth = 2;         // --decode-depth: decoders chained at most (0: no decoding)
  ArchiveLimits archive;        // --archive-depth, --archive-max-*
  bool show_suppressed = false;
  bool no_cache = false;
  bool no_builtin_rules = false;
  std::string color = "auto";
  bool no_progress = false;  // --no-progress: no progress line even on a terminal
  int progress_ms = 250;     // --progress-interval-ms
  // Suppression (docs/suppression.md).
  std::string config;          // --config FILE
  bool no_config = false;      // --no-config
  std::string baseline;        // --baseline FILE
  std::string baseline_out;    // --baseline-out FILE
  // Verification (docs/verification.md): opt-in, never by default.
  bool verify = false;         // --verify
  bool only_verified = false;  // --only-verified (= --results verified, but see verify_and_remediate)
  std::vector<std::string> results;  // --results verified,unknown,rejected,unverified
  int verify_max_in_flight = 4;
  int verify_timeout_ms = 5000;
  int verify_max_requests = 200;
  std::string verify_endpoint_sts;         // for testing only
  std::string verify_endpoint_cloudflare;  // for testing only
};

// Prints one line to stderr when --debug is on; a no-op otherwise.
using DebugLog = std::function<void(const std::string&)>;

// What a source's scan stage gets once setup is done.
struct ScanContext {
  const Scanner& scanner;
  const Suppression& suppression;
  const CommonOptions& options;
  const DebugLog& debug;
};

struct Source {
  std::string command;  // "scan", "git": names the command in the report
  std::string root;     // where .keyhound.toml is found; fingerprints and allowlists are relative to it
  // Scans every item into the tally (findings with provenance, not yet finished). Throws
  // std::runtime_error, with one line naming the problem, when the source cannot go on.
  std::function<void(const ScanContext&, Tally&)> scan;
  // Optional: runs on every finding after remediation advice is added (git --staged: a key
  // never committed needs removing, not rotating).
  std::function<void(Finding&)> after_remediation;
  // Items are numbered for --format jsonl's live stream (pipeline/item_stream.h); true where a
  // fingerprint met in an earlier item is not reported again (git: a key kept in later blobs).
  bool once_per_fingerprint = false;
};

// Runs every stage for `source`; returns the exit status (0 clean, 1 findings, 2 error).
// Errors are printed always, warnings unless --quiet (the rule: pipeline/item.h).
int run_pipeline(const CommonOptions& o, const Source& source);

// What every item's bytes go through besides the scanner: decoding and archive reading.
ContentOptions content_options(const CommonOptions& o);

// The stages, for commands that need only some of them.
EngineChoices engine_choices(const CommonOptions& o);
// The suppression inputs for a scan rooted at `root`.
SuppressionInputs suppression_inputs(const CommonOptions& o, const std::string& root);
// Custom rules and disabled rules from the config into the engine choices.
void apply_suppression(EngineChoices& c, const Suppression& s);
// One finding with its provenance set: dropped (a candidate whose file was not evidence),
// hidden (a documentation example, unless asked), or kept with inline allows and
// `post_process` applied. Shared by the end of the scan and --format jsonl's live stream.
enum class FinishStep { Kept, NotAFinding, HiddenExample };
FinishStep finish_one(Finding& f, bool include_examples, const std::function<void(Finding&)>& post_process);
// Provenance is set: applies inline allows and `post_process`, hides examples unless asked, and
// fills the summary counts.
void finish_findings(std::vector<Finding>& findings, ScanSummary& summary, bool include_examples,
                     const std::function<void(Finding&)>& post_process);
// Writes --baseline-out if asked (mode 0600). Returns false after printing an error.
bool write_baseline_out(const ScanResult& r, const CommonOptions& o);
// After the findings are final: verifies them if --verify, adds remediation advice to every
// finding (offline, always), sorts verified-valid findings first (--verify), and keeps only
// the --results classes asked for (--only-verified: valid only; summary counts adjusted),
// saying on stderr how many were hidden and why. Returns how many keys that could not be
// checked (`unknown`) were hidden without the user choosing so (--only-verified rather than
// an explicit --results): the run must not then exit 0.
uint64_t verify_and_remediate(ScanResult& r, const CommonOptions& o);
// Whether findings are written as found (--format jsonl, nothing that needs every finding
// first: --verify and --results sort and filter the whole set).
bool streams_findings(const CommonOptions& o);
// Writes the report (unless `findings_written`: the live stream wrote it); returns the exit
// status (0 clean, 1 findings, 2 error).
int emit_report(const ScanResult& r, const RuleSet& rules, const CommonOptions& o, const std::string& command,
                bool had_errors, bool findings_written = false);
// "keyhound: error: <msg>" / "keyhound: warning: <msg>" on stderr, escaped for the terminal.
void print_error(const std::string& msg);
void print_warning(const std::string& msg);

}  // namespace keyhound
