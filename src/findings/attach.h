// Post-processing of one buffer's findings: order, pairing (attach_to) and provider enrichment.
#pragma once
#include <vector>

#include "findings/finding.h"
#include "rules/rule.h"

namespace keyhound {
// Sorts findings by offset, merges each finding whose rule has attach_to into the nearest
// finding of the target rule within attach_lines lines (one part per role and target), and
// adds provider facts (AWS key kind, account ID).
void finalize_findings(const RuleSet& rules, std::vector<Finding>& findings);
}  // namespace keyhound
