// Tokens that carry a base64 JSON object (Grafana Cloud glc_, 1Password ops_, Sentry sntrys_,
// Mapbox sk./pk.): the object decoded, for the checks that read it.
#pragma once
#include <string>
#include <string_view>

namespace keyhound {
// The bytes of the base64 run (standard or URL-safe alphabet, unpadded or padded) that starts
// at the first "eyJ" ('{"' encoded) of `token`; "" when there is none.
std::string embedded_json(std::string_view token);
// True when the embedded object is whole: it decodes to text that ends with '}'. A token cut
// short (a truncated copy, a line wrap) decodes to an object without its end.
bool embedded_json_complete(std::string_view token);
}  // namespace keyhound
