#include "report/json_finding.h"

#include <cmath>

#include "base/escape.h"
#include "base/hex.h"
#include "base/redact.h"
#include "report/context_window.h"

namespace keyhound {

void put_path(nlohmann::json& j, const std::string& key, const std::string& path) {
  std::string valid = to_valid_utf8(path);
  j[key] = valid;
  if (valid != path) {
    j[key + "_bytes_hex"] = hex_encode(path);
  }
}

nlohmann::json remediation_to_json(const Finding& f, bool redact_secrets) {
  std::vector<std::string> secrets{f.secret};
  for (auto& p : f.parts) secrets.push_back(p.secret);
  if (!f.remediation) return nullptr;
  const Remediation& r = *f.remediation;
  auto show = [&](const std::string& s) { return to_valid_utf8(redact_secrets ? redact_all(s, secrets) : s); };
  std::string summary = show(r.summary), steps = show(r.markdown);
  if (summary.empty() && steps.empty()) return nullptr;
  nlohmann::json commands = nlohmann::json::array();
  std::string cmds = show(r.commands);
  size_t pos = 0;
  while (pos < cmds.size()) {
    size_t nl = cmds.find('\n', pos);
    if (nl == std::string::npos) nl = cmds.size();
    if (nl > pos) commands.push_back(cmds.substr(pos, nl - pos));
    pos = nl + 1;
  }
  nlohmann::json j = {{"kind", show(r.kind)}, {"summary", summary}, {"steps", steps}, {"commands", commands}};
  if (std::string ref = show(r.reference); !ref.empty()) j["reference"] = ref;
  return j;
}

nlohmann::json finding_to_json(const Finding& f, const RuleSet& rules, bool redact_secrets) {
  using nlohmann::json;
  auto show = [&](const std::string& s) { return to_valid_utf8(redact_secrets ? redact(s) : s); };
  json j;
  const Rule* rule = f.rule_index >= 0 && f.rule_index < static_cast<int>(rules.rules.size())
                         ? &rules.rules[f.rule_index] : nullptr;
  j["rule_id"] = f.rule_id;
  if (rule) {
    j["rule_name"] = rule->name;
    j["provider"] = rule->provider;
    j["severity"] = severity_name(rule->severity);
  }
  put_path(j, "path", f.where.path);
  j["line"] = f.line;
  j["column"] = f.column;
  j["end_line"] = f.end_line;
  j["offset"] = f.offset;
  j["binary"] = f.binary;
  j["secret"] = show(f.secret);
  j["redacted"] = redact_secrets;
  j["entropy"] = std::round(f.entropy * 1000) / 1000;
  j["fingerprint"] = f.fingerprint;
  j["example"] = f.example;
  j["context"] = to_valid_utf8(context_window(f, redact_secrets, 400));
  json parts = json::array();
  for (auto& p : f.parts)
    parts.push_back({{"role", p.role}, {"rule_id", p.rule_id}, {"secret", show(p.secret)},
                     {"line", p.line}, {"column", p.column}, {"end_column", p.column + p.secret.size()},
                     {"offset", p.offset}});
  j["parts"] = parts;
  if (!f.decoded.empty()) j["decoded"] = f.decoded;  // the decoders that revealed it, outermost first
  for (auto& [k, v] : f.properties)
    j[k] = to_valid_utf8(v);  // "severity": "critical" for root keys
  if (auto rem = remediation_to_json(f, redact_secrets); !rem.is_null()) j["remediation"] = rem;
  if (!f.where.commit.empty()) {
    j["commit"] = f.where.commit;
    j["author"] = to_valid_utf8(f.where.author);
    j["email"] = to_valid_utf8(f.where.email);
    j["date"] = f.where.date;
  }
  if (!f.where.blob.empty()) j["blob"] = f.where.blob;
  j["suppressed"] = f.suppressed;
  if (f.suppressed) {
    j["suppression_kind"] = suppression_kind_name(f.suppression_kind);
    j["suppression_reason"] = f.suppression_reason;
  }
  if (f.baseline_state != BaselineState::None) j["baseline_state"] = baseline_state_name(f.baseline_state);
  if (f.verified != Verification::None) {
    j["verified"] = verification_name(f.verified);
    if (!f.verified_detail.empty()) j["verified_detail"] = to_valid_utf8(f.verified_detail);
  }
  return j;
}

nlohmann::json summary_to_json(const ScanSummary& s) {
  nlohmann::json j;
  j["files_scanned"] = s.files_scanned;
  j["bytes_scanned"] = s.bytes_scanned;
  j["skipped"] = skip_counts_by_word(s.skipped);
  j["findings"] = s.findings;
  j["suppressed"] = s.suppressed;
  j["examples_hidden"] = s.examples_hidden;
  j["errors"] = s.errors;
  j["elapsed_seconds"] = std::round(s.elapsed_seconds * 1000) / 1000;
  if (s.commits_scanned) j["commits_scanned"] = s.commits_scanned;
  for (auto& [k, v] : s.notes) j[k] = v;
  return j;
}

}  // namespace keyhound
