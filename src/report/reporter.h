// Writes a ScanResult in one of the output formats. Reporters know nothing about Hyperscan,
// files or git: they format findings.
#pragma once
#include <ostream>
#include <string>

#include "findings/scan_result.h"
#include "rules/rule.h"

namespace keyhound {

enum class Format { Text, Json, Jsonl, Sarif };
bool parse_format(const std::string& s, Format* out);

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
void write_sarif(const ScanResult& r, const RuleSet& rules, const ReportOptions& o, std::ostream& out);
// The one-line English summary ("keyhound: 1 finding, 1 blob scanned (...) in 0.02s; 2 errors"),
// without a newline; `command` is "scan" (files) or "git" (blobs).
std::string summary_line(const ScanSummary& s, const std::string& command);

void write_report(Format f, const ScanResult& r, const RuleSet& rules, const ReportOptions& o,
                  std::ostream& out);

}  // namespace keyhound
