// The --datastore option audit, report, summarize and triage share.
#pragma once
#include <CLI/CLI.hpp>
#include <string>

namespace keyhound {

inline void add_datastore_option(CLI::App* cmd, std::string& path) {
  cmd->add_option("--datastore", path, "The audit datastore (SQLite; created mode 0600)")->capture_default_str();
}

}  // namespace keyhound
