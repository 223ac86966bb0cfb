#include "engine/regex_width.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace keyhound {
namespace {

constexpr long kUnbounded = -1;

long add(long a, long b) { return a < 0 || b < 0 ? kUnbounded : a + b; }
long mul(long a, long n) { return a < 0 || n < 0 ? kUnbounded : a * n; }
long maxw(long a, long b) { return a < 0 || b < 0 ? kUnbounded : std::max(a, b); }

struct Parser {
  const std::string& s;
  size_t i = 0;
  bool suffix_mode = false;     // an unmatched ')' closes a group opened before the fragment
  bool group_repeated = false;  // such a group is followed by * + or {..}

  // Applies a quantifier at s[i] (if any) to width w.
  long quantify(long w) {
    if (i >= s.size()) return w;
    char c = s[i];
    long out = w;
    if (c == '*' || c == '+') { out = kUnbounded; ++i; }
    else if (c == '?') { ++i; }
    else if (c == '{') {
      size_t close = s.find('}', i);
      if (close == std::string::npos) return w;
      std::string body = s.substr(i + 1, close - i - 1);
      size_t comma = body.find(',');
      try {
        if (comma == std::string::npos) out = mul(w, std::stol(body));
        else if (comma + 1 == body.size()) out = kUnbounded;
        else out = mul(w, std::stol(body.substr(comma + 1)));
      } catch (...) {
        return w;  // a literal '{'
      }
      i = close + 1;
    } else {
      return w;
    }
    if (i < s.size() && (s[i] == '?' || s[i] == '+')) ++i;  // lazy / possessive marks
    return out;
  }

  long escape() {  // s[i] == '\\'
    ++i;
    if (i >= s.size()) return 1;
    char c = s[i++];
    switch (c) {
      case 'b': case 'B': case 'A': case 'z': case 'Z': return 0;
      case 'd': case 'w': case 's': return 1;
      case 'D': case 'W': case 'S': return 4;
      case 'x':
        if (i < s.size() && s[i] == '{') { i = s.find('}', i); i = i == std::string::npos ? s.size() : i + 1; }
        else i = std::min(s.size(), i + 2);
        return 4;
      case 'p': case 'P':
        if (i < s.size() && s[i] == '{') { i = s.find('}', i); i = i == std::string::npos ? s.size() : i + 1; }
        else ++i;
        return 4;
      default: return 1;
    }
  }

  long char_class() {  // s[i] == '['
    ++i;
    bool negated = i < s.size() && s[i] == '^';
    if (negated) ++i;
    if (i < s.size() && s[i] == ']') ++i;
    bool wide = negated;
    while (i < s.size() && s[i] != ']') {
      if (s[i] == '\\') {
        if (i + 1 < s.size() && (s[i + 1] == 'W' || s[i + 1] == 'S' || s[i + 1] == 'D' || s[i + 1] == 'x' ||
                                 s[i + 1] == 'p' || s[i + 1] == 'P'))
          wide = true;
        i += 2;
      } else if (s[i] == '[' && i + 1 < s.size() && s[i + 1] == ':') {
        size_t e = s.find(":]", i);
        i = e == std::string::npos ? s.size() : e + 2;
      } else {
        if (static_cast<unsigned char>(s[i]) >= 0x80) wide = true;
        ++i;
      }
    }
    if (i < s.size()) ++i;
    return wide ? 4 : 1;
  }

  // Alternation: max over branches; stops at ')' (not consumed) or end.
  long alternation() {
    long best = sequence();
    while (i < s.size() && s[i] == '|') {
      ++i;
      best = maxw(best, sequence());
    }
    return best;
  }

  long sequence() {
    long total = 0;
    while (i < s.size() && s[i] != '|' && s[i] != ')') {
      long w;
      char c = s[i];
      if (c == '(') {
        ++i;
        if (i < s.size() && s[i] == '?') {
          // (?:...), (?i), (?i:...), (?P<name>...)
          size_t j = i + 1;
          if (j < s.size() && s[j] == 'P' && j + 1 < s.size() && s[j + 1] == '<') {
            size_t e = s.find('>', j);
            i = e == std::string::npos ? s.size() : e + 1;
          } else {
            while (j < s.size() && (std::isalpha(static_cast<unsigned char>(s[j])) || s[j] == '-')) ++j;
            if (j < s.size() && s[j] == ')') {  // flags only: (?i)
              i = j + 1;
              continue;
            }
            i = j < s.size() && s[j] == ':' ? j + 1 : j;
          }
        }
        w = alternation();
        if (i < s.size() && s[i] == ')') ++i;  // an unclosed group (prefix fragment) ends here
      } else if (c == '[') {
        w = char_class();
      } else if (c == '\\') {
        w = escape();
      } else if (c == '^' || c == '$') {
        ++i;
        continue;
      } else if (c == '.') {
        ++i;
        w = 4;
      } else {
        ++i;
        w = 1;
      }
      total = add(total, quantify(w));
    }
    return total;
  }

