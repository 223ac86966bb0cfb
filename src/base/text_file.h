// Reading a whole (small) file into memory: configs, baselines, rule files, caches.
#pragma once
#include <optional>
#include <stdexcept>
#include <string>

namespace keyhound {

// Thrown by read_text_file: one line naming the file; bytes of the path that could drive a
// terminal are escaped.
struct TextFileError : std::runtime_error {
  explicit TextFileError(const std::string& msg);
};

// The whole file; throws TextFileError "<path>: cannot read <what>: <reason>".
std::string read_text_file(const std::string& path, const std::string& what);
// The whole file, or nullopt when it cannot be opened or read (errno says why): for files whose
// absence is normal (a cache entry, an existing hook).
std::optional<std::string> try_read_file(const std::string& path);

}  // namespace keyhound
