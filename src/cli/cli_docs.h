// Man pages and shell completions generated from the CLI11 definitions themselves, so they can
// never drift from what `--help` prints.
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace keyhound {

// The visible top-level commands of `root` (hidden ones, in group "", are left out).
std::vector<const CLI::App*> documented_commands(const CLI::App& root);
// A roff man page (section 1): keyhound(1) for `cmd == &root`, keyhound-NAME(1) for a command.
// Nested subcommands (e.g. `rules list`) are sections of their command's page.
std::string man_page(const CLI::App& root, const CLI::App& cmd);
// The file name of that page: "keyhound.1" or "keyhound-scan.1".
std::string man_page_name(const CLI::App& root, const CLI::App& cmd);
// A completion script for "bash", "zsh" or "fish"; throws std::invalid_argument for another.
std::string completion_script(const CLI::App& root, const std::string& shell);

// `keyhound completion SHELL` and the hidden `keyhound man [COMMAND] [--dir DIR]`.
void add_docs_commands(CLI::App& app, int* rc);

}  // namespace keyhound
