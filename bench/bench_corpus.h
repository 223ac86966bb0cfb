// Reproducible benchmark inputs: realistic source text, text dense with near-miss candidates,
// random bytes. Same seed, same bytes.
#pragma once
#include <cstddef>
#include <string>

namespace keyhound::bench {
// Source-like text: real headers and modules from /usr/include and /usr/lib/python3 when the
// machine has them (every Debian build machine does), topped up with generated code lines.
std::string realistic_source(size_t bytes);
// Code lines where every line holds a near miss: key-ID prefixes, AWS names, hex hashes,
// base64 runs, UUIDs, placeholders; no real finding.
std::string near_miss_text(size_t bytes, unsigned seed = 42);
std::string random_bytes(size_t bytes, unsigned seed = 7);
}  // namespace keyhound::bench
