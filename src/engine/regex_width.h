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

// Punctuation bytes that every match of `regex` contains: literal characters at the top level
// of the pattern (not in a group or class, not optional) when it has no top-level alternation.
// "" when there are none or the pattern is not understood. A window missing one of them
// cannot hold a match, so RE2 need not look (e.g. '@' and ':' of user:password@host URLs).
std::string regex_required_bytes(const std::string& regex);

}  // namespace keyhound
