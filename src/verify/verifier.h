// Opt-in verification of leaked keys against the provider's own "who am I" endpoint.
//
// AWS key pairs: STS GetCallerIdentity (needs no IAM permission, changes nothing), SigV4-signed.
// Cloudflare API tokens: GET /client/v4/user/tokens/verify with the token as Bearer.
// Which findings: their rule's `verify` field (rules/provider_facts.h). Each ends with
// finding.verified set to one of
//   "valid"        the provider accepted the credential (details in properties)
//   "rejected"     the provider refused it; verified_detail names the provider's error code
//                  and what it means
//   "unknown"      no answer we can trust (network error, timeout, 5xx, throttling, cap)
//   "unverifiable" nothing to check with (an ID without its secret, ...)
// and findings of other rules untouched. Nothing is ever inferred without an answer.
#pragma once
#include <string>
#include <vector>

#include "findings/finding.h"

namespace keyhound {

struct VerifyOptions {
  bool enabled = false;        // off by default: no request is made unless asked
  int max_in_flight = 4;       // concurrent requests
  int timeout_ms = 5000;       // per request, connect included
  int max_requests = 200;      // per run, retries included; beyond it: "unknown"
  // For testing only: the official endpoints are the defaults. Plain http:// is accepted only
  // for loopback hosts (a mock on 127.0.0.1).
  std::string sts_endpoint = "https://sts.amazonaws.com/";
  std::string cloudflare_endpoint = "https://api.cloudflare.com/client/v4/user/tokens/verify";
};

// Verifies every verifiable finding in place (each distinct credential once). No-op when
// !opts.enabled. Suppressed findings are skipped.
void verify_findings(std::vector<keyhound::Finding>& findings, const VerifyOptions& opts);

}  // namespace keyhound
