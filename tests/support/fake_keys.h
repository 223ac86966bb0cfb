// Fake keys for tests, built at run time from a seed so the repository holds no key literals
// (it must scan clean under keyhound itself). One builder for every test binary.
#pragma once
#include <random>
#include <string>

namespace keyhound_test {

inline constexpr const char* kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
inline constexpr const char* kSecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+";
inline constexpr const char* kTokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

// `n` characters drawn from `alphabet`.
std::string random_from(std::mt19937& rng, const std::string& alphabet, size_t n);
// An AWS access key ID: `prefix` ("AKIA", "ASIA", ...) + 16 base32 characters, the first in
// 'Q'..'7' so that it is a current-format ID with an account inside. Same seed, same key.
std::string fake_key_id(unsigned seed, const std::string& prefix = "AK" "IA");
// A 40-character AWS secret access key.
std::string fake_secret(unsigned seed);
// `n` characters of [A-Za-z0-9_-] (API tokens).
std::string fake_token(unsigned seed, size_t n = 40);

}  // namespace keyhound_test
