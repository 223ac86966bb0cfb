// base/hex.h's own SHA-256 against the FIPS 180-4 test vectors and OpenSSL on every length
// around the block and padding boundaries.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <random>

#include "base/hex.h"

using keyhound::sha256_hex;

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, SameAsOpenSslOnEveryLengthUpTo300) {
  std::mt19937 rng(7);
  for (size_t n = 0; n <= 300; ++n) {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    ASSERT_EQ(EVP_Digest(s.data(), s.size(), md, &len, EVP_sha256(), nullptr), 1);
    EXPECT_EQ(sha256_hex(s), keyhound::hex_encode(std::string_view(reinterpret_cast<char*>(md), len))) << n;
  }
}
