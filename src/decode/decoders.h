// The decoders: base64 (standard and URL-safe, padded or not), percent-encoding and JSON /
// JavaScript string escapes, each a pure function from an encoded region to its bytes.
#pragma once
#include <string>
#include <string_view>

namespace keyhound {

enum class Encoding { Base64, Base64Url, Percent, Escape };

// The word a decoder has in reports ("decoded": ["base64"]).
const char* encoding_word(Encoding e);

// Decodes `in` (no whitespace, '=' padding optional) into `out`. False when `in` is not
// base64 of that alphabet (a byte outside it, a length of 4n+1, padding in the middle).
bool base64_decode(std::string_view in, bool url_safe, std::string& out);
// %XX escapes (either case); a malformed escape is kept as written. False if none decoded.
bool percent_unescape(std::string_view in, std::string& out);
// JSON and JavaScript string escapes: \/ \\ \" \' \n \r \t \b \f \uXXXX (surrogate pairs
// joined, as UTF-8) and \xXX. An unknown escape keeps its character. False if none decoded.
bool string_unescape(std::string_view in, std::string& out);

// True when decoded bytes read as text: no NUL, and at least 95% printable ASCII, whitespace
// or UTF-8. Random bytes (a base64 image, a hash) pass with odds below 1e-20 at 16 bytes.
bool looks_like_text(std::string_view bytes);

}  // namespace keyhound
