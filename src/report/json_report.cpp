// JSON: one document with every finding and the summary.
#include <nlohmann/json.hpp>

#include "report/json_finding.h"
#include "report/reporter.h"

namespace keyhound {

void write_json(const ScanResult& r, const RuleSet& rules, const ReportOptions& o, std::ostream& out) {
  nlohmann::json doc;
  doc["tool"] = {{"name", "keyhound"}, {"version", r.tool_version}};
  doc["command"] = o.command;
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& f : r.findings)
    if (!f.suppressed || o.show_suppressed) arr.push_back(finding_to_json(f, rules, o.redact));
  doc["findings"] = arr;
  doc["summary"] = summary_to_json(r.summary);
  // Replace, never throw on, invalid UTF-8 that reached a field unescaped.
  out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace keyhound
