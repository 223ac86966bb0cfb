// The decoding stage every source passes its items through: secrets visible only once a
// region is decoded (base64, percent-encoding, string escapes, to a small depth) are found
// by scanning the decoded bytes spliced into their surroundings, and reported at the encoded
// span of the original item with the decoder chain ("decoded": ["base64"]).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "decode/regions.h"
#include "engine/scanner.h"
#include "findings/finding.h"

namespace keyhound {

struct DecodeOptions {
  int depth = 2;          // --decode-depth: decoders applied in a chain at most; 0 turns it off
  RegionLimits limits;
  // Original bytes kept on each side of a decoded region, so that a rule's context (the
  // name on the line, a key ID a few lines up) is seen as in a plain scan.
  size_t context = 512;
};

// Adds the findings that decoding `data` reveals to `findings`, which holds the plain scan's
// findings of the same bytes (provenance not yet attached). A secret the plain scan found too
// is counted once: the plain finding stays (taking the other half of a pair found decoded);
// a plain finding inside an encoded span whose decoded form holds the same rule's secret is
// replaced by the decoded one.
void add_decoded_findings(const Scanner& sc, Scratch& scratch, std::string_view data, const DecodeOptions& o,
                          std::vector<Finding>& findings);

// The decoding stage over a stream fed in chunks (files and members too large to hold): each
// chunk is decoded with the 64 KiB before it, and keeps what starts between the middles of its
// two overlaps, so a region up to 32 KiB is always read whole; a longer one that crosses a chunk
// edge is read in part. Memory: one chunk and the overlap.
class StreamDecode {
 public:
  StreamDecode(const Scanner& sc, Scratch& scratch, const DecodeOptions& o) : sc_(sc), scratch_(scratch), o_(o) {}
  void feed(std::string_view chunk);
  // Adds to `plain` (the stream's own findings) what decoding found and the plain scan did not.
  void finish(std::vector<Finding>& plain);

  static constexpr size_t kOverlap = 64 << 10;

 private:
  void decode_window(bool last);

  const Scanner& sc_;
  Scratch& scratch_;
  const DecodeOptions& o_;
  std::string window_;        // the overlap kept, then the chunk
  uint64_t window_at_ = 0;    // offset of window_[0] in the stream
  uint64_t line_at_ = 1;      // its line
  uint64_t line_start_ = 0;   // where that line starts
  std::vector<Finding> found_;
};

// Decodes one region and, to depth-1 further levels, the regions inside what it decoded.
// `chain` gets the decoders used, outermost first. False when the region does not decode.
bool decode_deep(std::string_view encoded, Encoding e, int depth, const RegionLimits& lim, std::string& out,
                 std::vector<std::string>& chain);

}  // namespace keyhound
