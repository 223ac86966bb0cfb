#include "decode/regions.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "decode/window_pass.h"

#if defined(__x86_64__) && __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#endif

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace keyhound {

namespace {

int hexv(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

// 64 bytes into a Window with SSE2, which every x86-64 has.
struct Sse2Mask {
  static constexpr bool kBlocks = false;
  Block block(const uint8_t*) const { return {}; }
  Window operator()(const uint8_t* p) const {
#ifdef __SSE2__
    Window w{0, 0};
    const __m128i x20 = _mm_set1_epi8(0x20), a = _mm_set1_epi8('a'), z = _mm_set1_epi8(25);
    const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
    const __m128i plus = _mm_set1_epi8('+'), slash = _mm_set1_epi8('/'), dash = _mm_set1_epi8('-');
    const __m128i pct = _mm_set1_epi8('%'), bs = _mm_set1_epi8('\\');
    for (int k = 0; k < 4; ++k) {
      __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      __m128i l = _mm_sub_epi8(_mm_or_si128(c, x20), a);  // A-Z folded onto a-z
      __m128i letter = _mm_cmpeq_epi8(_mm_min_epu8(l, z), l);
      __m128i dg = _mm_sub_epi8(c, zero);
      __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(dg, nine), dg);
      __m128i punct = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(c, plus), _mm_cmpeq_epi8(c, slash)),
                                   _mm_cmpeq_epi8(c, dash));
      __m128i any = _mm_or_si128(_mm_or_si128(letter, digit), punct);
      __m128i sp = _mm_or_si128(_mm_cmpeq_epi8(c, pct), _mm_cmpeq_epi8(c, bs));
      w.sym |= static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(any))) << (16 * k);
      w.special |= static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(sp))) << (16 * k);
    }
    return w;
#else
    return tail_window(p, 64);
#endif
  }
};

void window_pass(std::string_view d, const RegionLimits& lim, WindowPassOut& out, bool portable) {
#if defined(__x86_64__) && defined(KEYHOUND_HAVE_AVX2_TU)
#ifdef CPU_FEATURE_ACTIVE
  // glibc's answer: __builtin_cpu_supports links libgcc's CPU probe, a constructor running
  // CPUID at every start (src/engine/newlines.cpp). Every CPU with AVX2 has BMI1 and LZCNT too
  // (the AVX2 build uses them).
  static const bool avx2 = CPU_FEATURE_ACTIVE(AVX2) && CPU_FEATURE_ACTIVE(BMI1);
#else
  static const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi");
#endif
  if (avx2 && !portable) return window_pass_avx2(d, lim, out);
#endif
  window_pass_with(d, lim, out, Sse2Mask{});
}

// Grows [s, e) over token bytes on both sides, at most max bytes.
void grow(std::string_view d, size_t& s, size_t& e, size_t floor, size_t max) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(d.data());
  while (s > floor && kC.token[p[s - 1]] && e - s < max) --s;
  while (e < d.size() && kC.token[p[e]] && e - s < max) ++e;
}

// A '%' at i: a percent region around it when it escapes a printable byte ("%02x" in a format
// string is not an escape).
void percent_at(std::string_view d, size_t i, const RegionLimits& lim, SpecialState& st,
                std::vector<EncodedRegion>& out) {
  if (i < st.pct_next || i + 2 >= d.size() || out.size() >= lim.max_regions) return;
  st.pct_next = i + 1;
  int hi = hexv(d[i + 1]), lo = hexv(d[i + 2]);
  if (hi < 0 || lo < 0) return;
  int v = hi * 16 + lo;
  if (v < 0x20 || v >= 0x7F) return;
  size_t s = i, e = i + 3;
  grow(d, s, e, st.pct_floor, lim.max_region);
  st.pct_floor = st.pct_next = e;
  if (e - s < lim.min_other) return;
  out.push_back({s, e, Encoding::Percent});
}

bool escape_letter(char c) {
  switch (c) {
    case '/': case 'u': case 'n': case 'r': case 't': case 'x': case '"': case '\\': case '+': case '=':
      return true;
    default: return false;
  }
}

