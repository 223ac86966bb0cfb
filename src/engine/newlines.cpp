#include "engine/newlines.h"

#include <cstring>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#if __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#endif
#endif

namespace keyhound {

namespace {

uint64_t count_swar(const char* p, size_t n) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull, kLow = 0x7f7f7f7f7f7f7f7full;
  uint64_t c = 0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    uint64_t x = w ^ (kOnes * '\n');           // a zero byte where there was a newline
    uint64_t nonzero = ((x & kLow) + kLow) | x;  // high bit set in every non-zero byte
    uint64_t zero = ~nonzero & kHigh;
    c += ((zero >> 7) * kOnes) >> 56;          // number of high bits set
  }
  for (; i < n; ++i) c += p[i] == '\n';
  return c;
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2,popcnt"))) uint64_t count_avx2(const char* p, size_t n) {
  const __m256i nl = _mm256_set1_epi8('\n');
  uint64_t c = 0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    unsigned m = static_cast<unsigned>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, nl)));
    c += static_cast<uint64_t>(__builtin_popcount(m));
  }
  return c + count_swar(p + i, n - i);
}
#endif

}  // namespace

uint64_t count_newlines(const char* data, size_t n) {
#if defined(__x86_64__) && defined(__GNUC__)
#ifdef CPU_FEATURE_ACTIVE
  // glibc's answer, found once by the loader: __builtin_cpu_supports would link libgcc's CPU
  // probe, a constructor running CPUID at every start (~25 us per CPUID on a VM, 0.3 ms in all).
  static const bool avx2 = CPU_FEATURE_ACTIVE(AVX2);
#else
  static const bool avx2 = __builtin_cpu_supports("avx2");
#endif
  if (avx2) return count_avx2(data, n);
#endif
  return count_swar(data, n);
}

}  // namespace keyhound
