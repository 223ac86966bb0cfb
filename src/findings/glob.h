// Path globs for allowlists, matched against paths relative to the scan root (or repository).
//
//   *      any run of characters except '/'
//   ?      one character except '/'
//   [abc]  [a-z] [!abc]  one character from (or not from) a set, never '/'
//   **     as a whole path segment: zero or more segments ("**/testdata/**", "a/**/b")
//   \x     the character x literally
//
// A pattern without a '/' (other than a trailing one) matches a name at any depth: "*.lock" is
// "**/*.lock". A leading "/" or "./" anchors the pattern at the root. A trailing "/" means "this
// directory and everything under it". A pattern that matches a directory also matches every
// path below it, so "examples" leaves out examples/a/b.txt.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace keyhound {

class PathGlob {
 public:
  // Throws std::invalid_argument on a malformed pattern (empty, unterminated '[').
  explicit PathGlob(const std::string& pattern);
  // `path` is relative ("src/a.c"); a trailing '/' marks a directory and is ignored.
  bool matches(std::string_view path) const;
  const std::string& pattern() const { return pattern_; }

 private:
  std::string pattern_;
  std::vector<std::string> segs_;
};

// One segment (no '/') against one name: *, ?, [..], \ escapes.
bool glob_match_segment(std::string_view pat, std::string_view name);

}  // namespace keyhound
