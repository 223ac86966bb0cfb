// End-to-end: archives and compressed files are read member by member (nested too), members
// named "archive!member" in every format, and hostile archives cost little: each stops at a
// bound or is skipped with one warning naming archive, member and reason, counted in the
// summary, in under 2 s and 128 MB.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "archive_build.h"
#include "e2e_util.h"
#include "git_e2e_util.h"

using namespace e2e;
using nlohmann::json;

namespace {

std::string creds(unsigned seed) {
  return "aws_access_key_id = " + fake_key_id(seed) + "\naws_secret_access_key = " + fake_secret(seed) + "\n";
}

// Runs keyhound under python's getrusage: the child's peak RSS in KiB and the CPU time it used
// (user + system). CPU time, not wall time: what a hostile archive costs keyhound does not depend
// on how busy the machine is (wall-clock figures are in bench/README.md).
struct Measured {
  RunResult r;
  long rss_kb = 0;
  double seconds = 0;
};
Measured measured(const std::string& args) {
  Measured m;
  m.r = run("python3 -c 'import resource,subprocess,sys; p=subprocess.run(sys.argv[1], shell=True); "
            "u=resource.getrusage(resource.RUSAGE_CHILDREN); "
            "sys.stderr.write(\"CPU=%f RSS=%d\\n\" % (u.ru_utime + u.ru_stime, u.ru_maxrss)); "
            "sys.exit(p.returncode)' " + shell_quote(kh() + " " + args));
  auto at = m.r.err.rfind("CPU=");
  if (at != std::string::npos) m.seconds = std::stod(m.r.err.substr(at + 4));
  at = m.r.err.rfind("RSS=");
  if (at != std::string::npos) m.rss_kb = std::stol(m.r.err.substr(at + 4));
  return m;
}

int count_lines_with(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t p = 0; (p = text.find(needle, p)) != std::string::npos; p += needle.size()) ++n;
  return n;
}

}  // namespace

