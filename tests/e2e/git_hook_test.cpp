// The pre-commit hook: `keyhound hook install`, hooks/pre-commit and .pre-commit-hooks.yaml.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "git_e2e_util.h"

using namespace e2e;
using namespace gite2e;

namespace {
// `git commit` with the hook; keyhound's cache env passes through git to the hook.
RunResult try_commit(const std::string& d, const std::string& extra = "") {
  return run(kh_env() + " GIT_CONFIG_NOSYSTEM=1 HOME=" + shell_quote(d) +
             " git -c user.name=T -c user.email=t@example.com -c commit.gpgsign=false -C " + shell_quote(d) +
             " commit -q -m test " + extra);
}
}  // namespace

TEST(GitHookE2E, InstalledHookBlocksAKeyAndLetsACleanCommitThrough) {
  std::string d = new_repo();
  commit_file(d, "README", "hi\n");
  auto r = run(kh() + " hook install " + d);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string hook = d + "/.git/hooks/pre-commit";
  ASSERT_TRUE(std::filesystem::exists(hook));
  EXPECT_TRUE(static_cast<bool>(std::filesystem::status(hook).permissions() & std::filesystem::perms::owner_exec));
  // Again: already there, still fine.
  r = run(kh() + " hook install " + d);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("already installed"), std::string::npos);

  write_file(d + "/creds", key_pair(50));
  git(d, "add creds");
  auto c = try_commit(d);
  EXPECT_NE(c.exit_code, 0);
  EXPECT_NE(c.err.find("commit blocked"), std::string::npos) << c.err;
  EXPECT_NE(c.err.find("creds:2"), std::string::npos) << c.err;
  EXPECT_NE(c.err.find("keyhound:allow"), std::string::npos) << c.err;
  EXPECT_NE(c.err.find("--no-verify"), std::string::npos) << c.err;
  EXPECT_EQ(git(d, "rev-list --count HEAD"), "1");

  git(d, "rm -q --cached creds");
  write_file(d + "/notes.txt", "nothing secret\n");
  git(d, "add notes.txt");
  c = try_commit(d);
  EXPECT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(git(d, "rev-list --count HEAD"), "2");
}

TEST(GitHookE2E, HonoursCoreHooksPathAndRefusesADifferentHook) {
  std::string d = new_repo();
  git(d, "config core.hooksPath .githooks");
  auto r = run(kh() + " hook install " + d);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(d + "/.githooks/pre-commit"));
  EXPECT_FALSE(std::filesystem::exists(d + "/.git/hooks/pre-commit"));

  std::string e = new_repo();
  std::string hook = e + "/.git/hooks/pre-commit";
  std::filesystem::create_directories(e + "/.git/hooks");
  write_file(hook, "#!/bin/sh\necho mine\n");
  // --force replaces (the old hook kept as a backup) instead of chaining.
  r = run(kh() + " hook install --force " + e);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(read_file(hook).find("git --staged"), std::string::npos);
  EXPECT_EQ(read_file(hook + ".keyhound-backup"), "#!/bin/sh\necho mine\n");
}

TEST(GitHookE2E, CheckedInHookScriptWorksWithKEYHOUNDSet) {
  std::string d = new_repo();
  std::string hooks = d + "/.git/hooks";
  std::filesystem::create_directories(hooks);
  std::filesystem::copy_file(std::string(KEYHOUND_SOURCE_DIR) + "/hooks/pre-commit", hooks + "/pre-commit");
  ::chmod((hooks + "/pre-commit").c_str(), 0755);
  write_file(d + "/k.env", key_pair(51));
  git(d, "add k.env");
  auto c = run("export KEYHOUND=" + shell_quote(KEYHOUND_BINARY) + " && " +
               kh_env() + " GIT_CONFIG_NOSYSTEM=1 HOME=" + shell_quote(d) +
               " git -c user.name=T -c user.email=t@example.com -C " + shell_quote(d) + " commit -q -m k");
  EXPECT_NE(c.exit_code, 0);
  EXPECT_NE(c.err.find("commit blocked"), std::string::npos) << c.err;
  // Without keyhound reachable the hook fails closed and says how to bypass.
  auto m = run("export KEYHOUND=/nonexistent/keyhound && GIT_CONFIG_NOSYSTEM=1 HOME=" + shell_quote(d) +
               " git -c user.name=T -c user.email=t@example.com -C " + shell_quote(d) + " commit -q -m k");
  EXPECT_NE(m.exit_code, 0);
  EXPECT_NE(m.err.find("--no-verify"), std::string::npos) << m.err;
}

TEST(GitHookE2E, PreCommitFrameworkEntryBlocksAndPasses) {
  // The pre-commit framework runs `entry` from .pre-commit-hooks.yaml in the work tree with
  // keyhound on PATH and no file names (pass_filenames: false). Run that entry the same way.
  std::string yaml = read_file(std::string(KEYHOUND_SOURCE_DIR) + "/.pre-commit-hooks.yaml");
  auto pos = yaml.find("entry: ");
  ASSERT_NE(pos, std::string::npos);
  std::string entry = yaml.substr(pos + 7, yaml.find('\n', pos) - pos - 7);
  EXPECT_EQ(entry, "keyhound git --staged");
  EXPECT_NE(yaml.find("pass_filenames: false"), std::string::npos);
  std::string bindir = std::filesystem::path(KEYHOUND_BINARY).parent_path().string();
  std::string d = new_repo();
  commit_file(d, "a", "a\n");
  auto run_entry = [&] {
    return run("cd " + shell_quote(d) + " && " + kh_env() + " PATH=" + shell_quote(bindir) + ":\"$PATH\" " + entry);
  };
  write_file(d + "/b", "clean\n");
  git(d, "add b");
  EXPECT_EQ(run_entry().exit_code, 0);
  write_file(d + "/c.env", key_pair(52));
  git(d, "add c.env");
  auto r = run_entry();
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("c.env:2"), std::string::npos) << r.out;
}

