// Decode-layer fuzzer (src/decode/): arbitrary bytes through the region finder, every decoder
// (base64, percent, escapes, character references, hex, UTF-16) and the decoding stage on the
// built-in engine. Regions and UTF-16 runs are in order, disjoint and inside the input; decoders
// never read past their input; every decoded finding lies inside the input with a line and
// column that point at its offset; base64 round-trips; UTF-16 keeps its stride of 2.
//
// Input layout: byte 0 picks the decode depth (0-3), the rest is the data.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/hex.h"
#include "decode/decode_scan.h"
#include "decode/decoders.h"
#include "decode/regions.h"
#include "engine/database.h"
#include "engine/scanner.h"
#include "rules/rule_loader.h"
#include "fuzz_engine_env.h"

using namespace keyhound;

namespace {
using fuzz::Env;
using fuzz::env;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_decode: %s\n", what);
  std::abort();
}

std::string encode64(std::string_view in, bool url) { return keyhound::base64_encode(in, url, false); }
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  int depth = data[0] % 4;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  RegionLimits lim;
  lim.hex = depth & 1;  // hex runs only when a rule asks: both ways
  auto regions = find_encoded_regions(text, lim);
  size_t prev_end = 0;
  for (auto& r : regions) {
    if (r.start < prev_end || r.end <= r.start || r.end > text.size()) fail("regions out of order or outside the input");
    prev_end = r.end;
    std::string out;
    decode_region(text.substr(r.start, r.end - r.start), r.encoding, out);
  }
  std::string out;
  for (bool url : {false, true}) {
    // Decoding is lenient (non-zero trailing bits are dropped), so compare the bytes: what was
    // decoded, encoded again, decodes to the same bytes.
    std::string again;
    if (base64_decode(text, url, out) && (!base64_decode(encode64(out, url), url, again) || again != out))
      fail("base64 does not round-trip");
    again.clear();
    if (!base64_decode(encode64(text, url), url, again) || again != text) fail("base64 of the input does not decode back");
  }
  percent_unescape(text, out);
  if (out.size() > text.size()) fail("percent-decoding grew the input");
  string_unescape(text, out);
  if (out.size() > text.size() * 2) fail("unescaping grew the input more than UTF-8 allows");
  html_unescape(text, out);
  if (out.size() > text.size()) fail("character references grew the input");
  if (hex_decode(text, out) && out.size() * 2 != text.size()) fail("hex decoded to the wrong length");
  prev_end = 0;
  for (auto& r : find_utf16_runs(text)) {
    if (r.start < prev_end || r.end <= r.start || r.end > text.size() || (r.end - r.start) % 2)
      fail("UTF-16 runs out of order, outside the input or of an odd length");
    prev_end = r.end;
    utf16_to_bytes(text.substr(r.start, r.end - r.start), r.encoding == Encoding::Utf16Be, out);
    if (out.size() * 2 != r.end - r.start || out.find('\0') != std::string::npos) fail("UTF-16 stride broken");
  }
  looks_like_text(text);

  Env& e = env();
  std::vector<Finding> fs = e.scanner->scan_block(text, *e.scratch);
  DecodeOptions o;
  o.depth = depth;
  add_decoded_findings(*e.scanner, *e.scratch, text, o, fs);
  for (auto& f : fs) {
    if (f.offset > text.size()) fail("finding past the input");
    if (f.decoded.empty()) continue;
    // A decoded finding's line and column point at its (encoded) offset.
    uint64_t line = 1, col = 1;
    for (size_t i = 0; i < f.offset; ++i) {
      if (text[i] == '\n') line++, col = 1;
      else col++;
    }
    if (f.line != line || f.column != col) fail("decoded finding's line/column do not match its offset");
    for (auto& p : f.parts)
      if (p.offset > text.size()) fail("part past the input");
  }
  return 0;
}