  // Whole fragment; in suffix mode an unmatched ')' ends the keyword's own group: what followed
  // in that group and what follows the group both add up.
  long whole() {
    long total = 0;
    while (true) {
      long w = alternation();
      total = add(total, w);
      if (i >= s.size()) break;
      if (s[i] == ')') {
        ++i;
        if (i < s.size() && (s[i] == '*' || s[i] == '+' || s[i] == '{')) group_repeated = true;
        total = quantify(total) < 0 ? kUnbounded : total;
        continue;
      }
      ++i;
    }
    return total;
  }
};

// Positions (in `regex`) of literal occurrences of keyword, case-insensitive, outside classes.
std::vector<std::pair<size_t, size_t>> literal_positions(const std::string& regex, const std::string& kw) {
  std::string plain;
  std::vector<size_t> orig;  // plain index -> regex index of that char
  for (size_t i = 0; i < regex.size(); ++i) {
    if (regex[i] == '\\' && i + 1 < regex.size() && std::ispunct(static_cast<unsigned char>(regex[i + 1]))) {
      plain += regex[i + 1];
      orig.push_back(i);
      ++i;
    } else if (regex[i] == '\\' && i + 1 < regex.size()) {
      plain += '\0';
      orig.push_back(i);
      ++i;
    } else if (regex[i] == '[') {
      size_t j = i + 1;
      if (j < regex.size() && regex[j] == '^') ++j;
      if (j < regex.size() && regex[j] == ']') ++j;
      while (j < regex.size() && regex[j] != ']') j += regex[j] == '\\' ? 2 : 1;
      plain += '\0';
      orig.push_back(i);
      i = j;
    } else {
      plain += static_cast<char>(std::tolower(static_cast<unsigned char>(regex[i])));
      orig.push_back(i);
    }
  }
  orig.push_back(regex.size());
  std::string lk;
  for (char c : kw) lk += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::vector<std::pair<size_t, size_t>> out;
  if (lk.empty()) return out;
  for (size_t p = plain.find(lk); p != std::string::npos; p = plain.find(lk, p + 1)) {
    // A quantifier right after the last keyword character makes it optional or repeated.
    size_t end = orig[p + lk.size()];
    if (end < regex.size() && (regex[end] == '?' || regex[end] == '*' || regex[end] == '{' || regex[end] == '+'))
      continue;
    out.push_back({orig[p], end});
  }
  return out;
}

}  // namespace

long regex_max_width(const std::string& fragment) {
  Parser p{fragment};
  return p.whole();
}

KeywordReach keyword_reach(const std::string& regex, const std::string& keyword) {
  KeywordReach r;
  auto pos = literal_positions(regex, keyword);
  if (pos.empty()) return r;
  long before = 0, after = 0;
  for (auto [start, end] : pos) {
    Parser pre{regex.substr(0, start)};
    long b = pre.whole();
    Parser suf{regex.substr(end)};
    suf.suffix_mode = true;
    long a = suf.whole();
    if (suf.group_repeated) return KeywordReach{};
    before = maxw(before, b);
    after = maxw(after, a);
  }
  r.before = before < 0 ? -1 : static_cast<int>(std::min<long>(before, 1 << 20));
  r.after = after < 0 ? -1 : static_cast<int>(std::min<long>(after, 1 << 20));
  return r;
}

std::string regex_required_bytes(const std::string& r) {
  std::string out;
  size_t i = 0, n = r.size();
  // Skips a bracket class starting at r[i] == '['; returns the index just past it.
  auto skip_class = [&](size_t j) {
    ++j;
    if (j < n && r[j] == '^') ++j;
    if (j < n && r[j] == ']') ++j;  // a leading ']' is literal
    while (j < n && r[j] != ']') j += (r[j] == '\\' && j + 1 < n) ? 2 : 1;
    return j < n ? j + 1 : n;
  };
  while (i < n) {
    char c = r[i];
    bool literal = false;
    char lit = 0;
    if (c == '|') return "";  // top-level alternation: nothing is required by every branch
    if (c == '\\' && i + 1 < n) {
      char e = r[i + 1];
      i += 2;
      if (e == 'b' || e == 'B' || e == 'A' || e == 'z') continue;  // zero width
      if (std::ispunct(static_cast<unsigned char>(e))) {
        literal = true;
        lit = e;
      }
      // \d, \w, \x41, \pL...: an atom that is no single known byte
    } else if (c == '[') {
      i = skip_class(i);
    } else if (c == '(') {
      int depth = 0;
      size_t j = i;
      for (; j < n; ++j) {
        if (r[j] == '\\') { ++j; continue; }
        if (r[j] == '[') { j = skip_class(j) - 1; continue; }
        if (r[j] == '(') ++depth;
        else if (r[j] == ')' && --depth == 0) break;
      }
      if (j >= n) return "";  // unbalanced: not understood
      i = j + 1;
    } else if (c == '^' || c == '$') {
      ++i;
      continue;
    } else {
      ++i;
      if (c != '.') {
        literal = true;
        lit = c;
      }
    }
    // A quantifier that allows zero repetitions makes the atom optional.
    bool optional = false;
    if (i < n && (r[i] == '?' || r[i] == '*')) {
      optional = true;
      ++i;
    } else if (i < n && r[i] == '+') {
      ++i;
    } else if (i < n && r[i] == '{') {
      size_t e = r.find('}', i);
      if (e == std::string::npos) return "";
      size_t k = i + 1;
      while (k < e && r[k] == ' ') ++k;
      optional = k < e && r[k] == '0' && (k + 1 == e || r[k + 1] == ',' || r[k + 1] == '}');
      i = e + 1;
    }
    if (i < n && (r[i] == '?' || r[i] == '+')) ++i;  // lazy / possessive marker
    if (literal && !optional && std::ispunct(static_cast<unsigned char>(lit)) &&
        out.find(lit) == std::string::npos)
      out += lit;
  }
  return out;
}

}  // namespace keyhound
