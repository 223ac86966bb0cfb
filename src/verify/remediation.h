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
#include "rules/rule.h"

namespace keyhound {

// Fills finding.remediation for findings whose rule names a `remediation` (rules/
// provider_facts.h; others are left alone): Markdown steps with commands, a one-line summary,
// the commands alone, a documentation URL, and the kind: aws-long-term | aws-temporary |
// aws-root | aws-secret-only | aws-identifier | aws-key | cloudflare-api-token |
// cloudflare-global-api-key | cloudflare-origin-ca-key | cloudflare-r2. Root credentials also
// get properties["severity"] = "critical".
// Idempotent. Call it after verify_findings() to have the advice use what verification
// learned (IAM user or role name from the ARN, and "this key is live").
void add_remediation(keyhound::Finding& f);

// For a key found in the staged change (`git --staged`: never committed): the one-line advice
// becomes "remove it, use a secret store"; rotating is for keys that were committed, pushed or
// shared, which this one was not (the detailed steps stay for that case). Any rule.
void add_staged_remediation(keyhound::Finding& f);

// Rule-level help (Markdown, placeholders instead of key IDs) for SARIF rule `help`.
// Other rules get generic advice (revoke/rotate at the provider, then clean up).
std::string remediation_markdown_for_rule(const Rule& rule);

}  // namespace keyhound
