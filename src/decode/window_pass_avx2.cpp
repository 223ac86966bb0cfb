// The decode window pass with AVX2: two nibble lookups classify 32 bytes (a class bit per high
// nibble: 2 for "+-/", 3 for digits, 4 and 6 for A-O a-o, 5 and 7 for P-Z p-z; two more bits
// for '%', '&' and '\'). Built with -mavx2 (CMakeLists.txt) and called only when the CPU has it
// (regions.cpp).
#include "decode/window_pass.h"

#ifdef __AVX2__
#include <immintrin.h>

namespace keyhound {

namespace {
struct Avx2Mask {
  static constexpr bool kBlocks = true;
  static __m256i cls(__m256i c) {
    // Class bits: 1-8 the base64 symbols (as in the comment above), 0x40 '%' and '&' (low
    // nibbles 5 and 6 under high nibble 2, the only one with 0x40), 0x80 '\'.
    const __m256i lo_t = _mm256_setr_epi8(10, 14, 14, 14, 14, 78, 78, 14, 14, 14, 12, 5, -124, 5, 4, 5,
                                          10, 14, 14, 14, 14, 78, 78, 14, 14, 14, 12, 5, -124, 5, 4, 5);
    const __m256i hi_t = _mm256_setr_epi8(0, 0, 65, 2, 4, -120, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0,
                                          0, 0, 65, 2, 4, -120, 4, 8, 0, 0, 0, 0, 0, 0, 0, 0);
    const __m256i f = _mm256_set1_epi8(0x0F);
    __m256i lo = _mm256_shuffle_epi8(lo_t, _mm256_and_si256(c, f));
    __m256i hi = _mm256_shuffle_epi8(hi_t, _mm256_and_si256(_mm256_srli_epi16(c, 4), f));
    return _mm256_and_si256(lo, hi);
  }
  // The special bytes of classified bytes ('%' doubled moves its bit to the top).
  static uint32_t special(__m256i k) {
    return static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_or_si256(k, _mm256_add_epi8(k, k))));
  }
  Block block(const uint8_t* p) const {
    const __m256i zero = _mm256_setzero_si256(), sym = _mm256_set1_epi8(0x0F);
    __m256i k[4];
    uint32_t full = 0;
    for (int j = 0; j < 4; ++j) {
      k[j] = cls(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32 * j)));
      __m256i miss = _mm256_cmpeq_epi8(_mm256_and_si256(k[j], sym), zero);
      __m256i whole = _mm256_cmpeq_epi32(miss, zero);
      full |= static_cast<uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(whole))) << (8 * j);
    }
    Block b{full, {0, 0}};
    __m256i any = _mm256_or_si256(_mm256_or_si256(k[0], k[1]), _mm256_or_si256(k[2], k[3]));
    if (!_mm256_testz_si256(any, _mm256_set1_epi8(static_cast<char>(0xC0))))
      for (int j = 0; j < 4; ++j) b.special[j / 2] |= static_cast<uint64_t>(special(k[j])) << (32 * (j % 2));
    return b;
  }
  Window operator()(const uint8_t* p) const {
    const __m256i zero = _mm256_setzero_si256();
    __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
    auto none = [&](__m256i k) { return static_cast<uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(k, zero))); };
    __m256i ka = cls(a), kb = cls(b);
    Window w;
    w.special = special(ka) | static_cast<uint64_t>(special(kb)) << 32;
    w.sym = ~(none(ka) | static_cast<uint64_t>(none(kb)) << 32 | w.special);
    return w;
  }
};
}  // namespace

void window_pass_avx2(std::string_view d, const RegionLimits& lim, WindowPassOut& out) {
  window_pass_with(d, lim, out, Avx2Mask{});
}

}  // namespace keyhound
#endif
