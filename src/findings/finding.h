// The finding model: one secret (or one key pair) found at one place.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rules/provider_facts.h"

namespace keyhound {

// How a finding was suppressed (the SARIF suppression kinds).
enum class SuppressionKind { None, InSource, External };
// Against a --baseline: not in it, or already in it.
enum class BaselineState { None, New, Unchanged };
// What --verify learned (src/verify/verifier.h says what each means).
enum class Verification { None, Valid, Rejected, Unknown, Unverifiable };
// The words every output format uses: "inSource"/"external", "new"/"unchanged",
// "valid"/"rejected"/"unknown"/"unverifiable"; "" for None.
const char* suppression_kind_name(SuppressionKind k);
const char* baseline_state_name(BaselineState s);
const char* verification_name(Verification v);

// What to do about a leaked key (src/verify/remediation.h fills it).
struct Remediation {
  std::string kind;       // aws-long-term, cloudflare-api-token, staged, ... (remediation.h)
  std::string summary;    // one line, for text output
  std::string markdown;   // numbered steps with commands
  std::string commands;   // the commands alone, one per line
  std::string reference;  // documentation URL
};

// A secret merged into another finding by a rule's attach_to (e.g. the AWS secret key that
// sits next to its access key ID).
struct FindingPart {
  std::string role;      // attach_role of the rule, e.g. "secret_access_key"
  std::string rule_id;
  std::string secret;
  uint64_t offset = 0;
  uint64_t line = 0;
  uint64_t column = 0;
  bool line_allows = false;  // its line carries keyhound:allow, which allows the whole pair
};

// Where the bytes came from. Sources fill this; the engine never looks at it.
struct Provenance {
  std::string path;        // file path, "-" for stdin, path inside the commit for git
  std::string commit;      // git only
  std::string author;
  std::string email;
  std::string date;        // ISO 8601
  std::string blob;        // git blob id
};

struct Finding {
  std::string rule_id;
  int rule_index = -1;
  ProviderFacts facts;     // the rule's: enrichment, verifier, advice
  std::string secret;      // the exact secret bytes (never print without redaction)
  std::string match;       // the whole regex match
  uint64_t offset = 0;     // byte offset of the secret in the file/blob
  uint64_t line = 0;       // 1-based; 0 when lines make no sense (binary)
  uint64_t column = 0;     // 1-based byte column
  uint64_t end_line = 0;
  std::string line_text;   // the line holding the secret (bounded)
  bool binary = false;
  double entropy = 0.0;
  bool example = false;    // a provider's documentation example (hidden unless asked)
  std::vector<FindingPart> parts;
  // The decoders that revealed the secret, outermost first ("base64", "escape"); empty when
  // it was found as written. offset/line/column are then the encoded span's start.
  std::vector<std::string> decoded;
  // Set when the text held no evidence for the rule: the finding stands only if its file's path
  // matches one of these globs (the rule's evidence_files), checked once the path is known.
  std::vector<std::string> evidence_files;
  // Other rules' candidates on the same bytes that wait for other files (a tugboat api_key is a
  // Datadog key only in datadog.yaml): the first whose file the path is takes this one's place
  // when this one's is not. Emptied once the path is known.
  std::vector<Finding> fallbacks;
  std::map<std::string, std::string> properties;  // e.g. kind, aws_account_id
  // Shared: findings with equal advice (one finding per fork of an audit) hold one copy.
  std::shared_ptr<const Remediation> remediation;
  Provenance where;
  std::string fingerprint;
  // Suppression / baseline state, set by findings/suppress.*
  bool suppressed = false;
  SuppressionKind suppression_kind = SuppressionKind::None;  // InSource: an inline allow
  std::string suppression_reason;
  BaselineState baseline_state = BaselineState::None;
  // Opt-in verification (src/verify/).
  Verification verified = Verification::None;
  std::string verified_detail;
};

}  // namespace keyhound
