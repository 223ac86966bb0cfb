#include <gtest/gtest.h>

#include "engine/database.h"
#include "engine/regex_width.h"
#include "rules/rule_loader.h"
#include "rules/rule_loader.h"

using namespace keyhound;

TEST(RegexWidth, Fragments) {
  EXPECT_EQ(regex_max_width("abc"), 3);
  EXPECT_EQ(regex_max_width("[A-Z2-7]{16}"), 16);
  EXPECT_EQ(regex_max_width("a{2,5}"), 5);
  EXPECT_EQ(regex_max_width("a+"), -1);
  EXPECT_EQ(regex_max_width("(?:ab|cde)f?"), 4);
  EXPECT_EQ(regex_max_width("\\b(?:^|[^a-z])x"), 5);  // a negated class may be 4 UTF-8 bytes
  EXPECT_EQ(regex_max_width("(?i)abc"), 3);
  EXPECT_EQ(regex_max_width("."), 4);
}

TEST(RegexWidth, KeywordReach) {
  auto r = keyword_reach("\\b((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\\b", "akia");
  EXPECT_EQ(r.before, 0);
  EXPECT_GE(r.after, 16);
  EXPECT_LE(r.after, 24);
  auto g = keyword_reach("\\b(ghp_[A-Za-z0-9]{36})\\b", "ghp_");
  EXPECT_EQ(g.before, 0);
  EXPECT_EQ(g.after, 36);
  auto t = keyword_reach("\\b([0-9]{8,10}:AA[A-Za-z0-9_-]{33})\\b", ":AA");
  EXPECT_EQ(t.before, 10);
  EXPECT_EQ(t.after, 33);
  // Not a literal of the regex: unknown, the rule's full window is used.
  auto n = keyword_reach("([A-Za-z0-9/+]{40})", "secret_access");
  EXPECT_EQ(n.before, -1);
  // Unbounded after the keyword.
  auto u = keyword_reach("sl\\.[A-Za-z0-9_-]{130,}", "sl.");
  EXPECT_EQ(u.before, 0);
  EXPECT_EQ(u.after, -1);
  // A repeated group around the keyword: unknown on both sides.
  auto rep = keyword_reach("(?:x(KEY)y)+", "key");
  EXPECT_EQ(rep.before, -1);
  // Keyword inside an optional group's alternation, continuation after the group counts.
  auto alt = keyword_reach("(?:AKIAQQQQQQQQQQ|ASIA)X{5}", "akia");
  EXPECT_GE(alt.after, 15);
}

TEST(KeywordCase, FromRegex) {
  std::string k = "akia";
  EXPECT_TRUE(keyword_case_from_regex("\\b((?:AKIA|ASIA)[A-Z2-7]{16})\\b", k));
  EXPECT_EQ(k, "AKIA");
  std::string s = "sl.";
  EXPECT_TRUE(keyword_case_from_regex("\\b(sl\\.[A-Za-z0-9_-]{130,})", s));
  std::string c = "cloudflare";
  EXPECT_FALSE(keyword_case_from_regex("(?i)cloudflare[_-]?token", c));
  std::string x = "secret";
  EXPECT_FALSE(keyword_case_from_regex("([A-Za-z0-9/+]{40})", x));
}

TEST(RegexRequiredBytes, TopLevelPunctuationOnly) {
  using keyhound::regex_required_bytes;
  // user:password@host URLs: ':' and '@' are in every match.
  EXPECT_EQ(regex_required_bytes(R"((?i:\bhttps?://)[A-Za-z0-9._%+~-]{1,64}:([A-Za-z0-9._~!%^&()+=,;|-]{6,128})@[A-Za-z0-9\[])"),
            ":@");
  EXPECT_EQ(regex_required_bytes(R"(xoxb-[0-9]+\.[a-z]{4})"), "-.");
  // Optional, inside a group or class, or behind a top-level alternation: not required.
  EXPECT_EQ(regex_required_bytes(R"(a=?b)"), "");
  EXPECT_EQ(regex_required_bytes(R"(a:{0,2}b)"), "");
  EXPECT_EQ(regex_required_bytes(R"(a(?:=|:)b)"), "");
  EXPECT_EQ(regex_required_bytes(R"(a[=:]b)"), "");
  EXPECT_EQ(regex_required_bytes(R"(a=b|c)"), "");
  EXPECT_EQ(regex_required_bytes(R"(k(a|b)=v)"), "=");
  EXPECT_EQ(regex_required_bytes(R"(a:+b)"), ":");
  EXPECT_EQ(regex_required_bytes(R"(a:{1,3}b)"), ":");
  EXPECT_EQ(regex_required_bytes(R"(a.b\d\w)"), "");   // '.' is any byte
  EXPECT_EQ(regex_required_bytes(R"(\bab\b)"), "");    // zero-width escapes
  EXPECT_EQ(regex_required_bytes(R"([\]]x(a))"), "");  // classes with ']' and groups skipped
  EXPECT_EQ(regex_required_bytes(R"(unbalanced(a)"), "");
}

// Sound: every built-in rule's examples contain the bytes its regex is said to require.
TEST(RegexRequiredBytes, BuiltinExamplesContainThem) {
  auto rs = keyhound::make_rule_set(keyhound::load_builtin_rules());
  for (auto& r : rs.rules) {
    std::string req = keyhound::regex_required_bytes(r.regex);
    for (auto& ex : r.examples)
      for (char c : req) EXPECT_NE(ex.find(c), std::string::npos) << r.id << ": '" << c << "' in " << ex;
  }
}
