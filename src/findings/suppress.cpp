#include "findings/suppress.h"

namespace keyhound {

bool has_inline_allow(const Finding& f) {
  return f.line_text.find("keyhound:allow") != std::string::npos;
}

void apply_inline_allow(Finding& f) {
  if (f.suppressed || !has_inline_allow(f)) return;
  f.suppressed = true;
  f.suppression_kind = "inSource";
  f.suppression_reason = "inline keyhound:allow";
}

}  // namespace keyhound
