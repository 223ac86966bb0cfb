#include <gtest/gtest.h>

#include "engine/database.h"
#include "engine/regex_width.h"

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
