#include "base/text_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/escape.h"

namespace keyhound {

TextFileError::TextFileError(const std::string& msg) : std::runtime_error(escape_for_terminal(msg)) {}

std::optional<std::string> try_read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return ss.str();
}

std::string read_text_file(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TextFileError(path + ": cannot read " + what + ": " + std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw TextFileError(path + ": cannot read " + what);
  return ss.str();
}

}  // namespace keyhound
