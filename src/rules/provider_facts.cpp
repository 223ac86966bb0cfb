#include "rules/provider_facts.h"

#include <utility>

namespace keyhound {

namespace {

template <typename E>
using Table = std::vector<std::pair<const char*, E>>;

const Table<Enricher>& enrichers() {
  static const Table<Enricher> t = {{"aws-access-key", Enricher::AwsAccessKey},
                                    {"aws-secret-key", Enricher::AwsSecretKey}};
  return t;
}

const Table<VerifyWith>& verifiers() {
  static const Table<VerifyWith> t = {{"aws-sts", VerifyWith::AwsSts},
                                      {"cloudflare-token", VerifyWith::CloudflareToken},
                                      {"cloudflare-scannable", VerifyWith::CloudflareScannable}};
  return t;
}

const Table<RemediationKind>& remediations() {
  static const Table<RemediationKind> t = {
      {"aws-access-key", RemediationKind::AwsAccessKey},
      {"aws-secret-key", RemediationKind::AwsSecretKey},
      {"aws-session-token", RemediationKind::AwsSessionToken},
      {"aws-principal-id", RemediationKind::AwsPrincipalId},
      {"cloudflare-api-token", RemediationKind::CloudflareApiToken},
      {"cloudflare-scannable", RemediationKind::CloudflareScannable},
      {"cloudflare-global-api-key", RemediationKind::CloudflareGlobalKey},
      {"cloudflare-origin-ca-key", RemediationKind::CloudflareOriginCaKey},
      {"cloudflare-r2", RemediationKind::CloudflareR2}};
  return t;
}

template <typename E>
bool parse(const Table<E>& t, const std::string& name, E* out) {
  for (auto& [n, v] : t)
    if (name == n) {
      *out = v;
      return true;
    }
  return false;
}

template <typename E>
const char* name_of(const Table<E>& t, E v) {
  for (auto& [n, e] : t)
    if (e == v) return n;
  return "";
}

template <typename E>
std::vector<std::string> names(const Table<E>& t) {
  std::vector<std::string> out;
  for (auto& [n, e] : t) out.emplace_back(n);
  return out;
}

}  // namespace

bool parse_enricher(const std::string& name, Enricher* out) { return parse(enrichers(), name, out); }
bool parse_verify_with(const std::string& name, VerifyWith* out) { return parse(verifiers(), name, out); }
bool parse_remediation_kind(const std::string& name, RemediationKind* out) {
  return parse(remediations(), name, out);
}
const char* enricher_name(Enricher e) { return name_of(enrichers(), e); }
const char* verify_with_name(VerifyWith v) { return name_of(verifiers(), v); }
const char* remediation_kind_name(RemediationKind k) { return name_of(remediations(), k); }
std::vector<std::string> enricher_names() { return names(enrichers()); }
std::vector<std::string> verify_with_names() { return names(verifiers()); }
std::vector<std::string> remediation_kind_names() { return names(remediations()); }

}  // namespace keyhound
