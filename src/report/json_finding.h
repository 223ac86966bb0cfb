// The JSON shape of one finding, shared by the json and jsonl reporters.
#pragma once
#include <nlohmann/json.hpp>

#include "findings/finding.h"
#include "findings/scan_result.h"
#include "rules/rule.h"

namespace keyhound {
nlohmann::json finding_to_json(const Finding& f, const RuleSet& rules, bool redact);
nlohmann::json summary_to_json(const ScanSummary& s);
// Path as valid UTF-8 for JSON; when the raw bytes were not valid UTF-8, `path_bytes_hex`
// carries them exactly.
void put_path(nlohmann::json& j, const std::string& key, const std::string& path);
}  // namespace keyhound
