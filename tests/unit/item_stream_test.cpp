// The ordered stream behind --format jsonl: items finish in any order, findings go out in item
// order, each as soon as every earlier item is done.
#include "pipeline/item_stream.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

using namespace keyhound;

namespace {
Finding finding(const std::string& fp) {
  Finding f;
  f.fingerprint = fp;
  return f;
}
}  // namespace

TEST(ItemStream, EmitsInItemOrderAsSoonAsThePrefixIsDone) {
  std::vector<std::string> out;
  ItemStream s([&](Finding& f) { out.push_back(f.fingerprint); }, false);
  s.done(2, {finding("c")});
  s.done(1, {finding("b1"), finding("b2")});
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(s.waiting(), 2u);
  s.done(0, {finding("a")});  // releases 1 and 2
  EXPECT_EQ(out, (std::vector<std::string>{"a", "b1", "b2", "c"}));
  s.done(3, {});
  s.done(4, {finding("e")});
  EXPECT_EQ(out.back(), "e");
  EXPECT_EQ(s.waiting(), 0u);
}

TEST(ItemStream, OncePerFingerprintKeepsTheFirstInItemOrder) {
  std::vector<std::string> out;
  ItemStream s([&](Finding& f) { out.push_back(f.fingerprint + std::to_string(f.line)); }, true);
  Finding late = finding("k");
  late.line = 9;
  Finding early = finding("k");
  early.line = 1;
  s.done(1, {late});
  s.done(0, {early});
  EXPECT_EQ(out, (std::vector<std::string>{"k1"}));
}

TEST(ItemStream, ManyThreadsGiveTheSameOrder) {
  std::vector<std::string> out;
  ItemStream s([&](Finding& f) { out.push_back(f.fingerprint); }, false);
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&s, t] {
      for (size_t i = t; i < 400; i += 4) s.done(i, {finding(std::to_string(i))});
    });
  for (auto& t : ts) t.join();
  ASSERT_EQ(out.size(), 400u);
  for (size_t i = 0; i < 400; ++i) EXPECT_EQ(out[i], std::to_string(i));
}
