#include "decode/regions.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "decode/window_pass.h"

namespace {
constexpr size_t lim_max_utf16 = size_t{64} << 20;  // bytes of one UTF-16 run
}

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
    const __m128i pct = _mm_set1_epi8('%'), bs = _mm_set1_epi8('\\'), amp = _mm_set1_epi8('&');
    for (int k = 0; k < 4; ++k) {
      __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      __m128i l = _mm_sub_epi8(_mm_or_si128(c, x20), a);  // A-Z folded onto a-z
      __m128i letter = _mm_cmpeq_epi8(_mm_min_epu8(l, z), l);
      __m128i dg = _mm_sub_epi8(c, zero);
      __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(dg, nine), dg);
      __m128i punct = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(c, plus), _mm_cmpeq_epi8(c, slash)),
                                   _mm_cmpeq_epi8(c, dash));
      __m128i any = _mm_or_si128(_mm_or_si128(letter, digit), punct);
      __m128i sp = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(c, pct), _mm_cmpeq_epi8(c, bs)), _mm_cmpeq_epi8(c, amp));
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

// A '&' at i: a character-reference region around it when it is a numeric reference or one of
// the named ones a value is escaped with (&quot; &apos; &sol; ...). &amp; &lt; &gt; alone do not
// start one: HTML text and every URL in an href are full of them, and they hide no key.
void reference_at(std::string_view d, size_t i, const RegionLimits& lim, SpecialState& st,
                  std::vector<EncodedRegion>& out) {
  if (i < st.ref_next || i + 3 >= d.size() || out.size() >= lim.max_regions) return;
  st.ref_next = i + 1;
  switch (d[i + 1]) {  // C's && and &x end here
    case '#': case 'q': case 'a': case 's': case 'c': case 'e': case 'p': break;
    default: return;
  }
  std::string_view t = d.substr(i + 1, std::min<size_t>(9, d.size() - i - 1));
  size_t semi = t.find(';');
  if (semi == std::string_view::npos || semi < 2) return;
  std::string_view name = t.substr(0, semi);
  bool starts = name[0] == '#' || name == "quot" || name == "apos" || name == "sol" || name == "colon" ||
                name == "equals" || name == "plus";
  if (!starts) return;
  size_t s = i, e = i + semi + 2;
  grow(d, s, e, st.ref_floor, lim.max_region);
  st.ref_floor = st.ref_next = e;
  if (e - s < lim.min_other) return;
  out.push_back({s, e, Encoding::Html});
}

}  // namespace

void on_special(std::string_view d, size_t q, const RegionLimits& lim, SpecialState& st, WindowPassOut& out) {
  if (d[q] == '%') percent_at(d, q, lim, st, out.percent);
  else if (d[q] == '&') reference_at(d, q, lim, st, out.escape);
  else escape_at(d, q, lim, st, out.escape);
}

