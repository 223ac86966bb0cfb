#include "findings/suppress.h"

namespace keyhound {

bool has_inline_allow(const Finding& f) {
  // gitleaks' marker too, so code already annotated for gitleaks needs no second comment.
  if (f.line_text.find("keyhound:allow") != std::string::npos ||
      f.line_text.find("gitleaks:allow") != std::string::npos)
    return true;
  for (const auto& p : f.parts)
    if (p.line_allows) return true;
  return false;
}

void apply_inline_allow(Finding& f) {
  if (f.suppressed || !has_inline_allow(f)) return;
  f.suppressed = true;
  f.suppression_kind = SuppressionKind::InSource;
  f.suppression_reason = "inline keyhound:allow";
}

}  // namespace keyhound
