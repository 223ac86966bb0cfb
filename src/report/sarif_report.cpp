// SARIF 2.1.0 for code-scanning dashboards. Validated against the OASIS schema in the tests.
#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>

#include "base/escape.h"
#include "base/hex.h"
#include "report/json_finding.h"
#include "base/redact.h"
#include "report/reporter.h"
#include "verify/remediation.h"

namespace keyhound {
namespace {

const char* level_of(Severity s) {
  switch (s) {
    case Severity::Critical:
    case Severity::High: return "error";
    case Severity::Medium: return "warning";
    default: return "note";
  }
}

// A relative URI reference: percent-encode everything outside the unreserved set and '/'.
std::string to_uri(std::string path) {
  while (path.rfind("./", 0) == 0) path = path.substr(2);
  std::string out = percent_encode(path, false);
  return out.empty() ? "." : out;
}

// Where a secret is: lines and columns in text, a byte range in binary files.
nlohmann::json region_of(bool binary, uint64_t line, uint64_t column, uint64_t offset, const std::string& secret) {
  if (binary || line == 0) return {{"byteOffset", offset}, {"byteLength", secret.size()}};
  uint64_t nl = std::count(secret.begin(), secret.end(), '\n');
  nlohmann::json r = {{"startLine", line}, {"startColumn", column}, {"endLine", line + nl}};
  if (nl == 0) r["endColumn"] = column + secret.size();
  return r;
}

}  // namespace

void write_sarif(const ScanResult& r, const RuleSet& rules, const ReportOptions& o, std::ostream& out) {
  using nlohmann::json;
  std::map<int, int> rule_pos;  // rule index -> position in driver.rules
  json driver_rules = json::array();
  for (const auto& f : r.findings) {
    if (f.rule_index < 0 || rule_pos.count(f.rule_index)) continue;
    const Rule& rule = rules.rules[f.rule_index];
    rule_pos[f.rule_index] = static_cast<int>(driver_rules.size());
    json jr = {{"id", rule.id},
               {"name", rule.name},
               {"shortDescription", {{"text", rule.name}}},
               {"fullDescription", {{"text", rule.description.empty() ? rule.name : rule.description}}},
               {"defaultConfiguration", {{"level", level_of(rule.severity)}}},
               {"properties", {{"provider", rule.provider}, {"tags", json::array({"security", "secret"})},
                               {"security-severity", rule.severity == Severity::Critical ? "9.5"
                                                     : rule.severity == Severity::High ? "8.0"
                                                     : rule.severity == Severity::Medium ? "5.0" : "2.0"}}}};
    if (!rule.reference.empty()) jr["helpUri"] = rule.reference;
    // Rule help: what the rule finds, then what to do (Markdown with placeholders for key IDs;
    // each result carries the advice with its own key ID in properties.remediation).
    std::string about = rule.description.empty() ? rule.name : rule.description;
    std::string fix = remediation_markdown_for_rule(rule);
    std::string text = about + (rule.reference.empty() ? "" : "\nFormat reference: " + rule.reference) + "\n\n" + fix;
    std::string md = about + (rule.reference.empty() ? "" : "\n\nFormat reference: <" + rule.reference + ">") +
                     "\n\n## Remediation\n\n" + fix;
    jr["help"] = {{"text", to_valid_utf8(text)}, {"markdown", to_valid_utf8(md)}};
    driver_rules.push_back(jr);
  }
  json results = json::array();
  for (const auto& f : r.findings) {
    const Rule& rule = rules.rules[f.rule_index];
    std::string shown = o.redact ? redact(f.secret) : f.secret;
    std::string msg = rule.name + " found: " + shown;
    for (auto& p : f.parts) msg += "; " + p.role + ": " + (o.redact ? redact(p.secret) : p.secret);
    // A member of an archive ("app.war!WEB-INF/x.properties") is located at the archive, the
    // file code scanning can open; the member, line and column go in a logical location, the
    // message and the properties.
    std::string path = to_valid_utf8(f.where.path);
    size_t bang = path.find('!');
    bool member = bang != std::string::npos;
    json artifact = {{"uri", to_uri(member ? path.substr(0, bang) : path)}};
    auto region = [&](bool bin, uint64_t line, uint64_t col, uint64_t off, const std::string& sec) {
      return member ? json{{"startLine", 1}} : region_of(bin, line, col, off, sec);
    };
    json phys = {{"artifactLocation", artifact}, {"region", region(f.binary, f.line, f.column, f.offset, f.secret)}};
    if (member) msg += " (in " + path + (f.line ? ":" + std::to_string(f.line) + ":" + std::to_string(f.column) : "") + ")";
    auto sev = f.properties.find("severity");  // "critical" for root credentials
    bool critical = rule.severity == Severity::Critical || (sev != f.properties.end() && sev->second == "critical");
    json res = {{"ruleId", rule.id},
                {"ruleIndex", rule_pos[f.rule_index]},
                {"level", f.verified == Verification::Valid || critical ? "error" : level_of(rule.severity)},
                {"message", {{"text", to_valid_utf8(msg)}}},
                {"locations", member ? json::array({{{"physicalLocation", phys},
                                                     {"logicalLocations", json::array({{{"fullyQualifiedName", path},
                                                                                        {"kind", "resource"}}})}}})
                                     : json::array({{{"physicalLocation", phys}}})},
                {"partialFingerprints", {{"keyhound/v1", f.fingerprint}}}};
    // Each half of a pair where it is, so a reviewer can jump to the secret as well as the ID.
    if (!f.parts.empty()) {
      json related = json::array();
      for (size_t i = 0; i < f.parts.size(); ++i) {
        const FindingPart& p = f.parts[i];
        std::string shown_part = o.redact ? redact(p.secret) : p.secret;
        related.push_back({{"id", static_cast<int>(i + 1)},
                           {"physicalLocation", {{"artifactLocation", artifact},
                                                 {"region", region(f.binary, p.line, p.column, p.offset, p.secret)}}},
                           {"message", {{"text", to_valid_utf8(p.role + ": " + shown_part)}}}});
      }
      res["relatedLocations"] = related;
    }
    json props = {{"secret", to_valid_utf8(shown)}, {"redacted", o.redact}, {"example", f.example},
                  {"entropy", f.entropy}};
    for (auto& [k, v] : f.properties)
      props[k] = to_valid_utf8(v);
    if (critical) {
      props["severity"] = "critical";
      props["security-severity"] = "9.5";
    }
    if (auto rem = remediation_to_json(f, o.redact); !rem.is_null()) props["remediation"] = rem;
    if (!f.decoded.empty()) props["decoded"] = f.decoded;
    if (member) {
      props["member_path"] = path;
      props["member_line"] = f.line;
      props["member_column"] = f.column;
    }
    if (!f.parts.empty()) {
      json parts = json::array();
      for (auto& p : f.parts)
        parts.push_back({{"role", p.role}, {"secret", to_valid_utf8(o.redact ? redact(p.secret) : p.secret)},
                         {"line", p.line}, {"column", p.column}});
      props["parts"] = parts;
    }
    if (!f.where.commit.empty()) {
      props["commit"] = f.where.commit;
      props["author"] = to_valid_utf8(f.where.author);
      props["email"] = to_valid_utf8(f.where.email);
      props["date"] = f.where.date;
    }
    if (f.verified != Verification::None) {
      props["verified"] = verification_name(f.verified);
      props["verified_detail"] = to_valid_utf8(f.verified_detail);
    }
    res["properties"] = props;
    if (f.suppressed) {
      json sup = {{"kind", f.suppression_kind == SuppressionKind::InSource ? "inSource" : "external"}, {"status", "accepted"}};
      if (!f.suppression_reason.empty()) sup["justification"] = to_valid_utf8(f.suppression_reason);
      res["suppressions"] = json::array({sup});
    }
    if (f.baseline_state != BaselineState::None) res["baselineState"] = baseline_state_name(f.baseline_state);
    results.push_back(res);
  }
  json run = {{"tool", {{"driver", {{"name", "keyhound"},
                                    {"version", r.tool_version},
                                    {"semanticVersion", r.tool_version},
                                    {"informationUri", "https://github.com/keyhound/keyhound"},
                                    {"rules", driver_rules}}}}},
              {"results", results}};
  // Provenance of git findings: the commits they were introduced in.
  std::map<std::string, bool> commits;
  for (const auto& f : r.findings)
    if (!f.where.commit.empty()) commits[f.where.commit] = true;
  if (!commits.empty()) {
    json vcp = json::array();
    for (auto& [c, _] : commits) {
      vcp.push_back({{"repositoryUri", "file:///"}, {"revisionId", c}});
      if (vcp.size() >= 1000) break;
    }
    run["versionControlProvenance"] = vcp;
  }
  // Items not scanned, by reason, in the words of the text and JSON summaries.
  if (auto skipped = skip_counts_by_word(r.summary.skipped); !skipped.empty()) run["properties"]["skipped"] = skipped;
  json doc = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs", json::array({run})}};
  out << doc.dump(2) << "\n";
}

}  // namespace keyhound
