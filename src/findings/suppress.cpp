#include "findings/suppress.h"

namespace keyhound {

bool has_inline_allow(const Finding& f) {
  // gitleaks' marker too, so code already annotated for gitleaks needs no second comment.
  return f.line_text.find("keyhound:allow") != std::string::npos ||
         f.line_text.find("gitleaks:allow") != std::string::npos;
}

void apply_inline_allow(Finding& f) {
  if (f.suppressed || !has_inline_allow(f)) return;
  f.suppressed = true;
  f.suppression_kind = "inSource";
  f.suppression_reason = "inline keyhound:allow";
}

}  // namespace keyhound
