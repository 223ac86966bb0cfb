// keyhound: finds leaked access keys in files, directories and git histories.
// CLI11 wiring only; each command lives in src/cli/.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "base/heap_warmup.h"
#include "cli/cli_docs.h"
#include "cli/commands.h"
#include "cli/unknown_command.h"

int main(int argc, char** argv) {
  // `--version` alone is answered before the command line is built: CLI11 would construct every
  // command's options and then throw to report it (the first exception walks every library's
  // unwind tables), which made up most of its time.
  if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
    std::fputs("keyhound " KEYHOUND_VERSION "\n", stdout);
    return 0;
  }
  keyhound::warm_heap();
  // Named here: CLI11 would otherwise print argv[0], the build path, in --help.
  CLI::App app{"keyhound: find leaked access keys in code, files and git histories", "keyhound"};
  app.set_version_flag("--version", std::string("keyhound ") + KEYHOUND_VERSION);
  app.require_subcommand(1);
  int rc = 0;
  // Building a command's options costs about a million instructions each (a fifth of a
  // pre-commit run's own work): when argv[1] names a command, only that one is built. Anything
  // else (--help, no command, a typo, man and completion, which describe every command) builds
  // them all, so help, suggestions and errors read as before.
  struct Command {
    const char* names[3];  // the subcommands it adds
    void (*add)(CLI::App&, int*);
  };
  static const Command commands[] = {
      {{"scan"}, keyhound::add_scan_command},
      {{"rules"}, keyhound::add_rules_command},
      {{"config"}, keyhound::add_config_command},
      {{"git"}, keyhound::add_git_command},
      {{"hook"}, keyhound::add_hook_command},
      {{"audit"}, keyhound::add_audit_command},
      {{"report", "summarize", "triage"}, keyhound::add_review_commands},
      {{"datastore"}, keyhound::add_datastore_command},
  };
  const Command* only = nullptr;
  for (const Command& c : commands)
    for (const char* n : c.names)
      if (n && argc > 1 && std::strcmp(argv[1], n) == 0) only = &c;
  for (const Command& c : commands)
    if (!only || only == &c) c.add(app, &rc);
  app.footer(
      "Examples:\n"
      "  keyhound scan .                          files and directories\n"
      "  keyhound git --range origin/main..HEAD   CI: what a pull request adds\n"
      "  keyhound hook install                    pre-commit check of staged lines\n"
      "Exit status: 0 no findings, 1 findings (--exit-code), 2 usage or runtime error.");
  if (!only) keyhound::add_docs_commands(app, &rc);
  if (keyhound::report_unknown_command(app, argc, argv)) return 2;
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;  // usage errors exit 2, like every other error
  }
  return rc;
}
