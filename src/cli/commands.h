// Each command registers its CLI11 subcommand; the callback stores its exit status in `*rc`.
#pragma once
#include <CLI/CLI.hpp>

namespace keyhound {
void add_scan_command(CLI::App& app, int* rc);
void add_rules_command(CLI::App& app, int* rc);
void add_config_command(CLI::App& app, int* rc);
void add_git_command(CLI::App& app, int* rc);
void add_hook_command(CLI::App& app, int* rc);
void add_audit_command(CLI::App& app, int* rc);
// report, summarize, triage: reviewing an audit's datastore.
void add_review_commands(CLI::App& app, int* rc);
// datastore merge, datastore dump.
void add_datastore_command(CLI::App& app, int* rc);
}  // namespace keyhound
