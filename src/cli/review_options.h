// The --datastore option audit, report, summarize and triage share.
#pragma once
#include <CLI/CLI.hpp>
#include <string>

namespace keyhound {

inline void add_datastore_option(CLI::App* cmd, std::string& path) {
  cmd->add_option("--datastore", path, "The audit datastore: a SQLite file (created mode 0600) or a postgresql:// URL (shared by many tasks)")->capture_default_str();
}

}  // namespace keyhound
