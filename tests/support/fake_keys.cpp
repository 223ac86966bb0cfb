#include "fake_keys.h"

namespace keyhound_test {

std::string random_from(std::mt19937& rng, const std::string& alphabet, size_t n) {
  std::uniform_int_distribution<size_t> d(0, alphabet.size() - 1);
  std::string s;
  s.reserve(n);
  for (size_t i = 0; i < n; ++i) s.push_back(alphabet[d(rng)]);
  return s;
}

std::string fake_key_id(unsigned seed, const std::string& prefix) {
  std::mt19937 rng(seed * 7919u + 17u);
  std::string s = prefix;
  s += kBase32[16 + rng() % 16];
  while (s.size() < prefix.size() + 16) s += kBase32[rng() % 32];
  return s;
}

std::string fake_secret(unsigned seed) {
  std::mt19937 rng(seed * 104729u + 3u);
  std::string s;
  while (s.size() < 40) s += kSecretAlphabet[rng() % 64];
  return s;
}

std::string fake_token(unsigned seed, size_t n) {
  std::mt19937 rng(seed * 15485863u + 7u);
  return random_from(rng, kTokenAlphabet, n);
}

}  // namespace keyhound_test
