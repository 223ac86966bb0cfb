// Engine fuzzer: arbitrary bytes through Scanner::scan_block, plus the differential property:
// the same bytes fed to StreamScan in random chunk sizes give exactly the same findings.
//
// Input layout: the first 8 bytes seed the chunk-size generator; the rest is the data to scan.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "engine/database.h"
#include "engine/scanner.h"
#include "rules/rule_loader.h"
#include "fuzz_engine_env.h"

using namespace keyhound;

namespace {
using fuzz::Env;
using fuzz::env;

std::string describe(const Finding& f) {
  std::string s = f.rule_id + " @" + std::to_string(f.offset) + " line " + std::to_string(f.line) +
                  ":" + std::to_string(f.column) + " end " + std::to_string(f.end_line) + " len " +
                  std::to_string(f.secret.size());
  for (auto& p : f.parts)
    s += " [" + p.role + " " + p.rule_id + " @" + std::to_string(p.offset) + " line " +
         std::to_string(p.line) + ":" + std::to_string(p.column) + "]";
  return s;
}

// The first field in which two findings differ, or "" if they are the same.
std::string diff(const Finding& a, const Finding& b) {
#define KH_CMP(x) if (a.x != b.x) return #x;
  KH_CMP(rule_id) KH_CMP(offset) KH_CMP(secret) KH_CMP(line) KH_CMP(column) KH_CMP(end_line)
  KH_CMP(match) KH_CMP(line_text) KH_CMP(example) KH_CMP(binary) KH_CMP(properties)
  if (a.parts.size() != b.parts.size()) return "parts.size";
  for (size_t i = 0; i < a.parts.size(); ++i) {
    KH_CMP(parts[i].role) KH_CMP(parts[i].rule_id) KH_CMP(parts[i].secret) KH_CMP(parts[i].offset)
    KH_CMP(parts[i].line) KH_CMP(parts[i].column)
  }
#undef KH_CMP
  return "";
}

[[noreturn]] void fail(const char* what, const std::vector<Finding>& block,
                       const std::vector<Finding>& stream) {
  std::fprintf(stderr, "differential mismatch: %s\nblock (%zu):\n", what, block.size());
  for (auto& f : block) std::fprintf(stderr, "  %s\n", describe(f).c_str());
  std::fprintf(stderr, "stream (%zu):\n", stream.size());
  for (auto& f : stream) std::fprintf(stderr, "  %s\n", describe(f).c_str());
  std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Env& e = env();
  uint64_t seed = 0;
  size_t hdr = std::min<size_t>(size, 8);
  std::memcpy(&seed, data, hdr);
  std::string_view text(reinterpret_cast<const char*>(data) + hdr, size - hdr);

  std::vector<Finding> block = e.scanner->scan_block(text, *e.scratch);
  for (auto& f : block) {
    // Every reported secret is a slice of the input at its offset.
    if (f.offset > text.size() || f.secret.size() > text.size() - f.offset ||
        text.substr(f.offset, f.secret.size()) != f.secret)
      fail("secret is not the input bytes at its offset", block, {});
  }

  std::mt19937_64 rng(seed);
  // Mostly small chunks so boundaries land inside keys; sometimes one byte at a time.
  int mode = static_cast<int>(seed % 4);
  StreamScan ss(*e.scanner, *e.scratch);
  size_t off = 0;
  while (off < text.size()) {
    size_t n;
    switch (mode) {
      case 0: n = 1; break;
      case 1: n = 1 + rng() % 16; break;
      case 2: n = 1 + rng() % 512; break;
      default: n = 1 + rng() % 8192; break;
    }
    n = std::min(n, text.size() - off);
    ss.feed(text.substr(off, n));
    off += n;
  }
  std::vector<Finding> stream = ss.finish();
  if (stream.size() != block.size()) fail("different number of findings", block, stream);
  for (size_t i = 0; i < block.size(); ++i) {
    std::string d = diff(block[i], stream[i]);
    if (!d.empty()) {
      std::fprintf(stderr, "finding %zu differs in %s\n", i, d.c_str());
      fail("findings differ", block, stream);
    }
  }
  return 0;
}
