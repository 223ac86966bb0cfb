// Offline remediation advice: what to do about a leaked key, with the exact commands.
//
// AWS keys follow AWS's documented access-key lifecycle (create a replacement, switch the
// application to it or better to an IAM role / temporary credentials, make the leaked key
// inactive, confirm nothing broke, delete it, check CloudTrail for its use). The advice depends
// on the key's kind (finding.properties["kind"]: "long-term" for AKIA, "temporary" for ASIA)
// and on properties["root_credentials"] == "true" (rootkey.csv and friends). Cloudflare
// findings get the equivalent (roll or delete the token/key).
#pragma once
#include <string>

#include "findings/finding.h"

namespace keyhound {

// Fills, for AWS and Cloudflare findings (others are left alone):
//   properties["remediation"]           multi-line Markdown, numbered steps with commands
//   properties["remediation_summary"]   one line, for text output
//   properties["remediation_commands"]  the commands alone, one per line
//   properties["remediation_kind"]      aws-long-term | aws-temporary | aws-root |
//                                       aws-secret-only | aws-identifier | aws-key |
//                                       cloudflare-api-token | cloudflare-global-api-key |
//                                       cloudflare-origin-ca-key | cloudflare-r2 | cloudflare
//   properties["remediation_reference"] documentation URL
//   properties["severity"] = "critical" for root credentials
// Idempotent. Call it after verify_findings() to have the advice use what verification
// learned (IAM user or role name from the ARN, and "this key is live").
void add_remediation(keyhound::Finding& f);

// For a key found in the staged change (`git --staged`: never committed): the one-line advice
// becomes "remove it, use a secret store"; rotating is for keys that were committed, pushed or
// shared, which this one was not (the detailed steps stay for that case). Any rule.
void add_staged_remediation(keyhound::Finding& f);

// Rule-level help (Markdown, placeholders instead of key IDs) for SARIF rule `help`.
// Other rules get generic advice (revoke/rotate at the provider, then clean up).
std::string remediation_markdown_for_rule(const std::string& rule_id);

}  // namespace keyhound
