// Built-in rules load without compiling their regexes (start-up speed for the pre-commit hook);
// the Scanner compiles each rule's on first use. These tests keep that safe.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <random>
#include <thread>

#include "engine/database.h"
#include "engine/scanner.h"
#include "rules/rule_loader.h"
#include "fake_keys.h"

using namespace keyhound;

namespace {
std::string fake_id(unsigned seed) { return keyhound_test::fake_key_id(seed); }
}  // namespace

TEST(RuleLazyCompile, BuiltinRulesLoadUncompiledAndAllCompile) {
  auto rules = load_builtin_rules();
  ASSERT_FALSE(rules.empty());
  for (auto& r : rules) {
    EXPECT_FALSE(r.re) << r.id << " compiled at load time";
    EXPECT_NO_THROW(compile_rule_regexes(r)) << r.id;
    ASSERT_TRUE(r.re) << r.id;
    EXPECT_TRUE(r.re->ok()) << r.id;
    EXPECT_GE(r.secret_group, 0) << r.id;
    EXPECT_LE(r.secret_group, r.re->NumberOfCapturingGroups()) << r.id;
  }
}

TEST(RuleLazyCompile, ScannerCompilesOnlyRulesItNeedsFromManyThreads) {
  RuleSet rs = make_rule_set(load_builtin_rules());
  Database db(rs, "");
  Scanner sc(rs, db);
  std::string text = "aws_access_key_id = " + fake_id(5) + "\n";
  std::vector<size_t> counts(4);
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&, t] {
      Scratch scratch(db);
      counts[t] = sc.scan_block(text, scratch).size();
    });
  for (auto& t : ts) t.join();
  for (size_t c : counts) EXPECT_EQ(c, 1u);
  int idx = rs.find("aws-access-key-id");
  ASSERT_GE(idx, 0);
  EXPECT_TRUE(rs.rules[idx].re);
  size_t compiled = 0;
  for (auto& r : rs.rules) compiled += r.re ? 1 : 0;
  EXPECT_LT(compiled, rs.rules.size() / 2) << "a small input should not compile most rules";
}

TEST(RuleLazyCompile, UserRuleFilesStillFailAtLoad) {
  EXPECT_THROW(parse_rule_file("[[rule]]\nid = \"x\"\nname = \"n\"\nkeywords=[\"abc\"]\nregex = '(abc'\n", "u.toml"),
               RuleError);
}
