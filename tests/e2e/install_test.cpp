// End-to-end: `cmake --install` into a DESTDIR (binary, hook, man pages for every command,
// completions), the shell completions themselves, and the .deb that `cpack -G DEB` builds.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "e2e_util.h"

using namespace e2e;
namespace fs = std::filesystem;

namespace {

// The commands `keyhound --help` lists: the man pages must cover exactly these.
std::vector<std::string> help_commands() {
  auto r = run(kh() + " --help");
  std::vector<std::string> out;
  std::istringstream in(r.out);
  bool in_subs = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("Subcommands:", 0) == 0) {
      in_subs = true;
      continue;
    }
    if (in_subs && line.empty()) break;  // the footer (examples) follows the list
    if (in_subs && line.size() > 2 && line[0] == ' ') out.push_back(line.substr(2, line.find(' ', 2) - 2));
  }
  return out;
}

std::string install_into(const std::string& destdir) {
  return run("DESTDIR=" + shell_quote(destdir) + " cmake --install " + shell_quote(KEYHOUND_BUILD_DIR) +
             " --prefix /usr 2>&1").out;
}

}  // namespace

TEST(Install, DestdirHoldsBinaryHookManPagesAndCompletions) {
  std::string root = make_temp_dir();
  std::string log = install_into(root);
  std::string usr = root + "/usr";
  ASSERT_TRUE(fs::exists(usr + "/bin/keyhound")) << log;
  auto v = run(shell_quote(usr + "/bin/keyhound") + " --version");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find("keyhound "), std::string::npos);
  EXPECT_TRUE(fs::exists(usr + "/bin/keyhound-ci-range"));
  EXPECT_EQ(read_file(usr + "/share/keyhound/hooks/pre-commit"), read_file(std::string(KEYHOUND_SOURCE_DIR) + "/hooks/pre-commit"));

  auto commands = help_commands();
  ASSERT_GE(commands.size(), 6u) << "keyhound --help lists too few commands";
  std::vector<std::string> pages{"keyhound"};
  for (auto& c : commands) pages.push_back("keyhound-" + c);
  for (auto& p : pages) {
    std::string path = usr + "/share/man/man1/" + p + ".1";
    ASSERT_TRUE(fs::exists(path)) << p;
    auto m = run("MANWIDTH=100 man -l " + shell_quote(path) + " 2>&1");
    EXPECT_EQ(m.exit_code, 0) << p << ": " << m.out;
    EXPECT_NE(m.out.find("NAME"), std::string::npos) << p;
    EXPECT_NE(m.out.find("SYNOPSIS"), std::string::npos) << p;
  }
  // No page for the hidden generator, and every option --help shows is in the page.
  EXPECT_FALSE(fs::exists(usr + "/share/man/man1/keyhound-man.1"));
  auto scan_help = run(kh() + " scan --help").out;
  auto scan_page = run("MANWIDTH=200 man -l " + shell_quote(usr + "/share/man/man1/keyhound-scan.1") + " 2>&1").out;
  for (const char* opt : {"--format", "--no-redact", "--baseline-out", "--verify-timeout-ms", "--max-file-size"}) {
    EXPECT_NE(scan_help.find(opt), std::string::npos) << opt;
    EXPECT_NE(scan_page.find(opt), std::string::npos) << opt;
  }
  EXPECT_NE(scan_page.find("gitleaks"), std::string::npos) << "--format choices missing";

  for (const char* f : {"/share/bash-completion/completions/keyhound", "/share/zsh/vendor-completions/_keyhound",
                        "/share/fish/vendor_completions.d/keyhound.fish"})
    EXPECT_TRUE(fs::exists(usr + f)) << f;
  // The installed scripts are what `keyhound completion SHELL` prints.
  EXPECT_EQ(read_file(usr + "/share/bash-completion/completions/keyhound"), run(kh() + " completion bash").out);
  EXPECT_EQ(read_file(usr + "/share/zsh/vendor-completions/_keyhound"), run(kh() + " completion zsh").out);
  EXPECT_EQ(read_file(usr + "/share/fish/vendor_completions.d/keyhound.fish"), run(kh() + " completion fish").out);
  fs::remove_all(root);
}

TEST(Install, ManPrintsOnePageAndRejectsUnknownCommands) {
  auto r = run(kh() + " man git");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find(".TH KEYHOUND\\-GIT 1"), std::string::npos);
  EXPECT_NE(r.out.find("\\-\\-range"), std::string::npos);
  auto bad = run(kh() + " man nosuch");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("nosuch"), std::string::npos);
  auto shell = run(kh() + " completion tcsh");
  EXPECT_EQ(shell.exit_code, 2);
}

// Runs the bash completion function as bash would for `words` with the cursor on the last one.
std::string complete_bash(const std::vector<std::string>& words) {
  std::string script = make_temp_dir() + "/keyhound.bash";
  write_file(script, run(kh() + " completion bash").out);
  std::string arr;
  for (auto& w : words) arr += " " + shell_quote(w);
  std::string cmd = "bash -c " + shell_quote("source " + shell_quote(script) + "; COMP_WORDS=(" + arr +
                                            "); COMP_CWORD=" + std::to_string(words.size() - 1) +
                                            "; _keyhound; printf '%s\\n' \"${COMPREPLY[@]}\"");
  return run(cmd).out;
}

