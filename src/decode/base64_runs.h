// Finding long base64 runs 64 bytes at a time: the byte classes, the run test on a bit mask and
// the loop, shared by regions.cpp (SSE2, every x86-64) and base64_runs_avx2.cpp (built with
// -mavx2, used when the CPU has it). Internal to src/decode/.
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
namespace {

// Byte classes for the base64 pass.
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

// The bytes a run is found by: base64 symbols, and '_' only where no other '_' is within 8
// bytes. Every '_' would make each snake_case name a run (17% of the bytes of /usr/include
// against 2%); URL-safe base64 has one '_' in 64 symbols.
inline bool run_byte(uint8_t c) { return kC.c[c] != 0 && c != '_'; }
inline bool sparse_underscore(const uint8_t* p, size_t n, size_t i) {
  if (p[i] != '_') return false;
  for (size_t k = i > 8 ? i - 8 : 0; k < std::min(n, i + 9); ++k)
    if (k != i && p[k] == '_') return false;
  return true;
}
inline bool run_byte_at(const uint8_t* p, size_t n, size_t i) {
  return run_byte(p[i]) || sparse_underscore(p, n, i);
}

// The '_' of a window's mask `u` with no other within 8 bytes (bits past the window count as
// none: the run is extended byte by byte anyway).
inline uint64_t sparse(uint64_t u) {
  uint64_t after = u >> 1, before = u << 1;  // spread over distances 1..8 by doubling
  after |= after >> 1, before |= before << 1;
  after |= after >> 2, before |= before << 2;
  after |= after >> 4, before |= before << 4;
  return u & ~(after | before);
}

// Bit k of the result is set when bits k..k+L-1 of x all are (L <= 64).
inline uint64_t run_starts(uint64_t x, size_t L) {
  if (L == 20) {  // the default, unrolled: this runs once per 45 bytes of every item
    x &= x >> 1;
    x &= x >> 2;
    x &= x >> 4;
    x &= x >> 8;
    return x & (x >> 4);
  }
  size_t len = 1;
  while (len * 2 <= L) {
    x &= x >> len;
    len *= 2;
  }
  if (len < L) x &= x >> (L - len);
  return x;
}

inline uint64_t tail_mask(const uint8_t* p, size_t len, uint64_t& under) {  // len < 64
  uint64_t m = 0;
  under = 0;
  for (size_t k = 0; k < len; ++k) {
    m |= static_cast<uint64_t>(run_byte(p[k])) << k;
    under |= static_cast<uint64_t>(p[k] == '_') << k;
  }
  return m;
}

// A base64 run [s, e): keep it if its characters look like base64 rather than a word or a path.
inline void consider_base64(std::string_view d, size_t s, size_t e, const RegionLimits& lim,
                            std::vector<EncodedRegion>& out, size_t& floor) {
  if (e <= floor) return;
  s = std::max(s, floor);
  uint8_t seen = 0;
  size_t punct = 0;
  auto take = [&](size_t i) {
    uint8_t c = kC.c[static_cast<uint8_t>(d[i])];
    seen |= c;
    punct += (c & (kStdPunct | kUrlPunct)) != 0;
  };
  for (size_t i = s; i < e; ++i) take(i);
  // A URL-safe run goes on over every '_' next to it (the mask only had the sparse ones).
  if (!(seen & kStdPunct)) {
    auto url = [&](size_t i) { return (kC.c[static_cast<uint8_t>(d[i])] & ~kStdPunct) != 0; };
    while (s > floor && url(s - 1)) take(--s);
    while (e < d.size() && url(e)) take(e++);
  }
  if ((seen & kStdPunct) && (seen & kUrlPunct)) return;  // a path-like run, not one alphabet
  // Base64 of text mixes cases (a short one may lack digits); a word in one case does not.
  if (!(seen & kUpper) || !(seen & kLower)) return;
  // Two of 64 symbols are punctuation: a run with one in eight is a path or snake_case name.
  if (punct * 8 > e - s) return;
  // The first symbol of each 4-symbol group holds the top 6 bits of a byte: for printable
  // ASCII (and tab, newline) it is one of C-Z or a-f. Decoding only runs when most are.
  size_t text_lead = 0;
  for (size_t i = s; i < e; i += 4) {
    char ch = d[i];
    text_lead += (ch >= 'C' && ch <= 'Z') || (ch >= 'a' && ch <= 'f');
  }
  if (text_lead * 10 < (e - s + 3) / 4 * 8) return;
  size_t end = e;
  while (end < d.size() && end - e < 2 && d[end] == '=') ++end;  // padding belongs to the run
  if (end - s > lim.max_region) end = s + lim.max_region / 4 * 4;
  floor = end;
  out.push_back({s, end, (seen & kUrlPunct) ? Encoding::Base64Url : Encoding::Base64});
}

// Runs of base64 symbols, 64 bytes at a time: a window's bytes become a bit mask, and a run of
// L or more lies inside the window (L set bits in a row) or crosses into it from the last one
// (the set bits it ended with plus those this one starts with). Only around such a run are
// the bytes read again. `mask(p, under)` gives the run_byte bits of the 64 bytes at p and, in
// `under`, their '_' bits.
template <class Mask>
inline void base64_runs_with(std::string_view d, const RegionLimits& lim, std::vector<EncodedRegion>& out,
                             Mask mask) {
  const size_t n = d.size(), L = std::max<size_t>(4, std::min<size_t>(lim.min_base64, 64));
  if (n < L) return;
  const uint8_t* p = reinterpret_cast<const uint8_t*>(d.data());
  size_t i = 0, run_floor = 0, floor = 0;
  size_t carry = 0;  // run bytes the last window ended with
  while (i < n) {
    bool whole = i + 64 <= n;
    uint64_t u;
    uint64_t x = whole ? mask(p + i, u) : tail_mask(p + i, n - i, u);
    auto lead = [](uint64_t m) { return ~m ? static_cast<size_t>(__builtin_ctzll(~m)) : size_t{64}; };
    uint64_t r = run_starts(x, L);
    bool crossing = carry && carry + lead(x) >= L;
    // Underscores only matter where they would make a run: a snake_case name pays twice.
    if (!r && !crossing && u && (run_starts(x | u, L) || (carry && carry + lead(x | u) >= L))) {
      x |= sparse(u);
      r = run_starts(x, L);
      crossing = carry && carry + lead(x) >= L;
    }
    if (!r && !crossing) {
      if (!whole) break;
      carry = ~x ? static_cast<size_t>(__builtin_clzll(~x)) : carry + 64;
      i += 64;
      continue;
    }
    // The run's ends from the mask; bytes are read only where it goes past the window.
    size_t s, e;
    if (crossing) {
      s = i - std::min(carry, i);
      e = i + lead(x);
    } else {
      size_t s0 = static_cast<size_t>(__builtin_ctzll(r));
      uint64_t after = ~x >> s0, before = s0 ? ~x & ((1ull << s0) - 1) : 0;
      e = i + s0 + (after ? static_cast<size_t>(__builtin_ctzll(after)) : 64 - s0);
      s = before ? i + 64 - static_cast<size_t>(__builtin_clzll(before)) : i;
    }
    if (s == i || crossing)
      while (s > run_floor && run_byte_at(p, n, s - 1)) --s;
    s = std::max(s, run_floor);
    e = std::min(e, n);
    if (e >= i + 64 || e == n)
      while (e < n && run_byte_at(p, n, e)) ++e;
    consider_base64(d, s, e, lim, out, floor);
    if (out.size() >= lim.max_regions) return;
    run_floor = i = e;
    carry = 0;
  }
}

}  // namespace

// The AVX2 build of the loop (base64_runs_avx2.cpp); call only when the CPU has AVX2.
void base64_runs_avx2(std::string_view d, const RegionLimits& lim, std::vector<EncodedRegion>& out);

}  // namespace keyhound
