// Writes a ScanResult in one of the output formats. Reporters know nothing about Hyperscan,
// files or git: they format findings.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "findings/scan_result.h"
#include "rules/rule.h"

namespace keyhound {

enum class Format { Text, Json, Jsonl, Sarif, Gitlab, Junit, Csv, Gitleaks };
bool parse_format(const std::string& s, Format* out);
// Every name parse_format() accepts, for the CLI's --format choices.
const std::vector<std::string>& format_names();

struct ReportOptions {
  bool redact = true;            // --no-redact turns it off
  bool show_suppressed = false;  // list suppressed findings too (always in SARIF)
  bool quiet = false;            // text: no summary
  bool color = false;
  std::string command = "scan";  // "scan" or "git"
};

void write_text(const ScanResult& r, const RuleSet& rules, const ReportOptions& o, std::ostream& out);
void write_json(const ScanResult& r, const RuleSet& rules, const ReportOptions& o, std::ostream& out);
void write_jsonl(const ScanResult& r, const RuleSet& rules, const ReportOptions& o, std::ostream& out);
// One JSONL line (with its newline): what write_jsonl writes per finding, and what the pipeline
// writes as findings are found.
std::string jsonl_line(const Finding& f, const RuleSet& rules, bool redact);
void write_sarif(const ScanResult& r, const RuleSet& rules, const ReportOptions& o, std::ostream& out);
// The one-line English summary ("keyhound: 1 finding, 1 blob scanned (...) in 0.02s; 2 errors"),
// without a newline; `command` is "scan" (files) or "git" (blobs).
std::string summary_line(const ScanSummary& s, const std::string& command);

void write_gitlab(const ScanResult& r, const RuleSet& rules, const ReportOptions& o, std::ostream& out);
void write_junit(const ScanResult& r, const RuleSet& rules, const ReportOptions& o, std::ostream& out);
void write_csv(const ScanResult& r, const RuleSet& rules, const ReportOptions& o, std::ostream& out);
void write_gitleaks(const ScanResult& r, const RuleSet& rules, const ReportOptions& o, std::ostream& out);
// The findings a report lists: the reported ones, and the suppressed ones with --show-suppressed.
std::vector<const Finding*> listed_findings(const ScanResult& r, const ReportOptions& o);
// The rule's severity, raised to critical when the finding says so (AWS root credentials).
Severity finding_severity(const Finding& f, const Rule& rule);
// UTC "YYYY-MM-DDTHH:MM:SS" of `t` (seconds since the epoch): the report formats' common clock.
std::string utc_timestamp(double t);
void write_report(Format f, const ScanResult& r, const RuleSet& rules, const ReportOptions& o,
                  std::ostream& out);

}  // namespace keyhound
