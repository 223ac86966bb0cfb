// Bounds how far a rule's match can reach on each side of a keyword that sits literally in its
// regex, so the RE2 window around a hit can be a few dozen bytes instead of the rule's full
// window. RE2 scanning those windows is most of the engine's cost after Hyperscan.
#pragma once
#include <string>

namespace keyhound {

struct KeywordReach {
  int before = -1;  // max bytes a match can start before the keyword; -1 = unknown
  int after = -1;   // max bytes a match can end after the keyword; -1 = unknown
};

// Max width in bytes of an RE2 pattern fragment (UTF-8 aware: '.', negated classes and \W
// count 4 bytes); -1 when unbounded (*, +, {n,}) or not understood.
long regex_max_width(const std::string& fragment);
// Reach of `keyword` (matched case-insensitively as literal text of `regex`); both -1 when the
// keyword is not a literal of the regex.
KeywordReach keyword_reach(const std::string& regex, const std::string& keyword);

}  // namespace keyhound
