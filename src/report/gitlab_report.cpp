// GitLab's secret-detection report (schema 15.x): what a `secret_detection` artifact in a
// GitLab pipeline must hold for the security dashboard and merge request widget to read it.
#include <ctime>
#include <nlohmann/json.hpp>
#include <set>

#include "base/escape.h"
#include "base/redact.h"
#include "report/json_finding.h"
#include "report/reporter.h"

namespace keyhound {

namespace {

const char* gitlab_severity(Severity s) {
  switch (s) {
    case Severity::Critical: return "Critical";
    case Severity::High: return "High";
    case Severity::Medium: return "Medium";
    case Severity::Low: return "Low";
    default: return "Info";
  }
}

nlohmann::json tool_json(const std::string& version) {
  return {{"id", "keyhound"}, {"name", "keyhound"}, {"version", version}, {"vendor", {{"name", "keyhound"}}}};
}

}  // namespace

void write_gitlab(const ScanResult& r, const RuleSet& rules, const ReportOptions& o, std::ostream& out) {
  using nlohmann::json;
  json vulns = json::array();
  std::set<std::string> ids;
  // GitLab has no notion of a suppressed result: what is listed is a vulnerability, so
  // suppressed findings stay out whatever --show-suppressed says.
  for (const auto& f : r.findings) {
    if (f.suppressed || f.rule_index < 0) continue;
    const Rule& rule = rules.rules[f.rule_index];
    std::string shown = o.redact ? redact(f.secret) : f.secret;
    std::string file = to_valid_utf8(f.where.path.rfind("./", 0) == 0 ? f.where.path.substr(2) : f.where.path);
    // The dashboard tracks a vulnerability by id across pipelines: the fingerprint is stable,
    // and the same secret at two places of one scan gets a suffix to stay unique.
    std::string id = f.fingerprint;
    for (int n = 2; !ids.insert(id).second; ++n) id = f.fingerprint + "-" + std::to_string(n);
    json commit = {{"sha", f.where.commit.empty() ? "0000000" : f.where.commit}};
    if (!f.where.commit.empty()) {
      commit["author"] = to_valid_utf8(f.where.author + " <" + f.where.email + ">");
      commit["date"] = f.where.date;
    }
    json location = {{"file", file}, {"commit", commit}};
    if (f.line > 0) {
      location["start_line"] = f.line;
      location["end_line"] = std::max(f.end_line, f.line);
    }
    json v = {{"id", id},
              {"name", rule.name.substr(0, 255)},  // the schema's limit
              {"description", to_valid_utf8((rule.description.empty() ? rule.name : rule.description) +
                                            " Secret: " + shown)},
              {"severity", gitlab_severity(finding_severity(f, rule))},
              {"raw_source_code_extract", to_valid_utf8(shown)},
              {"location", location},
              {"identifiers", json::array({{{"type", "keyhound_rule_id"},
                                            {"name", "keyhound rule " + rule.id},
                                            {"value", rule.id}}})}};
    if (auto rem = remediation_to_json(f, o.redact); !rem.is_null())
      v["solution"] = rem["summary"].get<std::string>().substr(0, 7000);  // the schema's limit
    if (!rule.reference.empty()) v["links"] = json::array({{{"url", rule.reference}}});
    vulns.push_back(v);
  }
  double now = static_cast<double>(std::time(nullptr));
  json scanner = tool_json(r.tool_version);
  scanner["url"] = "https://github.com/keyhound/keyhound";
  json doc = {{"version", "15.2.4"},
              {"scan", {{"analyzer", tool_json(r.tool_version)},
                        {"scanner", scanner},
                        {"type", "secret_detection"},
                        {"start_time", utc_timestamp(now - r.summary.elapsed_seconds)},
                        {"end_time", utc_timestamp(now)},
                        {"status", r.summary.errors ? "failure" : "success"}}},
              {"vulnerabilities", vulns}};
  out << doc.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace keyhound
