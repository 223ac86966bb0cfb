// The base64 run pass with AVX2: two nibble lookups classify 32 bytes (a class bit per high
// nibble: 2 for "+-/", 3 for digits, 4 and 6 for A-O a-o, 5 and 7 for P-Z p-z). Built with
// -mavx2 (CMakeLists.txt) and called only when the CPU has it (regions.cpp).
#include "decode/base64_runs.h"

#ifdef __AVX2__
#include <immintrin.h>

namespace keyhound {

namespace {
struct Avx2Mask {
  uint64_t operator()(const uint8_t* p, uint64_t& under) const {
    const __m256i lo_t = _mm256_setr_epi8(10, 14, 14, 14, 14, 14, 14, 14, 14, 14, 12, 5, 4, 5, 4, 5,
                                          10, 14, 14, 14, 14, 14, 14, 14, 14, 14, 12, 5, 4, 5, 4, 5);
    const __m256i hi_t = _mm256_setr_epi8(0, 0, 1, 2, 4, 8, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0,
                                          0, 0, 1, 2, 4, 8, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i f = _mm256_set1_epi8(0x0F), zero = _mm256_setzero_si256(), us = _mm256_set1_epi8('_');
    __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
    auto miss = [&](__m256i c) {
      __m256i lo = _mm256_shuffle_epi8(lo_t, _mm256_and_si256(c, f));
      __m256i hi = _mm256_shuffle_epi8(hi_t, _mm256_and_si256(_mm256_srli_epi16(c, 4), f));
      return static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(lo, hi), zero)));
    };
    under = static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, us))) |
            static_cast<uint64_t>(static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, us)))) << 32;
    return ~(miss(a) | static_cast<uint64_t>(miss(b)) << 32);
  }
};
}  // namespace

void base64_runs_avx2(std::string_view d, const RegionLimits& lim, std::vector<EncodedRegion>& out) {
  base64_runs_with(d, lim, out, Avx2Mask{});
}

}  // namespace keyhound
#endif