TEST(Install, BashCompletionOffersCommandsOptionsAndChoices) {
  std::string top = complete_bash({"keyhound", ""});
  for (const char* c : {"scan\n", "git\n", "rules\n", "config\n", "hook\n", "completion\n"})
    EXPECT_NE(top.find(c), std::string::npos) << c;
  EXPECT_EQ(top.find("man\n"), std::string::npos) << "hidden command offered";
  EXPECT_EQ(complete_bash({"keyhound", "scan", "--for"}), "--format\n");
  std::string formats = complete_bash({"keyhound", "git", "--format", ""});
  for (const char* f : {"sarif\n", "gitlab\n", "junit\n", "csv\n", "gitleaks\n"})
    EXPECT_NE(formats.find(f), std::string::npos) << f;
  EXPECT_EQ(complete_bash({"keyhound", "rules", "l"}), "list\n");
  EXPECT_EQ(complete_bash({"keyhound", "config", "check", "--no-b"}), "--no-builtin-rules\n");
}

TEST(Install, ZshAndFishCompletionsParse) {
  bool any = false;
  if (run("command -v zsh").exit_code == 0) {
    any = true;
    std::string f = make_temp_dir() + "/_keyhound";
    write_file(f, run(kh() + " completion zsh").out);
    auto r = run("zsh -n " + shell_quote(f) + " 2>&1");
    EXPECT_EQ(r.exit_code, 0) << r.out;
  }
  if (run("command -v fish").exit_code == 0) {
    any = true;
    std::string f = make_temp_dir() + "/keyhound.fish";
    write_file(f, run(kh() + " completion fish").out);
    auto r = run("fish -n " + shell_quote(f) + " 2>&1");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    // fish itself lists the formats for `keyhound scan --format `.
    auto c = run("fish -c " + shell_quote("source " + f + "; complete -C 'keyhound scan --format '") + " 2>&1");
    EXPECT_NE(c.out.find("gitleaks"), std::string::npos) << c.out;
  }
  if (!any) GTEST_SKIP() << "neither zsh nor fish is installed";
}

TEST(Package, DebDependsOnTheLinkedLibrariesAndHoldsTheInstall) {
  if (run("command -v dpkg-deb && command -v dpkg-shlibdeps && command -v cpack").exit_code != 0)
    GTEST_SKIP() << "dpkg-deb, dpkg-shlibdeps or cpack missing (apt-get install dpkg-dev cmake)";
  std::string out = make_temp_dir();
  auto r = run("cd " + shell_quote(out) + " && cpack -G DEB --config " +
               shell_quote(std::string(KEYHOUND_BUILD_DIR) + "/CPackConfig.cmake") + " 2>&1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::string deb;
  for (auto& e : fs::directory_iterator(out))
    if (e.path().extension() == ".deb") deb = e.path();
  ASSERT_FALSE(deb.empty()) << r.out;
  EXPECT_EQ(fs::path(deb).filename().string().rfind("keyhound_", 0), 0u) << deb;
  std::string depends = run("dpkg-deb -f " + shell_quote(deb) + " Depends").out;
  // Each shared library the binary links, by its Debian package (what dpkg-shlibdeps found),
  // and those it loads when first used (named in CMakeLists.txt). Hyperscan, RE2, zlib,
  // libdeflate and the C++ runtime are in the binary itself when KEYHOUND_STATIC_DEPS is on
  // (dpkg-shlibdeps then names none of them; the run below shows nothing is missing).
  for (const char* lib : {"libc6", "libgit2-", "libcurl4", "libssl3", "libarchive13", "libsqlite3-0"})
    EXPECT_NE(depends.find(lib), std::string::npos) << lib << " not in Depends: " << depends;
  // libpq serves only a postgres:// datastore: recommended, not required.
  EXPECT_EQ(depends.find("libpq5"), std::string::npos) << depends;
  EXPECT_NE(run("dpkg-deb -f " + shell_quote(deb) + " Recommends").out.find("libpq5"), std::string::npos);
  EXPECT_EQ(depends.find("-dev"), std::string::npos) << "a -dev package in Depends: " << depends;
  std::string contents = run("dpkg-deb -c " + shell_quote(deb)).out;
  for (const char* f : {"./usr/bin/keyhound\n", "./usr/bin/keyhound-ci-range\n", "./usr/share/man/man1/keyhound.1",
                        "./usr/share/man/man1/keyhound-scan.1", "./usr/share/bash-completion/completions/keyhound\n",
                        "./usr/share/zsh/vendor-completions/_keyhound\n",
                        "./usr/share/fish/vendor_completions.d/keyhound.fish\n",
                        "./usr/share/keyhound/hooks/pre-commit\n"})
    EXPECT_NE(contents.find(f), std::string::npos) << f << " not in the package";
  // The binary in the package runs (its libraries are the ones Depends names).
  std::string x = make_temp_dir();
  ASSERT_EQ(run("dpkg-deb -x " + shell_quote(deb) + " " + shell_quote(x)).exit_code, 0);
  EXPECT_EQ(run(shell_quote(x + "/usr/bin/keyhound") + " --version").exit_code, 0);
  fs::remove_all(out);
  fs::remove_all(x);
}
