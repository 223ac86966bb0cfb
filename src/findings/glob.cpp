#include "findings/glob.h"

#include <stdexcept>

namespace keyhound {
namespace {

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  size_t b = 0;
  while (b <= s.size()) {
    size_t e = s.find('/', b);
    if (e == std::string_view::npos) e = s.size();
    if (e > b) out.push_back(s.substr(b, e - b));  // empty segments ("a//b") are dropped
    b = e + 1;
  }
  return out;
}

// Parses a [...] class at pat[i] (pat[i] == '['); sets `end` past the ']'. Returns whether
// `c` is in it. Returns false with end = npos if the class is unterminated.
bool match_class(std::string_view pat, size_t i, char c, size_t& end) {
  size_t j = i + 1;
  bool neg = false;
  if (j < pat.size() && (pat[j] == '!' || pat[j] == '^')) {
    neg = true;
    ++j;
  }
  bool hit = false;
  bool first = true;
  while (j < pat.size() && (first || pat[j] != ']')) {
    first = false;
    char lo = pat[j];
    if (lo == '\\' && j + 1 < pat.size()) lo = pat[++j];
    char hi = lo;
    if (j + 2 < pat.size() && pat[j + 1] == '-' && pat[j + 2] != ']') {
      hi = pat[j + 2];
      if (hi == '\\' && j + 3 < pat.size()) {
        hi = pat[j + 3];
        ++j;
      }
      j += 2;
    }
    if (lo <= c && c <= hi) hit = true;
    ++j;
  }
  if (j >= pat.size()) {
    end = std::string_view::npos;
    return false;
  }
  end = j + 1;
  return hit != neg;
}

bool seg_match(std::string_view p, size_t pi, std::string_view s, size_t si) {
  while (pi < p.size()) {
    char c = p[pi];
    if (c == '*') {
      while (pi < p.size() && p[pi] == '*') ++pi;
      if (pi == p.size()) return true;
      for (size_t k = si; k <= s.size(); ++k)
        if (seg_match(p, pi, s, k)) return true;
      return false;
    }
    if (si >= s.size()) return false;
    if (c == '?') {
      ++pi;
      ++si;
      continue;
    }
    if (c == '[') {
      size_t end;
      bool in = match_class(p, pi, s[si], end);
      if (end == std::string_view::npos) {  // literal '['
        if (s[si] != '[') return false;
        ++pi;
        ++si;
        continue;
      }
      if (!in) return false;
      pi = end;
      ++si;
      continue;
    }
    if (c == '\\' && pi + 1 < p.size()) c = p[++pi];
    if (c != s[si]) return false;
    ++pi;
    ++si;
  }
  return si == s.size();
}

}  // namespace

bool glob_match_segment(std::string_view pat, std::string_view name) { return seg_match(pat, 0, name, 0); }

PathGlob::PathGlob(const std::string& pattern) : pattern_(pattern) {
  std::string_view p = pattern;
  if (p.empty()) throw std::invalid_argument("empty path pattern");
  bool anchored = false;
  while (p.substr(0, 2) == "./") {
    p.remove_prefix(2);
    anchored = true;
  }
  if (!p.empty() && p[0] == '/') {
    anchored = true;
    while (!p.empty() && p[0] == '/') p.remove_prefix(1);
  }
  bool dir_only = !p.empty() && p.back() == '/';
  while (!p.empty() && p.back() == '/') p.remove_suffix(1);
  if (p.empty()) throw std::invalid_argument("path pattern '" + pattern + "' names no path");
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      ++i;
      continue;
    }
    if (p[i] == '[') {
      size_t end;
      match_class(p, i, 'x', end);
      if (end == std::string_view::npos) throw std::invalid_argument("path pattern '" + pattern + "': unterminated '['");
      i = end - 1;
    }
  }
  bool has_slash = p.find('/') != std::string_view::npos;
  if (!anchored && !has_slash) segs_.push_back("**");
  for (auto s : split(p)) segs_.emplace_back(s);
  (void)dir_only;  // "dir/" and "dir" behave alike: a match on a directory covers its contents
}

bool PathGlob::matches(std::string_view path) const {
  while (path.substr(0, 2) == "./") path.remove_prefix(2);
  auto segs = split(path);
  // dp[i][j]: pattern segments [i..) match path segments [j..) where the path may stop early at
  // a directory boundary (a match on a directory covers everything below it).
  size_t P = segs_.size(), S = segs.size();
  std::vector<std::vector<char>> dp(P + 1, std::vector<char>(S + 1, 0));
  for (size_t j = 0; j <= S; ++j) dp[P][j] = 1;  // pattern used up: path at j or below matches
  for (size_t i = P; i-- > 0;) {
    for (size_t j = S + 1; j-- > 0;) {
      if (segs_[i] == "**") {
        dp[i][j] = dp[i + 1][j] || (j < S && dp[i][j + 1]);
      } else {
        dp[i][j] = j < S && glob_match_segment(segs_[i], segs[j]) && dp[i + 1][j + 1];
      }
    }
  }
  return dp[0][0];
}

}  // namespace keyhound
