#include <gtest/gtest.h>

#include "engine/rule_examples.h"
#include "rules/rule_loader.h"

using namespace keyhound;

// Every built-in rule's examples and negative examples, through the real engine.
TEST(BuiltinRules, LoadAndPassTheirExamples) {
  RuleSet rs = make_rule_set(load_builtin_rules());
  ASSERT_GT(rs.rules.size(), 0u);
  auto failures = check_rule_examples(rs);
  for (auto& f : failures) ADD_FAILURE() << f;
}

TEST(BuiltinRules, EveryRuleHasDescriptionReferenceAndKeywords) {
  RuleSet rs = make_rule_set(load_builtin_rules());
  for (auto& r : rs.rules) {
    EXPECT_FALSE(r.description.empty()) << r.id;
    EXPECT_FALSE(r.keywords.empty()) << r.id;
    EXPECT_FALSE(r.provider.empty()) << r.id;
    EXPECT_FALSE(r.reference.empty()) << r.id;
  }
}

TEST(RuleLoader, MalformedTomlNamesFileAndLine) {
  try {
    parse_rule_file("provider = \"x\"\n[[rule]\nid = 1\n", "bad.toml");
    FAIL() << "expected RuleError";
  } catch (const RuleError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.toml:"), std::string::npos) << e.what();
  }
}

TEST(RuleLoader, BadRegexNamesRule) {
  try {
    parse_rule_file("provider = \"x\"\n[[rule]]\nid = \"x-bad\"\nname = \"n\"\nkeywords = [\"abc\"]\nregex = '''(unclosed'''\n",
                    "bad.toml");
    FAIL() << "expected RuleError";
  } catch (const RuleError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("x-bad"), std::string::npos) << m;
    EXPECT_NE(m.find("regex"), std::string::npos) << m;
  }
}

TEST(RuleLoader, MissingKeywordsRejected) {
  EXPECT_THROW(parse_rule_file("[[rule]]\nid = \"x\"\nname = \"n\"\nregex = 'abc'\n", "k.toml"), RuleError);
}

TEST(RuleLoader, UnknownFieldRejected) {
  EXPECT_THROW(parse_rule_file("[[rule]]\nid = \"x\"\nname = \"n\"\nkeywords=[\"abc\"]\nregex = 'abc'\nbogus = 1\n", "k.toml"),
               RuleError);
}

TEST(RuleLoader, DuplicateIdRejected) {
  auto a = parse_rule_file("[[rule]]\nid = \"x\"\nname = \"n\"\nkeywords=[\"abc\"]\nregex = 'abc'\n", "a.toml");
  auto b = parse_rule_file("[[rule]]\nid = \"x\"\nname = \"n\"\nkeywords=[\"abc\"]\nregex = 'abc'\n", "b.toml");
  a.insert(a.end(), b.begin(), b.end());
  EXPECT_THROW(make_rule_set(a), RuleError);
}

TEST(RuleLoader, ShortKeywordsNeedPunctuation) {
  auto rule = [](const std::string& kw) {
    return "[[rule]]\nid = \"x\"\nname = \"n\"\nkeywords=[\"" + kw + "\"]\nregex = 'Q~[a-z]{8}|ab[a-z]{8}'\n";
  };
  EXPECT_NO_THROW(parse_rule_file(rule("Q~"), "k.toml"));  // rare in text: allowed
  try {
    parse_rule_file(rule("ab"), "k.toml");
    FAIL() << "a two-letter keyword must be refused";
  } catch (const RuleError& e) {
    EXPECT_NE(std::string(e.what()).find("keyword 'ab'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_rule_file(rule("~"), "k.toml"), RuleError);
}
