#include "checks/context.h"

#include <re2/re2.h>

#include <algorithm>

namespace keyhound {
namespace {

// Start of the line `lines` lines above the one holding `pos`, not before `floor`.
size_t back_lines(std::string_view buf, size_t pos, int lines, size_t floor) {
  size_t i = pos;
  int seen = 0;
  while (i > floor) {
    if (buf[i - 1] == '\n') {
      if (seen == lines) break;
      ++seen;
    }
    --i;
  }
  return i;
}

// End (exclusive, before the newline) of the line `lines` lines below the one holding `pos`.
size_t forward_lines(std::string_view buf, size_t pos, int lines, size_t ceil) {
  size_t i = pos;
  int seen = 0;
  while (i < ceil) {
    if (buf[i] == '\n') {
      if (seen == lines) break;
      ++seen;
    }
    ++i;
  }
  return i;
}

std::string blanked(std::string_view buf, size_t from, size_t to, size_t soff, size_t slen) {
  std::string s(buf.substr(from, soff - from));
  s += ' ';
  s.append(buf.substr(soff + slen, to - (soff + slen)));
  return s;
}

}  // namespace

bool has_context_evidence(const Rule& rule, std::string_view buf, size_t soff, size_t slen,
                          size_t limit) {
  size_t floor = soff > limit ? soff - limit : 0;
  size_t ceil = std::min(buf.size(), soff + slen + limit);
  if (rule.context_line_re) {
    size_t a = back_lines(buf, soff, 0, floor), b = forward_lines(buf, soff + slen, 0, ceil);
    if (RE2::PartialMatch(blanked(buf, a, b, soff, slen), *rule.context_line_re)) return true;
  }
  if (rule.context_nearby_re) {
    size_t a = back_lines(buf, soff, rule.context_lines, floor);
    size_t b = forward_lines(buf, soff + slen, rule.context_lines, ceil);
    if (RE2::PartialMatch(blanked(buf, a, b, soff, slen), *rule.context_nearby_re)) return true;
  }
  return false;
}

std::string line_around(std::string_view buf, size_t soff, size_t slen, size_t limit) {
  size_t floor = soff > limit ? soff - limit : 0;
  size_t ceil = std::min(buf.size(), soff + slen + limit);
  size_t a = back_lines(buf, soff, 0, floor), b = forward_lines(buf, soff + slen, 0, ceil);
  if (b > a && buf[b - 1] == '\r') --b;
  return std::string(buf.substr(a, b - a));
}

}  // namespace keyhound
