// base/hex.h's own SHA-256 and HMAC against the FIPS 180-4 and RFC 4231 vectors and OpenSSL: every length
// around the block and padding boundaries.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

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

TEST(Sha256, CpuInstructionsAndPortableCodeAgree) {
  std::mt19937 rng(13);
  for (size_t n : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 119u, 120u, 128u, 1000u, 4096u, 100003u}) {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    EXPECT_EQ(keyhound::sha256(s), keyhound::sha256_portable(s)) << n;
  }
  EXPECT_EQ(keyhound::hex_encode(keyhound::sha256_portable("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, HmacRfc4231AndOpenSsl) {
  using keyhound::hex_encode;
  using keyhound::hmac_sha256;
  EXPECT_EQ(hex_encode(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // A key longer than the block is hashed first (RFC 4231 case 6).
  EXPECT_EQ(hex_encode(hmac_sha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  std::mt19937 rng(11);
  for (size_t k : {0u, 1u, 63u, 64u, 65u, 200u}) {
    std::string key(k, '\0'), data(rng() % 300, '\0');
    for (auto& c : key) c = static_cast<char>(rng());
    for (auto& c : data) c = static_cast<char>(rng());
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    ASSERT_TRUE(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len));
    EXPECT_EQ(hmac_sha256(key, data), std::string(reinterpret_cast<char*>(md), len)) << k;
  }
}
