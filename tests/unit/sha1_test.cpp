// SHA-1 (src/base/sha1.h), which checks git objects against their ids: FIPS 180 vectors, inputs
// fed in pieces of every size, and git's own id of a blob.
#include <gtest/gtest.h>

#include <string>

#include "base/hex.h"
#include "base/sha1.h"

using namespace keyhound;

namespace {
std::string sha1_hex(const std::string& data, size_t piece = 0) {
  Sha1 h;
  if (piece == 0) h.update(data);
  else
    for (size_t i = 0; i < data.size(); i += piece) h.update(std::string_view(data).substr(i, piece));
  unsigned char d[20];
  h.final(d);
  return hex_encode(std::string_view(reinterpret_cast<char*>(d), 20));
}
}  // namespace

TEST(Sha1, KnownVectors) {
  EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(sha1_hex(std::string(1000000, 'a')), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(Sha1, PiecesOfEverySizeGiveTheSameDigest) {
  std::string data;
  for (int i = 0; i < 300; ++i) data += static_cast<char>(i * 7 + 3);
  std::string whole = sha1_hex(data);
  for (size_t piece = 1; piece <= 130; ++piece) EXPECT_EQ(sha1_hex(data, piece), whole) << piece;
}

TEST(Sha1, GitBlobId) {
  // `printf 'hello\n' | git hash-object --stdin`
  EXPECT_EQ(sha1_hex(std::string("blob 6\0hello\n", 13)), "ce013625030ba8dba906f756967f9e9ca394464a");
}
