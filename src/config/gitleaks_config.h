// gitleaks TOML configs read as keyhound configs: [[rules]] become keyhound rules, [allowlist],
// [[allowlists]] and per-rule allowlists become keyhound allowlists. What cannot be carried over
// exactly is listed in Config::translation_notes (`keyhound config check` prints them).
#pragma once
#include <string>
#include <toml++/toml.h>

#include "config/config_loader.h"

namespace keyhound {

// A gitleaks config rather than a .keyhound.toml: gitleaks' top-level keys (title, extend,
// allowlists, minVersion) or [[rules]] tables without keyhound's required `name`.
bool is_gitleaks_config(const toml::table& root);
// Translates it. Throws ConfigError ("file:line: ...") for what is malformed (not for what is
// merely inexact). `extend.path` is read relative to the config's folder.
Config translate_gitleaks_config(const toml::table& root, const std::string& origin);

}  // namespace keyhound
