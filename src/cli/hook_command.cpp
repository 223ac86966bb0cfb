// `keyhound hook install [--force] [REPO]`: installs the pre-commit hook, honouring
// core.hooksPath. A hook already there is kept and run first (chained), or replaced with
// --force (kept as a backup); `keyhound hook uninstall` puts it back.
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

# The pre-commit hook that was here before keyhound's (kept by `keyhound hook install`) runs first.
chained="$(dirname "$0")/pre-commit.keyhound-chained"
if [ -x "$chained" ]; then
  "$chained" "$@" || exit $?
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

bool present(const std::string& path) {
  return std::filesystem::exists(path) || std::filesystem::is_symlink(path);
}

// Where a replaced (--force) and a chained hook are kept, next to ours.
std::string backup_of(const std::string& hook) { return hook + ".keyhound-backup"; }
std::string chained_of(const std::string& hook) { return hook + ".keyhound-chained"; }

int run_install(const HookArgs& a) {
  try {
    std::string dir = hooks_dir(a.repo);
    std::string path = dir + "/pre-commit";
    std::string script = pre_commit_hook_script(self_path());
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw std::runtime_error(dir + ": cannot create the hooks folder: " + ec.message());
    bool chained = false;
    if (present(path)) {
      std::string old = try_read_file(path).value_or("");
      if (old == script) {
        std::cout << "keyhound: the pre-commit hook is already installed in " << path << "\n";
        return 0;
      }
      bool ours = old.find(kMarker) != std::string::npos;
      if (!ours) {
        // Someone's hook: kept and run before ours (chained), or set aside with --force.
        std::string keep = a.force ? backup_of(path) : chained_of(path);
        if (present(keep)) throw std::runtime_error(keep + ": already there; move it away first");
        std::filesystem::rename(path, keep, ec);
        if (ec) throw std::runtime_error(path + ": cannot keep the existing hook: " + ec.message());
        chained = !a.force;
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
    if (chained)
      std::cout << "keyhound: the hook that was there runs first (kept as " << chained_of(path)
                << "; `keyhound hook uninstall` puts it back)\n";
    return 0;
  } catch (const std::exception& e) {
    print_error(e.what());
    return 2;
  }
}

int run_uninstall(const HookArgs& a) {
  try {
    std::string path = hooks_dir(a.repo) + "/pre-commit";
    std::error_code ec;
    if (!present(path)) {
      std::cout << "keyhound: no pre-commit hook in " << path << "\n";
      return 0;
    }
    if (try_read_file(path).value_or("").find(kMarker) == std::string::npos) {
      print_error(path + ": not keyhound's hook; left alone");
      return 2;
    }
    std::filesystem::remove(path, ec);
    if (ec) throw std::runtime_error(path + ": cannot remove: " + ec.message());
    for (const std::string& kept : {chained_of(path), backup_of(path)}) {
      if (!present(kept)) continue;
      std::filesystem::rename(kept, path, ec);
      if (ec) throw std::runtime_error(kept + ": cannot restore: " + ec.message());
      std::cout << "keyhound: removed the pre-commit hook and restored the one that was there\n";
      return 0;
    }
    std::cout << "keyhound: removed the pre-commit hook from " << path << "\n";
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
  CLI::App* hook = app.add_subcommand("hook", "Install or remove the pre-commit hook");
  hook->require_subcommand(1);
  auto a = std::make_shared<HookArgs>();
  CLI::App* install = hook->add_subcommand(
      "install", "Install the keyhound pre-commit hook (honours core.hooksPath; a hook already there is kept "
                 "and runs first)");
  install->add_option("repo", a->repo, "Repository (default: .)");
  install->add_flag("--force", a->force,
                    "Replace an existing pre-commit hook instead of chaining it (kept as a backup)");
  install->callback([a, rc] { *rc = run_install(*a); });
  CLI::App* uninstall = hook->add_subcommand(
      "uninstall", "Remove the keyhound pre-commit hook and restore the hook it chained or replaced");
  uninstall->add_option("repo", a->repo, "Repository (default: .)");
  uninstall->callback([a, rc] { *rc = run_uninstall(*a); });
}

}  // namespace keyhound
