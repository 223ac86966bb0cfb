// Checksums embedded in token formats (GitHub and npm CRC32). A token failing its checksum is
// not a real token.
#pragma once
#include <string>
#include <string_view>

namespace keyhound {
// True if `name` is a checksum keyhound knows.
bool known_checksum(const std::string& name);
// True if `secret` passes the named checksum.
bool verify_checksum(const std::string& name, std::string_view secret);
}  // namespace keyhound
