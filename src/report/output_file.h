// Writes output files safely: mode 0600, never through a symlink planted at the path.
#pragma once
#include <string>

namespace keyhound {
// Writes `data` to `path` ("-" or "" = stdout). Returns false with a one-line `error`.
bool write_output(const std::string& path, const std::string& data, std::string& error);
}  // namespace keyhound
