// What keyhound does for a rule beyond matching, named in the rule's data: how its finding is
// enriched, which verifier checks it and which advice it gets. Rule files name these with the
// `enrich`, `verify` and `remediation` fields; the loader checks each name against this one
// registry, so a renamed or new rule keeps (or gains) behaviour only by saying so.
#pragma once
#include <string>
#include <vector>

namespace keyhound {

enum class Enricher {
  None,
  AwsAccessKey,  // key kind and account ID decoded from the ID; root-credential files
  AwsSecretKey,  // root-credential files (rootkey.csv, AWSSecretKey=)
};

enum class VerifyWith {
  None,
  AwsSts,               // STS GetCallerIdentity with the pair (and session token)
  CloudflareToken,      // /user/tokens/verify
  CloudflareScannable,  // cfut_ as a user token; cfat_/cfk_ need more than the key
};

enum class RemediationKind {
  None,  // generic advice: revoke or rotate at the provider
  AwsAccessKey,
  AwsSecretKey,
  AwsSessionToken,
  AwsPrincipalId,
  CloudflareApiToken,
  CloudflareScannable,  // by prefix: cfk_ a Global API Key, else an API token
  CloudflareGlobalKey,
  CloudflareOriginCaKey,
  CloudflareR2,
};

struct ProviderFacts {
  Enricher enrich = Enricher::None;
  VerifyWith verify = VerifyWith::None;
  RemediationKind remediation = RemediationKind::None;
};

// Name <-> value for each field; parse_* return false for an unknown name.
bool parse_enricher(const std::string& name, Enricher* out);
bool parse_verify_with(const std::string& name, VerifyWith* out);
bool parse_remediation_kind(const std::string& name, RemediationKind* out);
const char* enricher_name(Enricher e);
const char* verify_with_name(VerifyWith v);
const char* remediation_kind_name(RemediationKind k);
// The names a rule file may use for each field (for error messages and docs).
std::vector<std::string> enricher_names();
std::vector<std::string> verify_with_names();
std::vector<std::string> remediation_kind_names();

}  // namespace keyhound
