#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

#include "engine/newlines.h"

TEST(CountNewlines, MatchesStdCountAtEveryLengthAndAlignment) {
  std::mt19937 rng(7);
  std::string s(4096 + 64, 'x');
  for (auto& c : s) c = "ab\n\n\xff\x0a\x8a\x00"[rng() % 8];
  for (size_t off = 0; off < 40; ++off)
    for (size_t n : {0ul, 1ul, 7ul, 8ul, 9ul, 31ul, 32ul, 33ul, 63ul, 64ul, 65ul, 1000ul, 4096ul})
      EXPECT_EQ(keyhound::count_newlines(s.data() + off, n),
                static_cast<uint64_t>(std::count(s.begin() + off, s.begin() + off + n, '\n')))
          << "off " << off << " n " << n;
  std::string all(1000, '\n');
  EXPECT_EQ(keyhound::count_newlines(all.data(), all.size()), 1000u);
}
