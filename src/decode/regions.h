// Finding the encoded regions of a buffer cheaply: one pass over 64-byte windows (128-byte
// blocks with AVX2) that passes over text which cannot hold a long base64 run and notes the '%'
// and '\' that percent-encoding and string escapes need. Only what it returns is ever decoded.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "decode/decoders.h"

namespace keyhound {

struct EncodedRegion {
  size_t start = 0, end = 0;  // [start, end) in the scanned buffer
  Encoding encoding = Encoding::Base64;
};

struct RegionLimits {
  size_t min_base64 = 20;      // shortest base64 run looked at (15 decoded bytes)
  size_t min_other = 16;       // shortest percent / escape region looked at
  size_t max_region = 1 << 20; // longer runs are cut here (a base64 blob of a whole file)
  size_t max_regions = 4096;   // per buffer: a file of nothing but escapes costs little
  // Hex runs (32 digits or more, one case) are decoded only when a rule asks for them (a rule's
  // `decode = ["hex"]`): hashes and IDs are hex, and only a rule knows its key's shape well
  // enough to tell one decoded from noise.
  bool hex = false;
};

// The candidate regions of `data`, in offset order, not overlapping. Base64 runs must mix
// upper and lower case and use one alphabet ('+/' or '-_', not both), percent regions need an escape of a
// printable byte, escape regions an escape JSON or JavaScript would write.
std::vector<EncodedRegion> find_encoded_regions(std::string_view data, const RegionLimits& lim = {});

// The same with the portable (SSE2) pass whatever the CPU: tests hold the AVX2 pass to it.
std::vector<EncodedRegion> find_encoded_regions_portable(std::string_view data, const RegionLimits& lim = {});

// The UTF-16 text in `data`: runs of at least `min_units` code units that are ASCII or Latin-1
// (a NUL beside each), little- or big-endian, in offset order. A byte-order mark is not part of
// a run. Cheap on text (one memchr for a NUL); for binary files, a few steps per NUL.
std::vector<EncodedRegion> find_utf16_runs(std::string_view data, size_t min_units = 16);

// Decodes one region; false when it does not decode (or, for base64, not to text).
bool decode_region(std::string_view encoded, Encoding e, std::string& out);

}  // namespace keyhound
