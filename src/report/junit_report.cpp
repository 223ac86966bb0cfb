// JUnit XML for CI test views (GitLab's junit artifact, Jenkins, Azure DevOps): one test case per
// file or blob with findings, a failure per finding, and one passing case for everything else
// scanned (clean files leave no per-file record, so they are counted, not listed).
#include <ctime>
#include <map>
#include <sstream>

#include "base/escape.h"
#include "base/redact.h"
#include "report/reporter.h"

namespace keyhound {

namespace {

// XML 1.0 text: the five entities escaped, control bytes (not allowed even as references)
// replaced, after the bytes were made valid UTF-8.
std::string xml(const std::string& s) {
  std::string out;
  for (char c : to_valid_utf8(s)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') out += "\xEF\xBF\xBD";
        else out += c;
    }
  }
  return out;
}

}  // namespace

void write_junit(const ScanResult& r, const RuleSet& rules, const ReportOptions& o, std::ostream& out) {
  // One case per place: the file, or the blob at its commit for git.
  std::map<std::string, std::vector<const Finding*>> cases;
  for (const Finding* f : listed_findings(r, o)) {
    if (f->suppressed) continue;  // JUnit has no "accepted" state: a listed failure fails the build view
    std::string key = f->where.commit.empty() ? f->where.path : f->where.path + "@" + f->where.commit.substr(0, 12);
    cases[key].push_back(f);
  }
  uint64_t failures = 0;
  for (auto& [_, v] : cases) failures += v.size();
  uint64_t units = r.summary.files_scanned;  // files, or blobs for git
  uint64_t clean_units = units > cases.size() ? units - cases.size() : 0;
  uint64_t tests = cases.size() + 1;
  std::string suite = "keyhound " + o.command;
  std::ostringstream body;
  for (auto& [name, findings] : cases) {
    body << "    <testcase classname=\"" << xml("keyhound." + o.command) << "\" name=\"" << xml(name) << "\" file=\""
         << xml(findings[0]->where.path) << "\">\n";
    for (const Finding* f : findings) {
      const Rule* rule = f->rule_index >= 0 ? &rules.rules[f->rule_index] : nullptr;
      std::string shown = o.redact ? redact(f->secret) : f->secret;
      std::string where = f->line ? std::to_string(f->line) + ":" + std::to_string(f->column)
                                  : "byte " + std::to_string(f->offset);
      std::string msg = (rule ? rule->name : f->rule_id) + " at " + f->where.path + ":" + where;
      body << "      <failure type=\"" << xml(f->rule_id) << "\" message=\"" << xml(msg) << "\">"
           << xml("rule: " + f->rule_id + "\nseverity: " +
                  (rule ? severity_name(finding_severity(*f, *rule)) : "") + "\nsecret: " + shown +
                  (f->where.commit.empty() ? "" : "\ncommit: " + f->where.commit) +
                  "\nfingerprint: " + f->fingerprint)
           << "</failure>\n";
    }
    body << "    </testcase>\n";
  }
  body << "    <testcase classname=\"" << xml("keyhound." + o.command) << "\" name=\""
       << xml(std::to_string(clean_units) + " other scanned file(s) or blob(s) without findings") << "\"/>\n";
  std::string time = std::to_string(r.summary.elapsed_seconds);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"keyhound\" tests=\"" << tests << "\" failures=\"" << failures << "\" errors=\""
      << r.summary.errors << "\" time=\"" << time << "\">\n"
      << "  <testsuite name=\"" << xml(suite) << "\" tests=\"" << tests << "\" failures=\"" << failures
      << "\" errors=\"" << r.summary.errors << "\" skipped=\"0\" time=\"" << time << "\" timestamp=\""
      << utc_timestamp(static_cast<double>(std::time(nullptr)) - r.summary.elapsed_seconds) << "\">\n"
      << body.str() << "  </testsuite>\n</testsuites>\n";
}

}  // namespace keyhound
