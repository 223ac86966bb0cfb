// Git's delta format (pack objects of type OFS_DELTA / REF_DELTA): two size varints, then copy
// and insert instructions against a base object. Checked before applied, so a damaged or
// hostile delta is an error line, never an out-of-bounds read or write.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace keyhound {

// Reads one delta size varint (7 bits a byte, low first) at p, advancing it; false if it runs
// past `end` or overflows 64 bits.
bool delta_varint(const uint8_t*& p, const uint8_t* end, uint64_t& v);

// Checks the instructions in [d, end) (past the two size varints) against a base of `base_len`
// bytes and the result size the delta declares. "" when applying them is safe; else why not.
std::string check_delta(const uint8_t* d, const uint8_t* end, uint64_t base_len, uint64_t result);

// Applies instructions that check_delta() accepted; `out` holds the declared result size.
void apply_delta(const uint8_t* d, const uint8_t* end, const uint8_t* base, uint8_t* out);

// The whole delta (with its size header) applied to `base`: false with `error` set when the
// delta is damaged or does not fit the base.
bool apply_git_delta(std::string_view base, std::string_view delta, std::string& out, std::string& error);

}  // namespace keyhound
