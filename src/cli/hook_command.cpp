// `keyhound hook install [--force] [REPO]`: installs the pre-commit hook, honouring
// core.hooksPath, and never replaces someone else's hook without --force.
#include "cli/hook_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/text_file.h"
#include "cli/commands.h"
#include "cli/output_options.h"
#include "sources/git_source.h"

namespace keyhound {

namespace {

// Identifies our hook (second line of the script), whichever binary installed it.
const char* kMarker = "# keyhound pre-commit hook";

const char* kScript = R"HOOK(#!/bin/sh
# keyhound pre-commit hook: blocks a commit whose staged change adds an access key.
# Install it with `keyhound hook install`, or copy it to .git/hooks/pre-commit.
# Set KEYHOUND to the keyhound binary if it is not the one below.
KEYHOUND="${KEYHOUND:-@KEYHOUND@}"

if ! command -v "$KEYHOUND" >/dev/null 2>&1; then
  echo "keyhound: commit blocked: cannot run '$KEYHOUND' (not installed, or set KEYHOUND=/path/to/keyhound)." >&2
  echo "To commit without the secret check (not recommended): git commit --no-verify" >&2
  exit 1
fi

"$KEYHOUND" git --staged >&2
status=$?
case $status in
  0)
    exit 0
    ;;
  1)
    cat >&2 <<'EOF'

keyhound: commit blocked: the staged change adds the secret(s) listed above.
  - Remove the key from the file, stage the file again, and rotate the key if it was ever
    pushed or shared: deleting it from the code does not make it safe again.
  - A false positive? Put the marker keyhound:allow in a comment on the same line, e.g.
        api_key = "..."  # keyhound:allow (test fixture, not a real key)
  - To commit anyway without the check (not recommended): git commit --no-verify
EOF
    exit 1
    ;;
  *)
    echo "keyhound: commit blocked: the secret check failed to run (exit $status, see above)." >&2
    echo "Fix the problem, or commit without the check (not recommended): git commit --no-verify" >&2
    exit 1
    ;;
esac
)HOOK";

std::string self_path() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("keyhound") : p.string();
}

struct HookArgs {
  std::string repo = ".";
  bool force = false;
};

int run_install(const HookArgs& a) {
  try {
    std::string dir = hooks_dir(a.repo);
    std::string path = dir + "/pre-commit";
    std::string script = pre_commit_hook_script(self_path());
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw std::runtime_error(dir + ": cannot create the hooks folder: " + ec.message());
    if (std::filesystem::exists(path) || std::filesystem::is_symlink(path)) {
      std::string old = try_read_file(path).value_or("");
      if (old == script) {
        std::cout << "keyhound: the pre-commit hook is already installed in " << path << "\n";
        return 0;
      }
      bool ours = old.find(kMarker) != std::string::npos;
      if (!ours && !a.force) {
        print_error(path + ": a different pre-commit hook is already there; use --force to replace it "
                    "(the old one is kept as pre-commit.keyhound-backup)");
        return 2;
      }
      if (!ours) {
        std::filesystem::rename(path, path + ".keyhound-backup", ec);
        if (ec) throw std::runtime_error(path + ": cannot keep a backup: " + ec.message());
      }
    }
    std::string tmp = path + ".keyhound-tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << script;
      if (!out) throw std::runtime_error(tmp + ": cannot write");
    }
    ::chmod(tmp.c_str(), 0755);
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw std::runtime_error(path + ": cannot install: " + ec.message());
    std::cout << "keyhound: installed the pre-commit hook in " << path << "\n";
    return 0;
  } catch (const std::exception& e) {
    print_error(e.what());
    return 2;
  }
}

}  // namespace

std::string pre_commit_hook_script(const std::string& keyhound) {
  std::string s = kScript;
  auto pos = s.find("@KEYHOUND@");
  s.replace(pos, 10, keyhound);
  return s;
}

std::string hooks_dir(const std::string& repo_path) {
  GitRepo repo = GitRepo::open(repo_path);
  git_config* cfg = nullptr;
  std::string dir;
  if (git_repository_config_snapshot(&cfg, repo.get()) == 0) {
    git_buf buf = GIT_BUF_INIT;
    if (git_config_get_path(&buf, cfg, "core.hooksPath") == 0) {
      dir = buf.ptr;
      git_buf_dispose(&buf);
    }
    git_config_free(cfg);
  }
  if (!dir.empty()) {
    if (dir[0] != '/') dir = (repo.bare() ? repo.git_dir() : repo.workdir()) + dir;
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    return dir;
  }
  git_buf buf = GIT_BUF_INIT;
  if (git_repository_item_path(&buf, repo.get(), GIT_REPOSITORY_ITEM_HOOKS) != 0)
    throw GitError(git_error_text(repo_path + ": hooks folder"));
  dir = buf.ptr;
  git_buf_dispose(&buf);
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

void add_hook_command(CLI::App& app, int* rc) {
  CLI::App* hook = app.add_subcommand("hook", "Install the pre-commit hook");
  hook->require_subcommand(1);
  auto a = std::make_shared<HookArgs>();
  CLI::App* install = hook->add_subcommand(
      "install", "Install the keyhound pre-commit hook (honours core.hooksPath; never replaces another hook "
                 "without --force)");
  install->add_option("repo", a->repo, "Repository (default: .)");
  install->add_flag("--force", a->force, "Replace a different existing pre-commit hook (kept as a backup)");
  install->callback([a, rc] { *rc = run_install(*a); });
}

}  // namespace keyhound
