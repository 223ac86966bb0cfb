// Facts decoded offline from an AWS access key ID: its kind and the account it belongs to.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "findings/finding.h"

namespace keyhound {
// "long-term" (AKIA), "temporary" (ASIA), "bearer-token" (ABIA), "context-specific" (ACCA),
// or "" if the ID has another prefix.
std::string aws_key_kind(std::string_view key_id);
// The 12-digit account ID encoded in key IDs issued since about 2019 (the 5th character is
// Q..Z or 2..7, i.e. the top bit of the decoded payload is set); nullopt for older IDs.
std::optional<std::string> aws_account_id(std::string_view key_id);
// Adds kind / aws_account_id properties to AWS access key findings.
void enrich_aws_key(Finding& f);
}  // namespace keyhound
