#include "findings/finding.h"

namespace keyhound {

const char* suppression_kind_name(SuppressionKind k) {
  switch (k) {
    case SuppressionKind::InSource: return "inSource";
    case SuppressionKind::External: return "external";
    case SuppressionKind::None: break;
  }
  return "";
}

const char* baseline_state_name(BaselineState s) {
  switch (s) {
    case BaselineState::New: return "new";
    case BaselineState::Unchanged: return "unchanged";
    case BaselineState::None: break;
  }
  return "";
}

const char* verification_name(Verification v) {
  switch (v) {
    case Verification::Valid: return "valid";
    case Verification::Rejected: return "rejected";
    case Verification::Unknown: return "unknown";
    case Verification::Unverifiable: return "unverifiable";
    case Verification::None: break;
  }
  return "";
}

}  // namespace keyhound
