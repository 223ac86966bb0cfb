// keyhound: finds leaked access keys in files, directories and git histories.
// CLI11 wiring only; each command lives in src/cli/.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/cli_docs.h"
#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"keyhound: find leaked access keys in code, files and git histories"};
  app.set_version_flag("--version", std::string("keyhound ") + KEYHOUND_VERSION);
  app.require_subcommand(1);
  int rc = 0;
  keyhound::add_scan_command(app, &rc);
  keyhound::add_rules_command(app, &rc);
  keyhound::add_config_command(app, &rc);
  keyhound::add_git_command(app, &rc);
  keyhound::add_hook_command(app, &rc);
  keyhound::add_docs_commands(app, &rc);
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
