// TOML parsing shared by rule files and config files: one error shape for both.
#pragma once
#include <sstream>
#include <string>
#include <toml++/toml.h>

namespace keyhound {
// Parses `text`; on a syntax error throws Error("<origin>:<line>: invalid TOML: <what>").
template <typename Error>
toml::table parse_toml_text(const std::string& text, const std::string& origin) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << origin << ":" << e.source().begin.line << ": invalid TOML: " << e.description();
    throw Error(os.str());
  }
}
}  // namespace keyhound
