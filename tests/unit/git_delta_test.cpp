// Git delta application on its own: copy and insert instructions, the 0x10000 copy length, and
// every way a damaged delta is refused before anything is written.
#include "sources/git_delta.h"

#include <gtest/gtest.h>

#include <string>

using namespace keyhound;

namespace {

std::string varint(uint64_t v) {
  std::string s;
  do {
    uint8_t c = v & 0x7f;
    v >>= 7;
    if (v) c |= 0x80;
    s.push_back(static_cast<char>(c));
  } while (v);
  return s;
}

// A copy instruction of `len` bytes at `off` (offset and size bytes only where non-zero).
std::string copy(uint32_t off, uint32_t len) {
  std::string args;
  uint8_t op = 0x80;
  for (int i = 0; i < 4; ++i)
    if ((off >> (8 * i)) & 0xff) {
      op |= 1 << i;
      args.push_back(static_cast<char>((off >> (8 * i)) & 0xff));
    }
  for (int i = 0; i < 3; ++i)
    if ((len >> (8 * i)) & 0xff) {
      op |= 0x10 << i;
      args.push_back(static_cast<char>((len >> (8 * i)) & 0xff));
    }
  return std::string(1, static_cast<char>(op)) + args;
}

std::string insert(const std::string& bytes) { return std::string(1, static_cast<char>(bytes.size())) + bytes; }

std::string delta(size_t base, size_t result, const std::string& ops) { return varint(base) + varint(result) + ops; }

}  // namespace

TEST(GitDelta, CopiesAndInsertsBuildTheResult) {
  std::string base = "the quick brown fox jumps over the lazy dog";
  std::string out, err;
  // "the lazy fox" = copy "the " + insert "lazy" + copy " fox".
  std::string d = delta(base.size(), 12, copy(0, 4) + insert("lazy") + copy(15, 4));
  ASSERT_TRUE(apply_git_delta(base, d, out, err)) << err;
  EXPECT_EQ(out, "the lazy fox");
}

TEST(GitDelta, ACopyOfSizeZeroMeans64KiB) {
  std::string base(0x10000 + 10, 'a');
  base[0x10000 - 1] = 'z';
  std::string out, err;
  // op 0x80 with no size bytes: length 0x10000 from offset 0.
  ASSERT_TRUE(apply_git_delta(base, delta(base.size(), 0x10000, std::string(1, '\x80')), out, err)) << err;
  ASSERT_EQ(out.size(), 0x10000u);
  EXPECT_EQ(out.back(), 'z');
}

TEST(GitDelta, DamagedDeltasAreRefused) {
  std::string base = "0123456789";
  std::string out, err;
  EXPECT_FALSE(apply_git_delta(base, std::string("\x8a"), out, err));  // header runs out
  EXPECT_NE(err.find("header"), std::string::npos) << err;
  EXPECT_FALSE(apply_git_delta(base, delta(11, 4, copy(0, 4)), out, err));  // wrong base size
  EXPECT_NE(err.find("11-byte base"), std::string::npos) << err;
  EXPECT_FALSE(apply_git_delta(base, delta(10, 4, copy(8, 4)), out, err));  // copy past the base
  EXPECT_NE(err.find("outside"), std::string::npos) << err;
  EXPECT_FALSE(apply_git_delta(base, delta(10, 5, insert("abc")), out, err));  // builds less
  EXPECT_NE(err.find("builds 3"), std::string::npos) << err;
  EXPECT_FALSE(apply_git_delta(base, delta(10, 2, insert("abc")), out, err));  // builds more
  EXPECT_NE(err.find("builds more"), std::string::npos) << err;
  EXPECT_FALSE(apply_git_delta(base, delta(10, 3, std::string("\x05" "ab")), out, err));  // insert runs out
  EXPECT_NE(err.find("insert instruction"), std::string::npos) << err;
  EXPECT_FALSE(apply_git_delta(base, delta(10, 3, std::string(1, '\0')), out, err));  // reserved op 0
  EXPECT_NE(err.find("reserved"), std::string::npos) << err;
  EXPECT_FALSE(apply_git_delta(base, delta(10, 3, std::string("\x91")), out, err));  // copy args run out
  EXPECT_NE(err.find("copy instruction runs past"), std::string::npos) << err;
}

TEST(GitDelta, VarintOverflowIsRefused) {
  std::string eleven(11, '\xff');
  const auto* p = reinterpret_cast<const uint8_t*>(eleven.data());
  uint64_t v = 0;
  EXPECT_FALSE(delta_varint(p, p + eleven.size(), v));
}
