// JSON Web Tokens that libraries print in their own documentation: HS256 tokens signed with a
// demo secret ("secret", jwt.io's "your-256-bit-secret", jsonwebtoken's "shhhhh"...). Anyone can
// forge such a token, and one in a README or a package's metadata is an example, not a leak.
#pragma once
#include <string_view>

namespace keyhound {
// True if `token` is header.payload.signature with an HMAC-SHA256 signature made with one of
// the secrets documentation uses.
bool jwt_signed_with_demo_secret(std::string_view token);
}  // namespace keyhound
