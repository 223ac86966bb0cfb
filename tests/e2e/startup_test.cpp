// What start-up does only on demand: the network stack is loaded for --verify alone, libgit2
// for git commands alone, libarchive for archives alone, libsqlite3 for datastores alone, the
// built-in rules come compiled into the binary while a --rules file is read at every run (an
// edit after the build counts), and the Hyperscan database comes from the cache.
#include <gtest/gtest.h>

#include <filesystem>

#include "archive_build.h"
#include "e2e_util.h"

using namespace e2e;

namespace {
std::string key_file(const std::string& dir) {
  std::string f = dir + "/creds.env";
  write_file(f, "aws_access_key_id = " + fake_key_id(61) + "\naws_secret_access_key = " + fake_secret(61) + "\n");
  return f;
}
}  // namespace

TEST(Startup, LibrariesAreLoadedOnlyByTheCommandsThatUseThem) {
  std::string d = make_temp_dir();
  std::string f = key_file(d);
  // LD_DEBUG=files makes the dynamic loader name every library it maps.
  auto scan = run("LD_DEBUG=files " + kh() + " scan " + shell_quote(f));
  EXPECT_EQ(scan.exit_code, 1) << scan.err;
  EXPECT_NE(scan.err.find("file=libc.so"), std::string::npos) << "LD_DEBUG said nothing: " << scan.err.substr(0, 500);
  EXPECT_EQ(scan.err.find("libcurl"), std::string::npos);
  EXPECT_EQ(scan.err.find("libgit2"), std::string::npos);
  auto version = run("LD_DEBUG=files " + kh() + " --version");
  EXPECT_NE(version.err.find("file=libc.so"), std::string::npos) << version.err.substr(0, 500);
  for (const char* lib : {"libgit2", "libarchive", "libsqlite3", "libcurl"}) {
    EXPECT_EQ(scan.err.find(lib), std::string::npos) << lib << " loaded by scan";
    EXPECT_EQ(version.err.find(lib), std::string::npos) << lib << " loaded by --version";
  }
  // An archive loads libarchive when it is opened, and its member is still scanned.
  write_file(d + "/creds.tar.gz", gzip(tar_entry("inner.env", read_file(f)) + tar_end()));
  auto a = run("LD_DEBUG=files " + kh() + " scan " + shell_quote(d + "/creds.tar.gz"));
  EXPECT_EQ(a.exit_code, 1) << a.err.substr(a.err.size() > 2000 ? a.err.size() - 2000 : 0);
  EXPECT_NE(a.err.find("libarchive.so"), std::string::npos);
  EXPECT_NE(a.out.find("creds.tar.gz!inner.env"), std::string::npos) << a.out;
  // A datastore loads libsqlite3 when it is opened.
  run("git init -q " + shell_quote(d + "/audited"));
  auto au = run(kh() + " audit --datastore " + shell_quote(d + "/kh.db") + " " + shell_quote(d + "/audited"));
  ASSERT_EQ(au.exit_code, 0) << au.err;
  auto s = run("LD_DEBUG=files " + kh() + " summarize --datastore " + shell_quote(d + "/kh.db"));
  EXPECT_EQ(s.exit_code, 0) << s.err.substr(s.err.size() > 2000 ? s.err.size() - 2000 : 0);
  EXPECT_NE(s.err.find("libsqlite3.so"), std::string::npos);
  // A git command loads libgit2 when it opens the repository.
  run("git init -q " + shell_quote(d + "/repo"));
  auto g = run("LD_DEBUG=files " + kh() + " git --staged " + shell_quote(d + "/repo"));
  EXPECT_EQ(g.exit_code, 0) << g.err.substr(g.err.size() > 2000 ? g.err.size() - 2000 : 0);
  EXPECT_NE(g.err.find("libgit2"), std::string::npos);
  // ...but the pre-commit check of a change on top of a commit reads the repository itself
  // (src/sources/git_staged.h): no libgit2.
  std::string r = shell_quote(d + "/repo");
  run("printf 'one\\n' > " + r + "/f.txt && git -C " + r + " add f.txt && git -C " + r +
      " -c user.name=A -c user.email=a@x commit -q -m one && printf 'two\\n' >> " + r + "/f.txt && git -C " + r +
      " add f.txt");
  auto own = run("LD_DEBUG=files " + kh() + " git --staged --format json " + r);
  EXPECT_EQ(own.exit_code, 0) << own.err.substr(own.err.size() > 2000 ? own.err.size() - 2000 : 0);
  EXPECT_EQ(own.err.find("libgit2"), std::string::npos);
  EXPECT_NE(own.out.find("\"files_scanned\": 1"), std::string::npos) << own.out;
  // --verify against a closed loopback port: libcurl is loaded, the answer is "unknown".
  auto v = run("LD_DEBUG=files " + kh() + " scan --format json --verify --verify-timeout-ms 2000 "
               "--verify-endpoint-sts http://127.0.0.1:9/ " + shell_quote(f));
  EXPECT_NE(v.err.find("libcurl.so.4"), std::string::npos);
  EXPECT_NE(v.out.find("\"unknown\""), std::string::npos) << v.out;
}

TEST(Startup, RulesFileEditedAfterTheBuildIsRead) {
  std::string d = make_temp_dir();
  std::string rules = d + "/extra.toml";
  std::string target = d + "/target.txt";
  write_file(target, "token = zzq_" + std::string("8f3k2m9x7w4v1b6n5c0lp2") + "\n");
  auto with = [&](const std::string& keyword) {
    write_file(rules, "provider = \"Local\"\n[[rule]]\nid = \"local-token\"\nname = \"Local token\"\n"
                      "keywords = [\"" + keyword + "\"]\nregex = '''" + keyword + "[a-z0-9]{22}'''\n");
    return run(kh() + " scan --no-config --format json --rules " + shell_quote(rules) + " " + shell_quote(target));
  };
  auto first = with("zzq_");
  EXPECT_EQ(first.exit_code, 1) << first.out << first.err;
  EXPECT_NE(first.out.find("local-token"), std::string::npos);
  auto second = with("qqz_");  // the same file, edited: its new keyword no longer matches
  EXPECT_EQ(second.exit_code, 0) << second.out << second.err;
  EXPECT_EQ(second.out.find("local-token"), std::string::npos);
}

TEST(Startup, GitCommandsDoNotLoadTheSystemCertificates) {
  // libgit2 on mbedTLS parses the CA bundle when it starts; keyhound's git commands never make
  // a connection, and its own definition of the parse function is bound instead.
  std::string d = make_temp_dir();
  run("git init -q " + shell_quote(d));
  auto r = run("LD_DEBUG=bindings " + kh() + " git --staged " + shell_quote(d));
  EXPECT_EQ(r.exit_code, 0) << r.err.substr(r.err.size() > 2000 ? r.err.size() - 2000 : 0);
  std::string line;
  for (size_t at = r.err.find("libgit2"); at != std::string::npos; at = r.err.find("libgit2", at + 1)) {
    size_t eol = r.err.find('\n', at);
    std::string l = r.err.substr(at, eol - at);
    if (l.find("`mbedtls_x509_crt_parse_file'") != std::string::npos) line = l;
  }
  if (line.empty()) GTEST_SKIP() << "libgit2 is not built on mbedTLS here";
  EXPECT_NE(line.find("keyhound"), std::string::npos) << "bound elsewhere: " << line;
}
