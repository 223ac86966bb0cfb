// JSON: one document with every finding and the summary, written a finding at a time (an
// audit's report may hold hundreds of thousands: never the whole document in memory), the
// same bytes as nlohmann::json::dump(2) of the whole document.
#include <nlohmann/json.hpp>

#include "report/json_finding.h"
#include "report/reporter.h"

namespace keyhound {

namespace {

// `j` as dump(2) writes it `depth` levels down: every line after the first indented further.
// A newline inside a string is escaped, so every raw one is between two lines of the layout.
void put_nested(std::ostream& out, const nlohmann::json& j, int depth) {
  // Replace, never throw on, invalid UTF-8 that reached a field unescaped.
  std::string s = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string pad(static_cast<size_t>(2 * depth), ' ');
  size_t from = 0;
  for (size_t nl = s.find('\n'); nl != std::string::npos; nl = s.find('\n', from)) {
    out.write(s.data() + from, static_cast<std::streamsize>(nl + 1 - from));
    out << pad;
    from = nl + 1;
  }
  out.write(s.data() + from, static_cast<std::streamsize>(s.size() - from));
}

}  // namespace

void write_json(const ScanResult& r, const RuleSet& rules, const ReportOptions& o, std::ostream& out) {
  // Keys in nlohmann's (sorted) order: command, findings, summary, tool.
  out << "{\n  \"command\": ";
  put_nested(out, nlohmann::json(o.command), 1);
  out << ",\n  \"findings\": [";
  bool first = true;
  for (const auto& f : r.findings) {
    if (f.suppressed && !o.show_suppressed) continue;
    out << (first ? "\n    " : ",\n    ");
    first = false;
    put_nested(out, finding_to_json(f, rules, o.redact), 2);
  }
  out << (first ? "],\n  \"summary\": " : "\n  ],\n  \"summary\": ");
  put_nested(out, summary_to_json(r.summary), 1);
  out << ",\n  \"tool\": ";
  put_nested(out, nlohmann::json{{"name", "keyhound"}, {"version", r.tool_version}}, 1);
  out << "\n}\n";
}

}  // namespace keyhound
