// JSONL: one finding per line, nothing else, so tools can stream it.
#include <nlohmann/json.hpp>

#include "report/json_finding.h"
#include "report/reporter.h"

namespace keyhound {

std::string jsonl_line(const Finding& f, const RuleSet& rules, bool redact) {
  return finding_to_json(f, rules, redact).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void write_jsonl(const ScanResult& r, const RuleSet& rules, const ReportOptions& o, std::ostream& out) {
  for (const auto& f : r.findings)
    if (!f.suppressed || o.show_suppressed) out << jsonl_line(f, rules, o.redact);
}

}  // namespace keyhound
