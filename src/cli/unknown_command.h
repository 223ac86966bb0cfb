// A mistyped command name: say which, and suggest the nearest one ("scna" -> "scan").
#pragma once
#include <CLI/CLI.hpp>
#include <string>

namespace keyhound {

// The subcommand of `app` (or of a subcommand, for `rules lsit`) nearest to `word` by edit
// distance, if close enough to be a typo (at most 2 edits, fewer than the word's length); "".
std::string nearest_command(const CLI::App& app, const std::string& word);

// If the first word naming a (sub)command in argv is not one, prints "unknown command 'X'"
// (with the nearest, if any) and returns true: the caller exits 2.
bool report_unknown_command(CLI::App& app, int argc, char** argv);

}  // namespace keyhound
