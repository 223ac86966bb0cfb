// The decoders: base64 (standard and URL-safe, padded or not), percent-encoding, JSON /
// JavaScript string escapes, HTML/XML character references and UTF-16, each a pure function from
// an encoded region to its bytes.
#pragma once
#include <string>
#include <string_view>

namespace keyhound {

enum class Encoding { Base64, Base64Url, Percent, Escape, Html, Utf16Le, Utf16Be, Hex };

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

// Pairs of hex digits (either case, one case throughout) to bytes. False on an odd length or a
// byte that is not a hex digit.
bool hex_decode(std::string_view in, std::string& out);
// HTML/XML character references: &#NNN; &#xHH; and the named ones that escape what a key or a
// URL holds (&quot; &amp; &apos; &lt; &gt; &sol; &colon; &equals; &plus; ...). Anything else is
// kept as written. False if none decoded.
bool html_unescape(std::string_view in, std::string& out);
// UTF-16 code units (no BOM) to one byte each: ASCII as itself, any other unit as '?', so that
// byte k of `out` stands for bytes 2k, 2k+1 of `in` and offsets map back with a stride of 2.
void utf16_to_bytes(std::string_view in, bool big_endian, std::string& out);

// True when decoded bytes read as text: no NUL, and at least 95% printable ASCII, whitespace
// or UTF-8. Random bytes (a base64 image, a hash) pass with odds below 1e-20 at 16 bytes.
bool looks_like_text(std::string_view bytes);

}  // namespace keyhound
