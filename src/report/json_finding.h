// The JSON shape of one finding, shared by the json and jsonl reporters.
#pragma once
#include <nlohmann/json.hpp>

#include "findings/finding.h"
#include "findings/scan_result.h"
#include "rules/rule.h"

namespace keyhound {
nlohmann::json finding_to_json(const Finding& f, const RuleSet& rules, bool redact);
// The `remediation` object from the finding's advice (add_remediation()):
// {kind, summary, steps (Markdown), commands [...], reference}; null when there is none.
// With `redact`, the finding's own secrets (the key ID too) are redacted in it like everywhere
// else: the commands are then complete only with --no-redact.
nlohmann::json remediation_to_json(const Finding& f, bool redact);
nlohmann::json summary_to_json(const ScanSummary& s);
// Path as valid UTF-8 for JSON; when the raw bytes were not valid UTF-8, `path_bytes_hex`
// carries them exactly.
void put_path(nlohmann::json& j, const std::string& key, const std::string& path);
}  // namespace keyhound
