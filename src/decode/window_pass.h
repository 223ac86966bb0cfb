// One pass over a buffer, 64 bytes at a time, finding what the decoders may look at: long runs
// of base64 symbols, and the '%' and '\' that start percent-encoded and escaped regions. The
// byte classes, the run test on a bit mask and the loop are shared by regions.cpp (SSE2, every
// x86-64) and window_pass_avx2.cpp (built with -mavx2, used when the CPU has it). Internal to
// src/decode/.
//
// Everything here sits in an unnamed namespace on purpose: each including file compiles its
// own copy for its own instruction set, so the AVX2 copy is never linked in for the other.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string_view>
#include <vector>

#include "decode/regions.h"

namespace keyhound {

// What the pass found, each list in offset order (find_encoded_regions merges them).
struct WindowPassOut {
  std::vector<EncodedRegion> base64, percent, escape;  // character references go with escapes
};

// Where the '%' and '\' handlers (regions.cpp) may look next, and the floors their regions
// grow back to: the same as one memchr pass per byte would keep.
struct SpecialState {
  size_t esc_next = 0, esc_floor = 0, pct_next = 0, pct_floor = 0, ref_next = 0, ref_floor = 0;
};
// The '%', '\' or '&' at `q`: a percent or escape region around it, if there is one.
void on_special(std::string_view d, size_t q, const RegionLimits& lim, SpecialState& st, WindowPassOut& out);

namespace {

// Byte classes for the base64 runs.
enum : uint8_t { kUpper = 1, kLower = 2, kDigit = 4, kStdPunct = 8, kUrlPunct = 16 };

struct Classes {
  uint8_t c[256] = {};
  // Bytes that may sit inside a percent-encoded or escaped token (no space, no quote).
  bool token[256] = {};
  Classes() {
    for (int i = 'A'; i <= 'Z'; ++i) c[i] = kUpper;
    for (int i = 'a'; i <= 'z'; ++i) c[i] = kLower;
    for (int i = '0'; i <= '9'; ++i) c[i] = kDigit;
    c['+'] = c['/'] = kStdPunct;
    c['-'] = c['_'] = kUrlPunct;
    for (int i = 0x21; i < 0x7F; ++i) token[i] = i != '"' && i != '\'' && i != '`' && i != '<' && i != '>';
  }
};
const Classes kC;

// What a 64-byte window holds, bit k for byte k.
struct Window {
  // The bytes runs are found by: base64 symbols but '_'. Every '_' would make each snake_case
  // name a run (17% of the bytes of /usr/include against 2%); a URL-safe run goes on over the
  // '_' next to it once found (consider_base64), and base64 of text has few: '_' (63) only
  // encodes a third byte of '?' or DEL.
  uint64_t sym;
  uint64_t special;  // '%', '\' and '&'
};

inline bool run_byte(uint8_t c) { return kC.c[c] != 0 && c != '_'; }

inline Window tail_window(const uint8_t* p, size_t len) {  // len < 64
  Window w{0, 0};
  for (size_t k = 0; k < len; ++k) {
    w.sym |= static_cast<uint64_t>(run_byte(p[k])) << k;
    w.special |= static_cast<uint64_t>(p[k] == '%' || p[k] == '\\' || p[k] == '&') << k;
  }
  return w;
}

// Bit k of the result is set when bits k..k+L-1 of x all are: for the default L (20), unrolled,
// since this runs twice per 128 bytes of every item, and for any other L <= 64.
struct RunStarts20 {
  static constexpr size_t L = 20;
  static constexpr bool kTwenty = true;
  uint64_t operator()(uint64_t x) const {
    x &= x >> 1;
    x &= x >> 2;
    x &= x >> 4;
    x &= x >> 8;
    return x & (x >> 4);
  }
};
struct RunStartsAny {
  static constexpr bool kTwenty = false;
  size_t L;
  uint64_t operator()(uint64_t x) const {
    size_t len = 1;
    while (len * 2 <= L) {
      x &= x >> len;
      len *= 2;
    }
    if (len < L) x &= x >> (L - len);
    return x;
  }
};

// The first symbol of each 4-symbol group holds the top 6 bits of a byte: for printable ASCII
// (and tab, newline) it is one of C-Z or a-f. True when most of [s, e)'s are.
inline bool text_leads(std::string_view d, size_t s, size_t e) {
  size_t text_lead = 0;
  for (size_t i = s; i < e; i += 4) {
    char ch = d[i];
    text_lead += (ch >= 'C' && ch <= 'Z') || (ch >= 'a' && ch <= 'f');
  }
  return text_lead * 10 >= (e - s + 3) / 4 * 8;
}

// True when [s, e) is hex digits of one case: what hex_encode and xxd write.
inline bool hex_run(std::string_view d, size_t s, size_t e) {
  uint8_t seen = 0;
  for (size_t i = s; i < e; ++i) {
    char ch = d[i];
    if (ch >= '0' && ch <= '9') continue;
    if (ch >= 'a' && ch <= 'f') seen |= 1;
    else if (ch >= 'A' && ch <= 'F') seen |= 2;
    else return false;
  }
  return seen != 3;
}

// A base64 run [s, e): keep it if its characters look like base64 rather than a word or a path.
inline void consider_base64(std::string_view d, size_t s, size_t e, const RegionLimits& lim,
                            std::vector<EncodedRegion>& out, size_t& floor) {
  if (e <= floor) return;
  s = std::max(s, floor);
  if (lim.hex && e - s >= 32 && (e - s) % 2 == 0 && hex_run(d, s, e)) {
    floor = e;
    out.push_back({s, e, Encoding::Hex});
    return;
  }
  // The run only grows over a '_' next to it: without one, the cheapest test (a quarter of
  // the bytes) goes first; it turns away most names and words.
  bool may_grow = (s > floor && d[s - 1] == '_') || (e < d.size() && d[e] == '_');
  if (!may_grow && !text_leads(d, s, e)) return;
  uint8_t seen = 0;
  size_t punct = 0;
  auto take = [&](size_t i) {
    uint8_t c = kC.c[static_cast<uint8_t>(d[i])];
    seen |= c;
    punct += (c & (kStdPunct | kUrlPunct)) != 0;
  };
  for (size_t i = s; i < e; ++i) take(i);
  if (may_grow && !(seen & kStdPunct)) {
    auto url = [&](size_t i) { return (kC.c[static_cast<uint8_t>(d[i])] & ~kStdPunct) != 0; };
    while (s > floor && url(s - 1)) take(--s);
    while (e < d.size() && url(e)) take(e++);
  }
  if ((seen & kStdPunct) && (seen & kUrlPunct)) return;  // a path-like run, not one alphabet
  // Base64 of text mixes cases (a short one may lack digits); a word in one case does not.
  if (!(seen & kUpper) || !(seen & kLower)) return;
  // Two of 64 symbols are punctuation: a run with one in eight is a path or snake_case name.
  if (punct * 8 > e - s) return;
  if (may_grow && !text_leads(d, s, e)) return;
  size_t end = e;
  while (end < d.size() && end - e < 2 && d[end] == '=') ++end;  // padding belongs to the run
  if (end - s > lim.max_region) end = s + lim.max_region / 4 * 4;
  floor = end;
  out.push_back({s, end, (seen & kUrlPunct) ? Encoding::Base64Url : Encoding::Base64});
}

inline size_t low_zeros(uint64_t m) { return m ? static_cast<size_t>(__builtin_ctzll(m)) : 64; }
inline size_t high_zeros(uint64_t m) { return m ? static_cast<size_t>(__builtin_clzll(m)) : 64; }

// What 128 bytes hold, for the coarse test of the AVX2 pass (Mask::kBlocks).
struct Block {
  uint32_t full;        // bit k: bytes 4k..4k+3 are all base64 symbols
  uint64_t special[2];  // the '%' and '\' of each 64 bytes
};

// The pass. A window's bytes become bit masks; a run of L or more base64 symbols lies inside
// the window (L set bits in a row) or crosses into it from the last one (the set bits it ended
// with plus those this one starts with), and only around such a run are bytes read again. The
// '%' and '\' bits go to on_special. `mask(p)` gives the Window of the 64 bytes at p.
//
// With a Mask that has blocks, 128 bytes are first tested coarsely: a run of 20 symbols holds
// 4 whole 4-byte groups in a row wherever it starts, so a block without (counting the groups
// the last block ended with) and without a special byte is passed over with no bit mask
// worked out at all; only a block that has them goes through the windows.
template <class Mask, class Runs>
inline void window_pass_runs(std::string_view d, const RegionLimits& lim, WindowPassOut& out, Mask mask, Runs runs) {
  const size_t n = d.size(), L = runs.L;
  const uint8_t* p = reinterpret_cast<const uint8_t*>(d.data());
  SpecialState st;
  size_t i = 0, run_floor = 0, floor = 0, special_done = 0;
  size_t carry = 0;  // run bytes the last window ended with
  uint64_t live = ~0ull;  // 0 once max_regions base64 runs are found: then only specials
  auto specials = [&](uint64_t sp, size_t at) {
    // A window starts where the last run ended, so it may overlap the last one: its specials
    // were handled there.
    if (special_done > at) sp &= special_done - at >= 64 ? 0 : ~0ull << (special_done - at);
    for (; sp; sp &= sp - 1) on_special(d, at + static_cast<size_t>(__builtin_ctzll(sp)), lim, st, out);
    special_done = at + 64;
  };
  // Coarse mode (blocks): `groups` holds whether each of the last four 4-byte groups was
  // whole (bit 3 the last); `exact_until` ends a stretch of windows after a block that fired.
  constexpr bool kBlocks = Mask::kBlocks && Runs::kTwenty;
  uint64_t groups = 0;
  size_t exact_until = 0;
  bool coarse = false;  // the last step passed over a block: `carry` is not known
  while (i < n) {
    if constexpr (kBlocks) {
      if (i >= exact_until && i + 128 <= n) {
        Block b = mask.block(p + i);
        uint64_t g = static_cast<uint64_t>(b.full) << 4 | groups;
        if (!((g & g >> 1 & g >> 2 & g >> 3) & live)) {
          if (b.special[0] | b.special[1]) {
            specials(b.special[0], i);
            specials(b.special[1], i + 64);
          }
          groups = b.full >> 28;
          i += 128;
          coarse = true;
          continue;
        }
        exact_until = i + 128;  // a run may be here: the windows of this block
      }
      if (coarse) {  // the run bytes before the windows (fewer than 20, or the block had fired)
        coarse = false;
        carry = 0;
        while (carry < 64 && i - carry > run_floor && run_byte(p[i - carry - 1])) ++carry;
      }
    }
    Window w;
    bool whole = i + 64 <= n;
    if (!kBlocks && i + 128 <= n) {
      w = mask(p + i);
      Window w2 = mask(p + i + 64);
      uint64_t x = w.sym & live, x2 = w2.sym & live;
      // Nothing to do: no special byte, no run inside either window, none across the edge
      // into the first (carry) or between them.
      if (!(w.special | w2.special | runs(x) | runs(x2)) && carry + low_zeros(~x) < L &&
          high_zeros(~x) + low_zeros(~x2) < L) {
        carry = high_zeros(~x2);
        i += 128;
        continue;
      }
    } else {
      w = whole ? mask(p + i) : tail_window(p + i, n - i);
    }
    specials(w.special, i);
    uint64_t x = w.sym & live;
    uint64_t r = runs(x);
    size_t lead = low_zeros(~x);
    bool crossing = carry && carry + lead >= L;
    if (!r && !crossing) {
      if (!whole) break;
      carry = high_zeros(~x);  // x is not all ones: that would be a run
      i += 64;
    } else {
      // The run's ends from the mask; bytes are read only where it goes past the window.
      size_t s, e;
      if (crossing) {
        s = i - std::min(carry, i);
        e = i + lead;
      } else {
        size_t s0 = static_cast<size_t>(__builtin_ctzll(r));
        uint64_t after = ~x >> s0, before = s0 ? ~x & ((1ull << s0) - 1) : 0;
        e = i + s0 + (after ? static_cast<size_t>(__builtin_ctzll(after)) : 64 - s0);
        s = before ? i + 64 - static_cast<size_t>(__builtin_clzll(before)) : i;
      }
      if (s == i || crossing)
        while (s > run_floor && run_byte(p[s - 1])) --s;
      s = std::max(s, run_floor);
      e = std::min(e, n);
      if (e >= i + 64 || e == n)
        while (e < n && run_byte(p[e])) ++e;
      consider_base64(d, s, e, lim, out.base64, floor);
      if (out.base64.size() >= lim.max_regions) live = 0;
      run_floor = i = e;
      carry = 0;
    }
    // Back to blocks: the whole groups among the run bytes the windows ended with.
    // Four of them (a run that goes on past the windows) make the next block fire.
    if (kBlocks && i >= exact_until)
      groups = uint64_t{carry >= 16} | uint64_t{carry >= 12} << 1 | uint64_t{carry >= 8} << 2 | uint64_t{carry >= 4} << 3;
  }
}

template <class Mask>
inline void window_pass_with(std::string_view d, const RegionLimits& lim, WindowPassOut& out, Mask mask) {
  size_t L = std::max<size_t>(4, std::min<size_t>(lim.min_base64, 64));
  if (L == RunStarts20::L) window_pass_runs(d, lim, out, mask, RunStarts20{});
  else window_pass_runs(d, lim, out, mask, RunStartsAny{L});
}

}  // namespace

// The AVX2 build of the pass (window_pass_avx2.cpp); call only when the CPU has AVX2.
void window_pass_avx2(std::string_view d, const RegionLimits& lim, WindowPassOut& out);

}  // namespace keyhound
