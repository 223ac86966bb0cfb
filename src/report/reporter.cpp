#include "report/reporter.h"

#include <ctime>
#include <utility>

namespace keyhound {

namespace {
const std::pair<const char*, Format> kFormats[] = {
    {"text", Format::Text},     {"json", Format::Json},   {"jsonl", Format::Jsonl}, {"sarif", Format::Sarif},
    {"gitlab", Format::Gitlab}, {"junit", Format::Junit}, {"csv", Format::Csv},     {"gitleaks", Format::Gitleaks}};
}  // namespace

bool parse_format(const std::string& s, Format* out) {
  for (auto& [name, f] : kFormats)
    if (s == name) {
      *out = f;
      return true;
    }
  return false;
}

const std::vector<std::string>& format_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (auto& [name, f] : kFormats) v.push_back(name);
    return v;
  }();
  return names;
}

std::vector<const Finding*> listed_findings(const ScanResult& r, const ReportOptions& o) {
  std::vector<const Finding*> out;
  for (const auto& f : r.findings)
    if (!f.suppressed || o.show_suppressed) out.push_back(&f);
  return out;
}

Severity finding_severity(const Finding& f, const Rule& rule) {
  auto sev = f.properties.find("severity");
  Severity s;
  if (sev != f.properties.end() && parse_severity(sev->second, &s) && s < rule.severity) return s;
  return rule.severity;
}

std::string utc_timestamp(double t) {
  std::time_t secs = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

void write_report(Format f, const ScanResult& r, const RuleSet& rules, const ReportOptions& o,
                  std::ostream& out) {
  switch (f) {
    case Format::Text: write_text(r, rules, o, out); break;
    case Format::Json: write_json(r, rules, o, out); break;
    case Format::Jsonl: write_jsonl(r, rules, o, out); break;
    case Format::Sarif: write_sarif(r, rules, o, out); break;
    case Format::Gitlab: write_gitlab(r, rules, o, out); break;
    case Format::Junit: write_junit(r, rules, o, out); break;
    case Format::Csv: write_csv(r, rules, o, out); break;
    case Format::Gitleaks: write_gitleaks(r, rules, o, out); break;
  }
}

}  // namespace keyhound
