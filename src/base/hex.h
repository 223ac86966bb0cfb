// Hexadecimal, SHA-256 (and HMAC) and percent-encoding: the one copy of each that every layer uses.
#pragma once
#include <string>
#include <string_view>

namespace keyhound {

// Lowercase hex of every byte: "\x01\xab" -> "01ab".
std::string hex_encode(std::string_view bytes);
// 0-15 for a hex digit (either case), -1 for anything else.
int hex_digit_value(char c);
// True when every character of s is a hex digit (either case); true for "".
bool is_hex_digits(std::string_view s);

// SHA-256(data): 32 raw bytes; and as lowercase hex, 64 digits.
std::string sha256(std::string_view data);
std::string sha256_hex(std::string_view data);
// The same without the CPU's SHA instructions, which sha256() uses when it has them (the tests
// compare the two).
std::string sha256_portable(std::string_view data);
// HMAC-SHA256 (RFC 2104): 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view data);

// RFC 4648 base64 of `data`: standard (+/) or URL-safe (-_) alphabet, '=' padding when asked.
std::string base64_encode(std::string_view data, bool url_safe = false, bool pad = true);

// RFC 3986 percent-encoding: unreserved A-Z a-z 0-9 - _ . ~ are kept, every other byte becomes
// %XX (uppercase hex); '/' is kept too unless encode_slash.
std::string percent_encode(std::string_view s, bool encode_slash = true);
// Decodes %XX (a malformed escape is kept as written); '+' is a space only when plus_is_space.
std::string percent_decode(std::string_view s, bool plus_is_space = false);

}  // namespace keyhound