// A '\' at i: an escape region around it when it escapes what JSON or JavaScript would.
void escape_at(std::string_view d, size_t i, const RegionLimits& lim, SpecialState& st,
               std::vector<EncodedRegion>& out) {
  if (i < st.esc_next || i + 1 >= d.size() || out.size() >= lim.max_regions) return;
  st.esc_next = i + 2;
  if (!escape_letter(d[i + 1])) return;
  // The region is the run of token bytes and escapes around it: "\"" and "\\" count as
  // token bytes here, so an escaped quote does not end it.
  size_t s = i, e = i + 2;
  const size_t floor = st.esc_floor;
  const uint8_t* p = reinterpret_cast<const uint8_t*>(d.data());
  while (s > floor && e - s < lim.max_region) {
    if (kC.token[p[s - 1]]) --s;
    else if (s >= 2 && p[s - 2] == '\\' && s - 2 >= floor) s -= 2;
    else break;
  }
  while (e < d.size() && e - s < lim.max_region) {
    if (p[e] == '\\' && e + 1 < d.size()) e += 2;
    else if (kC.token[p[e]]) ++e;
    else break;
  }
  st.esc_floor = st.esc_next = e;
  if (e - s < lim.min_other) return;
  out.push_back({s, e, Encoding::Escape});
}

}  // namespace

void on_special(std::string_view d, size_t q, const RegionLimits& lim, SpecialState& st, WindowPassOut& out) {
  if (d[q] == '%') percent_at(d, q, lim, st, out.percent);
  else escape_at(d, q, lim, st, out.escape);
}

namespace {

std::vector<EncodedRegion> regions_of(std::string_view data, const RegionLimits& lim, bool portable) {
  WindowPassOut pass;
  window_pass(data, lim, pass, portable);
  if (pass.escape.empty() && pass.percent.empty()) return std::move(pass.base64);
  std::vector<EncodedRegion> all = std::move(pass.escape);
  size_t n_escape = all.size();
  all.insert(all.end(), pass.percent.begin(), pass.percent.end());
  size_t n_other = all.size();
  all.insert(all.end(), pass.base64.begin(), pass.base64.end());
  if (n_other == 0) return all;
  std::inplace_merge(all.begin(), all.begin() + n_escape, all.begin() + n_other,
                     [](const EncodedRegion& a, const EncodedRegion& b) { return a.start < b.start; });
  std::inplace_merge(all.begin(), all.begin() + n_other, all.end(),
                     [](const EncodedRegion& a, const EncodedRegion& b) { return a.start < b.start; });
  // Overlaps: an escape or percent region holds the base64 run it contains (it is decoded
  // first, the run found again inside), so the earlier, longer region wins.
  std::vector<EncodedRegion> out;
  for (auto& r : all) {
    if (!out.empty() && r.start < out.back().end) {
      if (r.end - r.start > out.back().end - out.back().start && r.start == out.back().start) out.back() = r;
      continue;
    }
    out.push_back(r);
    if (out.size() >= lim.max_regions) break;
  }
  return out;
}

}  // namespace

std::vector<EncodedRegion> find_encoded_regions(std::string_view data, const RegionLimits& lim) {
  return regions_of(data, lim, false);
}

std::vector<EncodedRegion> find_encoded_regions_portable(std::string_view data, const RegionLimits& lim) {
  return regions_of(data, lim, true);
}

bool decode_region(std::string_view enc, Encoding e, std::string& out) {
  switch (e) {
    case Encoding::Base64:
    case Encoding::Base64Url:
      if (enc.size() % 4 == 1) enc.remove_suffix(1);  // a run that swallowed one byte too many
      return base64_decode(enc, e == Encoding::Base64Url, out) && out.size() >= 8 && looks_like_text(out);
    case Encoding::Percent: return percent_unescape(enc, out);
    case Encoding::Escape: return string_unescape(enc, out);
  }
  return false;
}

}  // namespace keyhound