TEST(ArchiveE2e, MembersOfEveryKindAreScannedWithTheirPath) {
  std::string d = make_temp_dir();
  std::string props = "spring.application.name=billing\n" + creds(601);
  std::string war = zip({{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"},
                         {"WEB-INF/classes/application.properties", props}});
  write_file(d + "/app.war", war);
  write_file(d + "/bundle.tar.gz", gzip(tar_entry("deploy/app.war", war) + tar_entry("deploy/.env", creds(602)) + tar_end()));
  write_file(d + "/notes.txt.gz", gzip("notes\n" + creds(603)));
  write_file(d + "/plain.tar", tar_entry("etc/app.conf", creds(604)) + tar_end());
  auto r = run(kh() + " scan --no-progress --format json " + d);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json j = json::parse(r.out);
  std::set<std::string> paths;
  for (auto& f : j["findings"]) {
    paths.insert(f["path"].get<std::string>().substr(d.size() + 1));
    EXPECT_EQ(f["parts"].size(), 1u);
    bool second = f["path"].get<std::string>().find("properties") != std::string::npos ||
                  f["path"].get<std::string>().find("notes") != std::string::npos;
    EXPECT_EQ(f["line"], second ? 2 : 1);
  }
  EXPECT_EQ(paths, (std::set<std::string>{"app.war!WEB-INF/classes/application.properties",
                                          "bundle.tar.gz!deploy/app.war!WEB-INF/classes/application.properties",
                                          "bundle.tar.gz!deploy/.env", "notes.txt.gz!notes.txt", "plain.tar!etc/app.conf"}));
  EXPECT_EQ(j["summary"]["archives"], "4");
  EXPECT_EQ(j["summary"]["files_scanned"], 7);  // members (a manifest too), not the archives
  // SARIF: located at the archive (a file code scanning can open), the member in a logical
  // location, the message and the properties.
  r = run("cd " + d + " && " + kh() + " scan --no-progress --format sarif app.war");
  json s = json::parse(r.out);
  auto& loc = s["runs"][0]["results"][0]["locations"][0];
  EXPECT_EQ(loc["physicalLocation"]["artifactLocation"]["uri"], "app.war");
  EXPECT_EQ(loc["physicalLocation"]["region"]["startLine"], 1);
  EXPECT_EQ(loc["logicalLocations"][0]["fullyQualifiedName"], "app.war!WEB-INF/classes/application.properties");
  EXPECT_EQ(s["runs"][0]["results"][0]["properties"]["member_line"], 2);
  EXPECT_NE(s["runs"][0]["results"][0]["message"]["text"].get<std::string>().find(
                "(in app.war!WEB-INF/classes/application.properties:2:"), std::string::npos);
  // Text and CSV name the member too; --archive-depth 0 scans the bytes as they are.
  r = run(kh() + " scan --no-progress " + d + "/plain.tar");
  EXPECT_NE(r.out.find("plain.tar!etc/app.conf:1:"), std::string::npos) << r.out;
  r = run(kh() + " scan --no-progress --format csv " + d + "/plain.tar");
  EXPECT_NE(r.out.find("plain.tar!etc/app.conf"), std::string::npos) << r.out;
  r = run(kh() + " scan --no-progress --archive-depth 0 --format json " + d);
  j = json::parse(r.out);
  ASSERT_EQ(j["findings"].size(), 2u);  // the stored zip and the tar hold the bytes plainly
}

TEST(ArchiveE2e, ArchivesCommittedToGitAreReadToo) {
  std::string d = gite2e::new_repo();
  // Deflated, as jar tools write it: the zip reader inflates it from the blob's bytes.
  gite2e::commit_file(d, "lib/app.jar", zip({{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n", false, true},
                                             {"config/app.properties", creds(611), false, true}}),
                      "jar");
  auto r = run(kh() + " git --format json " + d);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json j = json::parse(r.out);
  ASSERT_EQ(j["findings"].size(), 1u);
  EXPECT_EQ(j["findings"][0]["path"], "lib/app.jar!config/app.properties");
  EXPECT_EQ(j["findings"][0]["commit"].get<std::string>().size(), 40u);
}

TEST(ArchiveE2e, ZipBombStopsAtTheRatioBoundFastAndSmall) {
  std::string d = make_temp_dir();
  std::string bomb = zip_bomb(4096);  // 4 GiB of zeros in about 4 MB
  ASSERT_LT(bomb.size(), 8u << 20);
  write_file(d + "/bomb.zip", bomb);
  write_file(d + "/after.env", creds(621));
  Measured m = measured("scan --no-progress --format json " + d);
  EXPECT_EQ(m.r.exit_code, 1) << m.r.err;  // the scan went on to the next file
  EXPECT_LT(m.seconds, 2.0);
  EXPECT_LT(m.rss_kb, 128 * 1024);
  EXPECT_EQ(count_lines_with(m.r.err, "keyhound: warning:"), 1) << m.r.err;
  EXPECT_NE(m.r.err.find("bomb.zip!zeros.bin: stopped at compression ratio 100"), std::string::npos) << m.r.err;
  EXPECT_NE(m.r.err.find("--archive-max-ratio"), std::string::npos);
  json j = json::parse(m.r.out);
  EXPECT_EQ(j["summary"]["skipped"]["archive limit"], 1);
  // The overlapping-entry bomb: one compressed stream listed 100 times.
  write_file(d + "/bomb.zip", zip_bomb(1024, 100));
  m = measured("scan --no-progress --format json " + d + "/bomb.zip");
  EXPECT_LT(m.seconds, 2.0);
  EXPECT_LT(m.rss_kb, 128 * 1024);
  EXPECT_EQ(count_lines_with(m.r.err, "keyhound: warning:"), 1) << m.r.err;
  EXPECT_NE(m.r.err.find("--archive-max-"), std::string::npos) << m.r.err;
  // The byte bound names itself too.
  m = measured("scan --no-progress --archive-max-ratio 1000000 --archive-max-bytes 64M " + d + "/bomb.zip");
  EXPECT_LT(m.seconds, 2.0);
  EXPECT_NE(m.r.err.find("64.0 MB of decompressed data (--archive-max-bytes)"), std::string::npos) << m.r.err;
}

TEST(ArchiveE2e, ThousandLevelsOfNestingStopAtTheDepthBound) {
  std::string d = make_temp_dir();
  std::string inner = creds(631);
  for (int i = 0; i < 1000; ++i) inner = gzip(inner);
  write_file(d + "/deep.gz", inner);
  Measured m = measured("scan --no-progress --format json " + d);
  EXPECT_EQ(m.r.exit_code, 0) << m.r.err;
  EXPECT_LT(m.seconds, 2.0);
  EXPECT_LT(m.rss_kb, 128 * 1024);
  EXPECT_EQ(count_lines_with(m.r.err, "keyhound: warning:"), 1) << m.r.err;
  EXPECT_NE(m.r.err.find("deep.gz: archive nested deeper than 3 levels (--archive-depth"), std::string::npos)
      << m.r.err;
  json j = json::parse(m.r.out);
  EXPECT_EQ(j["summary"]["skipped"]["archive limit"], 1);
  // Three levels are read, of compression or of archives in archives alike.
  inner = creds(632);
  for (int i = 0; i < 3; ++i) inner = gzip(inner);
  write_file(d + "/deep.gz", inner);
  EXPECT_EQ(run(kh() + " scan --no-progress -q " + d).exit_code, 1);
  std::string z = zip({{"c.env", creds(633)}});
  for (int i = 0; i < 999; ++i) z = zip({{"l" + std::to_string(i) + ".zip", z}});
  write_file(d + "/deep.gz", z);
  m = measured("scan --no-progress " + d);
  EXPECT_EQ(m.r.exit_code, 0) << m.r.err;
  EXPECT_LT(m.seconds, 2.0);
  EXPECT_LT(m.rss_kb, 128 * 1024);
  EXPECT_EQ(count_lines_with(m.r.err, "keyhound: warning:"), 1) << m.r.err;
  EXPECT_NE(m.r.err.find("deep.gz!l998.zip!l997.zip!l996.zip: archive nested deeper than 3"), std::string::npos)
      << m.r.err;
}

TEST(ArchiveE2e, HostileMembersAreSkippedOneWarningEachAndTheScanGoesOn) {
  std::string d = make_temp_dir();
  std::string tar = tar_entry("../../etc/cron.d/evil", creds(641)) + tar_entry("/etc/passwd", "root:x:0:0\n") +
                    tar_entry("link", "", '2', "/etc/shadow") + tar_entry("dev/null", "", '3') +
                    tar_entry("ok/app.env", creds(642)) + tar_end();
  write_file(d + "/hostile.tar", tar);
  write_file(d + "/locked.zip", zip({{"secret.txt", creds(643), true}, {"readme.txt", "hello\n"}}));
  std::string noise;  // incompressible, so the cut falls inside b.env
  for (int i = 0; noise.size() < 200000; ++i) noise += fake_secret(700 + i) + "\n";
  std::string tgz = gzip(tar_entry("a.env", creds(644)) + tar_entry("b.env", noise) + tar_end());
  write_file(d + "/cut.tar.gz", tgz.substr(0, tgz.size() / 2));
  Measured m = measured("scan --no-progress --format json " + d);
  EXPECT_EQ(m.r.exit_code, 1) << m.r.err;
  EXPECT_LT(m.seconds, 2.0);
  EXPECT_LT(m.rss_kb, 128 * 1024);
  const std::string& err = m.r.err;
  EXPECT_NE(err.find("hostile.tar!../../etc/cron.d/evil: member name leaves the archive"), std::string::npos) << err;
  EXPECT_NE(err.find("hostile.tar!/etc/passwd: member name leaves the archive"), std::string::npos) << err;
  EXPECT_NE(err.find("hostile.tar!dev/null: not a regular file"), std::string::npos) << err;
  EXPECT_NE(err.find("locked.zip!secret.txt: encrypted member"), std::string::npos) << err;
  EXPECT_NE(err.find("cut.tar.gz"), std::string::npos) << err;
  EXPECT_EQ(count_lines_with(err, "keyhound: warning:"), 5) << err;
  json j = json::parse(m.r.out);
  auto& sk = j["summary"]["skipped"];
  EXPECT_EQ(sk["unsafe name"], 2);
  EXPECT_EQ(sk["special file"], 1);
  EXPECT_EQ(sk["symlink"], 1);
  EXPECT_EQ(sk["encrypted"], 1);
  EXPECT_EQ(sk["corrupt archive"], 1);
  std::set<std::string> paths;
  for (auto& f : j["findings"]) paths.insert(f["path"].get<std::string>().substr(d.size() + 1));
  EXPECT_TRUE(paths.count("hostile.tar!ok/app.env"));
  EXPECT_TRUE(paths.count("cut.tar.gz!a.env"));  // what came before the damage
}

// An image built from a Dockerfile with `ENV AWS_SECRET_ACCESS_KEY=...` and a copied
// credentials file: both reported, each with its layer and path, in docker save and OCI form.
TEST(ArchiveE2e, ContainerImageEnvAndLayerFiles) {
  std::string d = make_temp_dir();
  std::string id = fake_key_id(651), sec = fake_secret(651);
  std::string base = tar_entry("etc/", "", '5') + tar_entry("etc/os-release", "ID=debian\n") +
                     tar_entry("bin", "", '2', "usr/bin") + tar_end();
  std::string app = tar_entry("root/.aws/", "", '5') +
                    tar_entry("root/.aws/credentials", "[default]\n" + creds(652)) + tar_end();
  std::vector<std::string> env = {"PATH=/usr/local/bin:/usr/bin", "AWS_ACCESS_KEY_ID=" + id,
                                  "AWS_SECRET_ACCESS_KEY=" + sec};
  for (bool oci : {false, true}) {
    write_file(d + "/image.tar", image_tarball({base, app}, env, {"/app/run", "--serve"}, oci));
    auto r = run("cd " + d + " && " + kh() + " scan --no-progress --format json image.tar");
    ASSERT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;  // links in layers are no news
    json j = json::parse(r.out);
    bool env_found = false, file_found = false;
    for (auto& f : j["findings"]) {
      std::string path = f["path"];
      if (path.find("root/.aws/credentials") != std::string::npos) {
        file_found = true;
        EXPECT_TRUE(f.contains("layer")) << f.dump();
        EXPECT_NE(path.find(f["layer"].get<std::string>().substr(oci ? 7 : 0)), std::string::npos) << path;
        EXPECT_EQ(f["parts"].size(), 1u);
        EXPECT_EQ(f["line"], 2);
      } else if (f["rule_id"] == "aws-access-key-id") {
        // The config: Env (and the history line that set it).
        env_found = true;
        EXPECT_FALSE(f.contains("layer"));
        EXPECT_EQ(path.find(oci ? "image.tar!blobs/sha256/" : "image.tar!"), 0u) << path;
        EXPECT_EQ(f["parts"].size(), 1u) << f.dump();
      }
    }
    EXPECT_TRUE(env_found) << (oci ? "oci " : "docker ") << j.dump(1);
    EXPECT_TRUE(file_found) << (oci ? "oci " : "docker ") << j.dump(1);
    EXPECT_EQ(j["summary"]["skipped"]["symlink"], 1);
    // Text output names the layer and the path.
    r = run("cd " + d + " && " + kh() + " scan --no-progress image.tar");
    EXPECT_NE(r.out.find(oci ? "image.tar!blobs/sha256/" : "/layer.tar!root/.aws/credentials:2:"), std::string::npos)
        << r.out;
  }
}

// The other compressions, made by python's tarfile (bz2, xz) and the zstd tool when present.
TEST(ArchiveE2e, Bzip2XzAndZstdTars) {
  std::string d = make_temp_dir();
  write_file(d + "/x.env", creds(661));
  auto py = run("cd " + d + " && python3 -c 'import tarfile\nfor m, e in ((\"w:bz2\", \"bz2\"), (\"w:xz\", \"xz\")):\n"
                "  t = tarfile.open(\"a.tar.\" + e, m); t.add(\"x.env\"); t.close()' && rm x.env");
  ASSERT_EQ(py.exit_code, 0) << py.err;
  bool zstd = run("command -v zstd").exit_code == 0;
  if (zstd) ASSERT_EQ(run("cd " + d + " && tar cf - a.tar.xz | zstd -q -o b.tar.zst").exit_code, 0);
  auto r = run(kh() + " scan --no-progress --format json " + d);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json j = json::parse(r.out);
  std::set<std::string> paths;
  for (auto& f : j["findings"]) paths.insert(f["path"].get<std::string>().substr(d.size() + 1));
  EXPECT_TRUE(paths.count("a.tar.bz2!x.env"));
  EXPECT_TRUE(paths.count("a.tar.xz!x.env"));
  if (zstd) EXPECT_TRUE(paths.count("b.tar.zst!a.tar.xz!x.env"));
}

// A gzip held in memory is inflated whole (libdeflate) when its trailer's size holds; a
// stream of two gzip members, a trailer that lies and a gzip inside the inflated tar take the
// streaming way. Each gives the same members and paths.
TEST(ArchiveE2e, GzipInflatedWholeOrStreamedGivesTheSameMembers) {
  std::string d = make_temp_dir();
  std::string nested = gzip(tar_entry("deep.env", creds(672)) + tar_end());
  std::string tar = tar_entry("app/.env", creds(671)) + tar_entry("app/nested.tar.gz", nested) + tar_end();
  write_file(d + "/whole.tar.gz", gzip(tar));
  size_t half = tar.size() / 2;
  write_file(d + "/members.tar.gz", gzip(tar.substr(0, half)) + gzip(tar.substr(half)));
  std::string liar = gzip(tar);
  liar[liar.size() - 4] ^= 0x01;  // ISIZE off by one: not inflated whole
  write_file(d + "/liar.tar.gz", liar);
  write_file(d + "/app.log.gz", gzip("2024-05-01 boot\n" + creds(673)));
  auto r = run(kh() + " scan --no-progress --format json " + d);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json j = json::parse(r.out);
  std::set<std::string> paths;
  for (auto& f : j["findings"]) paths.insert(f["path"].get<std::string>().substr(d.size() + 1));
  for (std::string a : {"whole", "members"}) {
    EXPECT_TRUE(paths.count(a + ".tar.gz!app/.env")) << a;
    EXPECT_TRUE(paths.count(a + ".tar.gz!app/nested.tar.gz!deep.env")) << a;
  }
  EXPECT_TRUE(paths.count("app.log.gz!app.log"));
  // libarchive checks the trailer too: the lying one is read, then said to be damaged.
  EXPECT_TRUE(paths.count("liar.tar.gz!app/.env")) << r.err;
}

// 7z: written by libarchive at run time (no p7zip), read like the others, inside a tar too.
TEST(ArchiveE2e, SevenZipMembersAndA7zInATar) {
  std::string d = make_temp_dir();
  std::string sz = seven_zip({{"README", "build notes\n"}, {"conf/app.env", "region=eu-west-1\n" + creds(681)}});
  ASSERT_EQ(sz.compare(0, 6, "7z\xbc\xaf\x27\x1c"), 0);
  ASSERT_EQ(sz.find(fake_key_id(681)), std::string::npos);  // compressed: not there plainly
  write_file(d + "/bundle.7z", sz);
  write_file(d + "/outer.tar", tar_entry("dist/bundle.7z", sz) + tar_end());
  auto r = run(kh() + " scan --no-progress --format json " + d);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json j = json::parse(r.out);
  std::set<std::string> paths;
  for (auto& f : j["findings"]) {
    paths.insert(f["path"].get<std::string>().substr(d.size() + 1));
    EXPECT_EQ(f["line"], 2);
  }
  EXPECT_EQ(paths, (std::set<std::string>{"bundle.7z!conf/app.env", "outer.tar!dist/bundle.7z!conf/app.env"}));
  EXPECT_EQ(j["summary"]["skipped"].size(), 0u) << j["summary"].dump();
  // Truncated: one warning naming it, the scan goes on.
  write_file(d + "/bundle.7z", sz.substr(0, sz.size() / 2));
  r = run(kh() + " scan --no-progress " + d + "/bundle.7z");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("bundle.7z"), std::string::npos) << r.err;
}
