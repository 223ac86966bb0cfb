// The pipeline's shared types: skip reasons have one word each; the tally applies the one rule
// for errors and warnings.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "findings/skip_reason.h"
#include "pipeline/item.h"

using namespace keyhound;

TEST(SkipReason, EveryReasonHasItsOwnWord) {
  std::set<std::string> words;
  int n = 0;
  for (int r = 0; r <= static_cast<int>(SkipReason::CorruptArchive); ++r, ++n)
    words.insert(skip_reason_word(static_cast<SkipReason>(r)));
  EXPECT_EQ(words.size(), static_cast<size_t>(n));
  EXPECT_STREQ(skip_reason_word(SkipReason::AllowlistedPath), "allowlisted path");
}

TEST(SkipReason, CountsPrintSortedByWordAndAddUp) {
  SkipCounts a{{SkipReason::TooLarge, 2}, {SkipReason::AllowlistedPath, 1}};
  add_skip_counts(a, {{SkipReason::TooLarge, 3}, {SkipReason::LfsPointer, 0}});
  auto words = skip_counts_by_word(a);
  ASSERT_EQ(words.size(), 2u);  // a zero count is not printed
  EXPECT_EQ(words.begin()->first, "allowlisted path");
  EXPECT_EQ(words["too large"], 5u);
}

TEST(Tally, ErrorsCountWarningsDoNot) {
  Tally t;
  ItemOutcome unreadable;
  unreadable.path = "a";
  unreadable.skip = SkipReason::Unreadable;
  unreadable.problem = Problem{ProblemLevel::Warning, "a: permission denied"};
  t.add(std::move(unreadable));
  EXPECT_EQ(t.result.summary.errors, 0u);
  EXPECT_EQ(t.result.summary.skipped[SkipReason::Unreadable], 1u);
  ItemOutcome damaged;
  damaged.path = "blob x";
  damaged.problem = Problem{ProblemLevel::Error, "blob x: corrupt"};
  t.add(std::move(damaged));
  EXPECT_EQ(t.result.summary.errors, 1u);
  ASSERT_EQ(t.problems.size(), 2u);
  EXPECT_EQ(t.problems[0].level, ProblemLevel::Warning);
  EXPECT_EQ(t.problems[1].line, "blob x: corrupt");
}

TEST(Tally, ScannedItemsAddUpAndKeepFindingsInOrder) {
  Tally t;
  t.add_clean(3, 300, 1);
  ItemOutcome member;  // an item inside another one: its provenance path says so
  member.path = "app.war!WEB-INF/x.properties";
  member.scanned = true;
  member.bytes = 10;
  member.findings.resize(2);
  member.findings[0].rule_id = "first";
  member.findings[1].rule_id = "second";
  EXPECT_FALSE(member.clean());
  t.add(std::move(member));
  EXPECT_EQ(t.result.summary.files_scanned, 4u);
  EXPECT_EQ(t.result.summary.bytes_scanned, 310u);
  EXPECT_EQ(t.streamed, 1u);
  ASSERT_EQ(t.result.findings.size(), 2u);
  EXPECT_EQ(t.result.findings[1].rule_id, "second");
}
