#include "findings/suppress.h"

namespace keyhound {

bool has_inline_allow(const Finding& f) {
  if (f.line_text.find("keyhound:allow") != std::string::npos) return true;
  for (const auto& p : f.parts)
    if (p.line_allows) return true;
  return false;
}

void apply_inline_allow(Finding& f) {
  if (f.suppressed || !has_inline_allow(f)) return;
  f.suppressed = true;
  f.suppression_kind = "inSource";
  f.suppression_reason = "inline keyhound:allow";
}

}  // namespace keyhound
