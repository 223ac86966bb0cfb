#include "checks/shape.h"

#include <cctype>

namespace keyhound {
namespace {

bool alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool upper(char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; }
bool lower(char c) { return std::islower(static_cast<unsigned char>(c)) != 0; }
bool vowel(char c) {
  switch (std::tolower(static_cast<unsigned char>(c))) {
    case 'a': case 'e': case 'i': case 'o': case 'u': case 'y': return true;
    default: return false;
  }
}

// The pieces a name is made of: runs split at non-alphanumerics, letter/digit changes,
// lower->Upper ("secretKey") and the last capital of an acronym before a word ("HTTPServer").
template <typename F>
void for_each_piece(std::string_view s, F&& f) {
  size_t i = 0, n = s.size();
  while (i < n) {
    if (!alpha(s[i]) && !digit(s[i])) { ++i; continue; }
    size_t j = i + 1;
    while (j < n) {
      char p = s[j - 1], c = s[j];
      if (!alpha(c) && !digit(c)) break;
      if (digit(c) != digit(p)) break;
      if (lower(p) && upper(c)) break;
      if (upper(p) && upper(c) && j + 1 < n && lower(s[j + 1])) break;
      ++j;
    }
    f(s.substr(i, j - i));
    i = j;
  }
}

// A piece a person would write: a number of at most 4 digits (a version, a year), an acronym
// of at most 5 capitals, or letters with a vowel and no run of 5 consonants or 5 vowels.
bool wordlike(std::string_view p) {
  if (digit(p[0])) return p.size() <= 4;
  if (p.size() == 1) return true;
  bool all_upper = true;
  for (char c : p) all_upper = all_upper && upper(c);
  if (all_upper && p.size() <= 5) return true;
  int cons = 0, vows = 0, seen_vowel = 0;
  for (char c : p) {
    if (vowel(c)) { ++vows; cons = 0; seen_vowel = 1; }
    else { ++cons; vows = 0; }
    if (cons > 4 || vows > 4) return false;
  }
  return seen_vowel;
}

// A whole path segment that abbreviates a word without a vowel: mnt, src, cfg, tmp, pkg, kms.
bool abbreviation(std::string_view seg) {
  if (seg.empty() || seg.size() > 3) return false;
  for (char c : seg)
    if (!lower(c)) return false;
  return true;
}

// A name made of word-like pieces, most of them longer than two letters: random base64 splits
// into many one- and two-letter pieces at its case changes and digits.
bool name_shaped(std::string_view s, size_t min_pieces) {
  size_t pieces = 0, letters = 0, letter_pieces = 0, short_pieces = 0, numbers = 0;
  bool ok = true;
  for_each_piece(s, [&](std::string_view p) {
    ++pieces;
    if (!wordlike(p)) ok = false;
    // One number (a version, a year) is how names carry digits; random text scatters several.
    if (digit(p[0]) && ++numbers > 1) ok = false;
    if (alpha(p[0])) {
      ++letter_pieces;
      letters += p.size();
      if (p.size() <= 2) ++short_pieces;
    }
  });
  if (!ok || pieces < min_pieces || letter_pieces == 0) return false;
  if (short_pieces * 4 > letter_pieces && short_pieces > 1) return false;
  return letters >= 3 * letter_pieces;
}

}  // namespace

bool looks_like_identifier(std::string_view v) {
  if (v.empty() || v.find_first_of("+/=") != std::string_view::npos) return false;
  if (name_shaped(v, 1)) return true;
  // Generated names: a name plus an 8-digit upper-case hex hash, as AWS CDK writes its logical
  // IDs ("SecretAccessKeyParameterC0FFEE12").
  if (v.size() >= 24) {
    std::string_view tail = v.substr(v.size() - 8);
    bool hex = true, has_digit = false;
    for (char c : tail) {
      hex = hex && (digit(c) || (c >= 'A' && c <= 'F'));
      has_digit = has_digit || digit(c);
    }
    if (hex && has_digit && lower(v[v.size() - 9])) return name_shaped(v.substr(0, v.size() - 8), 2);
  }
  return false;
}

bool looks_like_path(std::string_view v) {
  if (v.find('/') == std::string_view::npos || v.find_first_of("+=") != std::string_view::npos) return false;
  size_t segments = 0;
  size_t i = 0;
  while (i <= v.size()) {
    size_t j = v.find('/', i);
    if (j == std::string_view::npos) j = v.size();
    std::string_view seg = v.substr(i, j - i);
    // A file extension (.txt, .json, .pem) need not read as a word.
    if (size_t dot = seg.rfind('.'); dot != std::string_view::npos && dot > 0 && seg.size() - dot <= 6)
      seg = seg.substr(0, dot);
    if (!seg.empty()) {
      ++segments;
      bool number = true;
      for (char c : seg) number = number && (digit(c) || c == '-' || c == '_' || c == '.');
      if (!number && !abbreviation(seg) && !name_shaped(seg, 1)) return false;
    }
    i = j + 1;
  }
  return segments >= 2;
}

bool looks_like_letters_only(std::string_view v) {
  if (v.empty()) return false;
  int changes = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    if (!alpha(v[i])) return false;
    if (i > 0 && upper(v[i]) != upper(v[i - 1])) ++changes;
  }
  // Random letters change case at every other character on average (19.5 of 39 boundaries
  // for 40 characters); upper-case or lower-case names change at most at a few word starts. Calibrated in docs/aws-detection.md.
  return changes * 4 <= static_cast<int>(v.size());
}

const char* rejected_shape(const std::vector<std::string>& shapes, std::string_view v) {
  for (const auto& s : shapes) {
    if (s == "identifier" && looks_like_identifier(v)) return "identifier";
    if (s == "path" && looks_like_path(v)) return "path";
    if (s == "letters-only" && looks_like_letters_only(v)) return "letters-only";
  }
  return nullptr;
}

}  // namespace keyhound