namespace {

// MIME and PEM wrap base64 at a fixed width (76, 64): lines of that width, one after another,
// are one run, so a key the wrap cut in two decodes whole. The short last line joins too.
void join_wrapped(std::string_view d, std::vector<EncodedRegion>& b64, const RegionLimits& lim) {
  auto eol = [&](size_t at) -> size_t {  // length of the line end at `at`, 0 if none
    if (at < d.size() && d[at] == '\n') return 1;
    if (at + 1 < d.size() && d[at] == '\r' && d[at + 1] == '\n') return 2;
    return 0;
  };
  std::vector<EncodedRegion> out;
  for (size_t k = 0; k < b64.size(); ++k) {
    EncodedRegion r = b64[k];
    size_t width = r.end - r.start, n;
    if (width >= 60 && width % 4 == 0 && d[r.end - 1] != '=' && (n = eol(r.end))) {
      size_t end = r.end, lines = 1;
      while (k + 1 < b64.size() && b64[k + 1].start == end + eol(end) && eol(end) &&
             b64[k + 1].end - b64[k + 1].start <= width && b64[k + 1].encoding == r.encoding &&
             b64[k + 1].end - r.start <= lim.max_region) {
        ++k;
        ++lines;
        end = b64[k].end;
        if (end - b64[k].start < width) break;
      }
      // The short last line, too short to be a run of its own.
      if (end - r.start >= width * lines && (n = eol(end))) {
        size_t e = end + n;
        const uint8_t alphabet = kUpper | kLower | kDigit | (r.encoding == Encoding::Base64Url ? kUrlPunct : kStdPunct);
        while (e < d.size() && (kC.c[static_cast<uint8_t>(d[e])] & alphabet) && e - end - n < width) ++e;
        while (e < d.size() && d[e] == '=' && e - end - n < width) ++e;
        if (e > end + n && (k + 1 >= b64.size() || b64[k + 1].start >= e) && (e == d.size() || eol(e))) end = e;
      }
      r.end = end;
    }
    out.push_back(r);
  }
  b64.swap(out);
}

std::vector<EncodedRegion> regions_of(std::string_view data, const RegionLimits& lim, bool portable) {
  WindowPassOut pass;
  window_pass(data, lim, pass, portable);
  if (pass.base64.size() > 1) join_wrapped(data, pass.base64, lim);
  // Escapes and character references share a list, each in order: put them in one order.
  if (!pass.escape.empty())
    std::stable_sort(pass.escape.begin(), pass.escape.end(),
                     [](const EncodedRegion& a, const EncodedRegion& b) { return a.start < b.start; });
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
    case Encoding::Base64Url: {
      std::string joined;  // wrapped lines (join_wrapped): the line ends go
      if (std::memchr(enc.data(), '\n', enc.size())) {
        for (char c : enc)
          if (c != '\r' && c != '\n') joined += c;
        enc = joined;
      }
      if (enc.size() % 4 == 1) enc.remove_suffix(1);  // a run that swallowed one byte too many
      return base64_decode(enc, e == Encoding::Base64Url, out) && out.size() >= 8 && looks_like_text(out);
    }
    case Encoding::Percent: return percent_unescape(enc, out);
    case Encoding::Escape: return string_unescape(enc, out);
    case Encoding::Html: return html_unescape(enc, out);
    case Encoding::Hex: return hex_decode(enc, out) && out.size() >= 16 && looks_like_text(out);
    case Encoding::Utf16Le:
    case Encoding::Utf16Be: utf16_to_bytes(enc, e == Encoding::Utf16Be, out); return !out.empty();
  }
  return false;
}

namespace {
// A byte that, beside a NUL, is a UTF-16 code unit of text: printable ASCII, Latin-1, tab, line ends.
bool utf16_text_byte(uint8_t c) { return c >= 0x20 ? c != 0x7F : c == '\t' || c == '\n' || c == '\r'; }
}  // namespace

std::vector<EncodedRegion> find_utf16_runs(std::string_view d, size_t min_units) {
  std::vector<EncodedRegion> out;
  const uint8_t* p = reinterpret_cast<const uint8_t*>(d.data());
  const size_t n = d.size();
  size_t i = 0;
  while (i + 1 < n) {
    const void* z = std::memchr(p + i, 0, n - i);
    if (!z) break;
    size_t q = static_cast<const uint8_t*>(z) - p;
    if (q + 1 < n && p[q + 1] == 0) {  // zero padding: on to its last NUL, where a big-endian unit may start
      size_t r = q + 1;
      while (r < n && p[r] == 0) ++r;
      i = r - 1 > q ? r - 1 : q + 1;
      continue;
    }
    // The first NUL after i: a little-endian run starts at the text byte before it, a
    // big-endian one at the NUL itself.
    for (int be = 0; be < 2; ++be) {
      size_t s = be ? q : q - (q > i ? 1 : 0);
      if (!be && (q == i || !utf16_text_byte(p[s]))) continue;
      size_t e = s;
      while (e + 1 < n && (be ? p[e] == 0 && utf16_text_byte(p[e + 1]) : p[e + 1] == 0 && utf16_text_byte(p[e])) &&
             e - s < lim_max_utf16)
        e += 2;
      if ((e - s) / 2 >= min_units) {
        out.push_back({s, e, be ? Encoding::Utf16Be : Encoding::Utf16Le});
        q = e - 1;
        break;
      }
    }
    i = q + 1;
  }
  return out;
}

}  // namespace keyhound