TEST(GitHookE2E, InstallChainsAnExistingHookAndUninstallRestoresIt) {
  std::string d = new_repo();
  commit_file(d, "README", "hi\n");
  std::string hook = d + "/.git/hooks/pre-commit";
  std::filesystem::create_directories(d + "/.git/hooks");
  // Someone's hook: it leaves a trace, and refuses commits of a file named STOP.
  std::string mine = "#!/bin/sh\necho ran >> \"$(dirname \"$0\")/../mine-ran\"\n"
                     "git diff --cached --name-only | grep -q STOP && exit 7\nexit 0\n";
  write_file(hook, mine);
  ::chmod(hook.c_str(), 0755);
  auto r = run(kh() + " hook install " + d);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("runs first"), std::string::npos) << r.out;
  EXPECT_NE(read_file(hook).find("git --staged"), std::string::npos);
  EXPECT_EQ(read_file(hook + ".keyhound-chained"), mine);
  // Both run: a clean commit passes both, the old hook's refusal and keyhound's block both hold.
  write_file(d + "/ok.txt", "fine\n");
  git(d, "add ok.txt");
  EXPECT_EQ(try_commit(d).exit_code, 0);
  EXPECT_NE(read_file(d + "/.git/mine-ran"), "");
  write_file(d + "/STOP", "x\n");
  git(d, "add STOP");
  EXPECT_NE(try_commit(d).exit_code, 0);
  git(d, "rm -q --cached STOP");
  write_file(d + "/k.env", key_pair(61));
  git(d, "add k.env");
  r = try_commit(d);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("commit blocked"), std::string::npos) << r.err;
  // Uninstall puts the old hook back as it was.
  r = run(kh() + " hook uninstall " + d);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(hook), mine);
  EXPECT_FALSE(std::filesystem::exists(hook + ".keyhound-chained"));
  // Only the old hook runs now: the staged key is no longer keyhound's business.
  EXPECT_EQ(try_commit(d).exit_code, 0);
  // Nothing of ours left: uninstall says so; someone else's hook is never removed.
  r = run(kh() + " hook uninstall " + d);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not keyhound's hook"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(hook), mine);
}

TEST(GitHookE2E, CommitAllAndCommitPathsCheckWhatGitWillCommit) {
  // `git commit -a` and `git commit PATHS` build a temporary index and hand it to the hook in
  // GIT_INDEX_FILE: the hook must judge that one, not .git/index. Both ways of building the
  // staged diff (keyhound's own reader and libgit2's) are checked.
  for (std::string fast : {"1", "0"}) {
    SCOPED_TRACE("KEYHOUND_GIT_STAGED_FAST=" + fast);
    std::string d = new_repo();
    commit_file(d, "config.env", "region=eu-west-1\n");
    commit_file(d, "notes.txt", "notes\n");
    auto r = run(kh() + " hook install " + d);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string env = "KEYHOUND_GIT_STAGED_FAST=" + fast;
    // The key is in the work tree only: `git commit` alone commits nothing of it...
    write_file(d + "/config.env", "region=eu-west-1\n" + key_pair(70));
    write_file(d + "/notes.txt", "notes\nmore notes\n");
    git(d, "add notes.txt");
    // ...but -a does: blocked, and the key's file is named.
    auto c = try_commit(d, "-a");
    EXPECT_NE(c.exit_code, 0);
    EXPECT_NE(c.err.find("config.env"), std::string::npos) << c.err;
    EXPECT_EQ(git(d, "rev-list --count HEAD"), "2");
    // Naming the file commits it as in the work tree: blocked too.
    c = run(env + " " + kh_env() + " GIT_CONFIG_NOSYSTEM=1 HOME=" + shell_quote(d) +
            " git -c user.name=T -c user.email=t@example.com -c commit.gpgsign=false -C " + shell_quote(d) +
            " commit -q -m test -- config.env");
    EXPECT_NE(c.exit_code, 0);
    EXPECT_NE(c.err.find("config.env"), std::string::npos) << c.err;
    // The key staged in .git/index, but only notes.txt committed: nothing of the key goes in.
    git(d, "add config.env");
    c = run(env + " " + kh_env() + " GIT_CONFIG_NOSYSTEM=1 HOME=" + shell_quote(d) +
            " git -c user.name=T -c user.email=t@example.com -c commit.gpgsign=false -C " + shell_quote(d) +
            " commit -q -m test -- notes.txt");
    EXPECT_EQ(c.exit_code, 0) << c.err;
    EXPECT_EQ(git(d, "rev-list --count HEAD"), "3");
    EXPECT_EQ(git(d, "diff --cached --name-only"), "config.env");
  }
}
