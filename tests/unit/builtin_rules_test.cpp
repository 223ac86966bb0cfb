// The built-in rule table compiled at build time (tools/rulegen.cpp) against rules/*.toml as the
// loader reads them today: every field of every rule, in the same order.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "base/text_file.h"
#include "rules/rule_loader.h"

using namespace keyhound;

namespace {
// Every field of Rule that a rule file sets (a new field belongs here and in tools/rulegen.cpp).
void expect_same(const Rule& a, const Rule& b) {
  SCOPED_TRACE(a.source_file + ": " + a.id);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.provider, b.provider);
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.reference, b.reference);
  EXPECT_EQ(a.source_file, b.source_file);
  EXPECT_EQ(a.keywords, b.keywords);
  EXPECT_EQ(a.regex, b.regex);
  EXPECT_EQ(a.secret_group, b.secret_group);
  EXPECT_EQ(a.min_entropy, b.min_entropy);  // exact: printed with 17 digits
  EXPECT_EQ(a.window, b.window);
  EXPECT_EQ(a.checksum, b.checksum);
  EXPECT_EQ(a.value_check, b.value_check);
  EXPECT_EQ(a.severity, b.severity);
  EXPECT_EQ(a.family, b.family);
  EXPECT_EQ(a.enabled, b.enabled);
  EXPECT_EQ(a.context_line, b.context_line);
  EXPECT_EQ(a.context_nearby, b.context_nearby);
  EXPECT_EQ(a.context_lines, b.context_lines);
  EXPECT_EQ(a.reject_shapes, b.reject_shapes);
  EXPECT_EQ(a.evidence_files, b.evidence_files);
  EXPECT_EQ(a.doc_examples, b.doc_examples);
  EXPECT_EQ(a.facts.enrich, b.facts.enrich);
  EXPECT_EQ(a.facts.verify, b.facts.verify);
  EXPECT_EQ(a.facts.remediation, b.facts.remediation);
  EXPECT_EQ(a.attach_to, b.attach_to);
  EXPECT_EQ(a.attach_role, b.attach_role);
  EXPECT_EQ(a.attach_lines, b.attach_lines);
  EXPECT_EQ(a.examples, b.examples);
  EXPECT_EQ(a.negative_examples, b.negative_examples);
  EXPECT_FALSE(b.re) << "built-in regexes compile on first use";
}
}  // namespace

TEST(BuiltinRuleTable, EqualsTheTomlFilesParsedByTheLoader) {
  std::vector<std::string> files;
  for (auto& e : std::filesystem::directory_iterator(std::string(KEYHOUND_SOURCE_DIR) + "/rules"))
    if (e.path().extension() == ".toml") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  std::vector<Rule> from_toml;
  for (auto& f : files)
    for (auto& r : parse_rule_file(read_text_file(f, "rule file"), "rules/" + std::filesystem::path(f).filename().string(), true))
      from_toml.push_back(std::move(r));
  std::vector<Rule> table = load_builtin_rules();
  ASSERT_EQ(table.size(), from_toml.size());
  ASSERT_GT(table.size(), 200u);
  for (size_t i = 0; i < table.size(); ++i) expect_same(from_toml[i], table[i]);
}
