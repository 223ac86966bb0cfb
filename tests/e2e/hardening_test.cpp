// Resource bounds, hostile input and safe output, end to end on generated input (issue 8).
// Every fixture is built at run time in a temp dir; fake keys come from e2e_util.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "e2e_util.h"
#include "sources/file_source.h"

using namespace e2e;
using nlohmann::json;

namespace {

// A line holding a full AWS key pair (one finding with the secret attached).
std::string key_lines(unsigned seed) {
  return "aws_access_key_id = " + fake_key_id(seed) + "\naws_secret_access_key = " + fake_secret(seed) + "\n";
}

json parse_json(const RunResult& r) {
  try {
    return json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "output is not JSON: " << e.what() << "\n" << r.out.substr(0, 2000) << "\nstderr: " << r.err;
    return json::object();
  }
}

// The findings array and summary object, whatever the exact top-level layout.
const json& findings_of(const json& j) {
  static const json empty = json::array();
  if (j.is_object() && j.contains("findings") && j["findings"].is_array()) return j["findings"];
  return empty;
}
const json& summary_of(const json& j) {
  static const json empty = json::object();
  if (j.is_object() && j.contains("summary")) return j["summary"];
  return empty;
}

// summary.skipped[reason], 0 when absent.
int skipped(const json& j, const std::string& reason) {
  const json& s = summary_of(j);
  if (!s.contains("skipped") || !s["skipped"].is_object()) return 0;
  return s["skipped"].value(reason, 0);
}

void rm_rf(const std::string& d) { run("rm -rf " + shell_quote(d)); }

// Fills `n` bytes of harmless text with newlines every `line` bytes (0: no newlines).
std::string filler(size_t n, size_t line) {
  std::string s;
  s.reserve(n);
  static const char* words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod ";
  size_t wl = std::strlen(words);
  while (s.size() < n) {
    s += words[s.size() % wl];
    if (line && s.size() % line == 0) s.back() = '\n';
  }
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Streaming / big inputs

TEST(HardeningE2E, ChunkedPathFindsKeysAcrossChunkBoundaries) {
  std::string d = make_temp_dir();
  const size_t chunk = 4096;
  // Keys planted so each one straddles a chunk boundary at a different point.
  std::string data;
  std::vector<std::string> ids, secs;
  for (unsigned k = 0; k < 6; ++k) {
    std::string block = key_lines(100 + k);
    size_t boundary = (k * 7 + 3) * chunk;
    size_t start = boundary - (5 + k * 9);  // the boundary falls inside the key id / secret
    if (data.size() < start) data += filler(start - data.size(), 61);
    data.back() = '\n';
    data += block;
    ids.push_back(fake_key_id(100 + k));
    secs.push_back(fake_secret(100 + k));
  }
  data += filler(3 * chunk, 61);
  write_file(d + "/big.txt", data);

  auto streamed = run(kh() + " scan --format json --no-redact --chunk-size " + std::to_string(chunk) +
                      " --stream-threshold 1024 " + d);
  auto block = run(kh() + " scan --format json --no-redact " + d);
  ASSERT_EQ(streamed.exit_code, 1) << streamed.err;
  ASSERT_EQ(block.exit_code, 1) << block.err;
  json js = parse_json(streamed), jb = parse_json(block);
  // The chunked path was taken (and only there).
  EXPECT_EQ(summary_of(js).value("streamed_files", ""), "1") << streamed.out;
  EXPECT_FALSE(summary_of(jb).contains("streamed_files")) << block.out;
  ASSERT_EQ(findings_of(js).size(), ids.size()) << streamed.out;
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_NE(streamed.out.find(ids[i]), std::string::npos) << "key id " << i << " lost across a chunk boundary";
    EXPECT_NE(streamed.out.find(secs[i]), std::string::npos) << "secret " << i << " lost across a chunk boundary";
  }
  // Same findings, same places, in both modes.
  ASSERT_EQ(findings_of(js).size(), findings_of(jb).size());
  for (size_t i = 0; i < findings_of(js).size(); ++i) {
    const json &a = findings_of(js)[i], &b = findings_of(jb)[i];
    for (const char* k : {"rule_id", "line", "column", "offset", "secret", "parts", "fingerprint"})
      EXPECT_EQ(a[k], b[k]) << k << " differs for finding " << i;
  }
  rm_rf(d);
}

TEST(HardeningE2E, StdinIsStreamedAcrossChunks) {
  std::string data = filler(10000, 50);
  data += "x = " + fake_key_id(7) + "\n" + filler(10000, 50);
  auto r = run(kh() + " scan --format json --chunk-size 1000 -", data);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(findings_of(parse_json(r)).size(), 1u) << r.out;
}

// A 64 MiB file that is one single line (the 1 GiB case is measured in bench/bigfile.sh).
TEST(HardeningE2E, SingleHugeLine) {
  std::string d = make_temp_dir();
  const size_t total = 64u << 20;
  std::string data = filler(total / 2, 0);
  std::string id = fake_key_id(31);
  data += " key=" + id + " ";
  data += filler(total - data.size() - 30, 0);
  data += " other=" + fake_key_id(32);  // the last bytes of the file, no newline at all
  write_file(d + "/oneline.txt", data);
  data.clear();
  data.shrink_to_fit();
  for (const char* mode : {"", " --chunk-size 1048576 --stream-threshold 1000000"}) {
    auto r = run(kh() + " scan --format json" + mode + " " + d);
    ASSERT_EQ(r.exit_code, 1) << mode << " " << r.err;
    json j = parse_json(r);
    ASSERT_EQ(findings_of(j).size(), 2u) << mode << " " << r.out.substr(0, 3000);
    for (auto& f : findings_of(j)) {
      EXPECT_EQ(f["line"], 1) << mode;
      // Context stays bounded however long the line is.
      EXPECT_LE(f["context"].get<std::string>().size(), 4096u) << mode;
    }
    EXPECT_EQ(findings_of(j)[0]["column"].get<uint64_t>(), total / 2 + 6) << mode;
  }
  rm_rf(d);
}

// ---------------------------------------------------------------------------------------------
// Hostile trees

TEST(HardeningE2E, TenThousandLevelDeepTree) {
  std::string d = make_temp_dir();
  const int depth = 10000;
  int fd = ::open(d.c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  for (int i = 0; i < depth; ++i) {
    ASSERT_EQ(::mkdirat(fd, "d", 0755), 0) << "level " << i << ": " << std::strerror(errno);
    int nfd = ::openat(fd, "d", O_RDONLY | O_DIRECTORY);
    ASSERT_GE(nfd, 0);
    ::close(fd);
    fd = nfd;
    if (i == depth / 2) {
      int f = ::openat(fd, "mid.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
      std::string s = "k = " + fake_key_id(41) + "\n";
      ASSERT_EQ(::write(f, s.data(), s.size()), static_cast<ssize_t>(s.size()));
      ::close(f);
    }
  }
  int f = ::openat(fd, "bottom.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::string s = "k = " + fake_key_id(42) + "\n";
  ASSERT_EQ(::write(f, s.data(), s.size()), static_cast<ssize_t>(s.size()));
  ::close(f);
  ::close(fd);

  auto r = run(kh() + " scan --format json --no-redact " + d);
  EXPECT_EQ(r.exit_code, 1) << r.err.substr(0, 2000);
  json j = parse_json(r);
  EXPECT_EQ(findings_of(j).size(), 2u) << r.err.substr(0, 2000);
  EXPECT_NE(r.out.find(fake_key_id(41)), std::string::npos);
  EXPECT_NE(r.out.find(fake_key_id(42)), std::string::npos) << "a file deeper than PATH_MAX was not scanned";
  EXPECT_EQ(summary_of(j).value("files_scanned", 0), 2);
  EXPECT_EQ(summary_of(j).value("errors", 1), 0);
  rm_rf(d);
}

TEST(HardeningE2E, SymlinkLoopsTerminate) {
  std::string d = make_temp_dir();
  ASSERT_EQ(::mkdir((d + "/sub").c_str(), 0755), 0);
  ASSERT_EQ(::symlink("..", (d + "/sub/up").c_str()), 0);         // a loop to the parent
  ASSERT_EQ(::symlink(".", (d + "/self").c_str()), 0);            // a loop to itself
  ASSERT_EQ(::symlink("b", (d + "/a").c_str()), 0);               // a <-> b
  ASSERT_EQ(::symlink("a", (d + "/b").c_str()), 0);
  write_file(d + "/sub/k.txt", "k = " + fake_key_id(51) + "\n");
  auto r = run(kh() + " scan --format json " + d);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json j = parse_json(r);
  EXPECT_EQ(findings_of(j).size(), 1u);
  EXPECT_EQ(skipped(j, "symlink") + skipped(j, "broken symlink"), 4) << r.out;
  rm_rf(d);
}

TEST(HardeningE2E, HundredThousandFilesInOneDirectory) {
  std::string d = make_temp_dir();
  int dfd = ::open(d.c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(dfd, 0);
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "f%06d.txt", i);
    int f = ::openat(dfd, name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(f, 0) << name << ": " << std::strerror(errno);
    std::string s = i == 77777 ? "k = " + fake_key_id(61) + "\n" : "plain text " + std::to_string(i) + "\n";
    ASSERT_EQ(::write(f, s.data(), s.size()), static_cast<ssize_t>(s.size()));
    ::close(f);
  }
  ::close(dfd);
  auto r = run(kh() + " scan --format json " + d);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json j = parse_json(r);
  EXPECT_EQ(summary_of(j).value("files_scanned", 0), n);
  ASSERT_EQ(findings_of(j).size(), 1u);
  EXPECT_NE(findings_of(j)[0]["path"].get<std::string>().find("f077777.txt"), std::string::npos);
  rm_rf(d);
}

TEST(HardeningE2E, FifoAndDeviceAreSkippedAndNeverBlock) {
  std::string d = make_temp_dir();
  ASSERT_EQ(::mkfifo((d + "/pipe").c_str(), 0644), 0);
  int devices = 0;
  // A character device: mknod needs privileges; a symlink to /dev/null covers the rest.
  if (::mknod((d + "/null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0) ++devices;
  ASSERT_EQ(::symlink("/dev/zero", (d + "/zero-link").c_str()), 0);
  write_file(d + "/k.txt", "k = " + fake_key_id(71) + "\n");
  // If a FIFO were opened for reading this would block forever (no writer); `timeout` turns a
  // hang into a failure instead of a stuck CI job.
  auto r = run("timeout 60 env " + kh() + " scan --format json " + d);
  ASSERT_NE(r.exit_code, 124) << "scan blocked on a FIFO or device";
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json j = parse_json(r);
  EXPECT_EQ(findings_of(j).size(), 1u);
  EXPECT_EQ(skipped(j, "special file"), 1 + devices) << r.out;
  EXPECT_EQ(skipped(j, "symlink"), 1) << r.out;
  // Named explicitly: still no block, no crash, a clear message.
  auto r2 = run("timeout 60 env " + kh() + " scan " + d + "/pipe");
  EXPECT_NE(r2.exit_code, 124);
  EXPECT_LE(r2.exit_code, 2) << r2.err;
  EXPECT_NE(r2.err.find("pipe"), std::string::npos) << r2.err;
  auto r3 = run("timeout 60 env " + kh() + " scan /dev/zero");
  EXPECT_NE(r3.exit_code, 124) << "scan read a device endlessly";
  EXPECT_LE(r3.exit_code, 2);
  rm_rf(d);
}

// The size seen at open time is not trusted: a file that shrinks or grows is read to its real end.
TEST(HardeningE2E, FileShrinksOrGrowsAfterOpen) {
  std::string d = make_temp_dir();
  std::string p = d + "/f.txt";
  write_file(p, filler(100000, 80));
  keyhound::OpenedFile f = keyhound::open_for_scan(p, true);
  ASSERT_GE(f.fd, 0) << f.error;
  EXPECT_EQ(f.size, 100000u);
  ASSERT_EQ(::truncate(p.c_str(), 1000), 0);  // shrinks after the size was taken
  std::string err;
  keyhound::ReadBuffer buf;
  ASSERT_TRUE(keyhound::read_into(f.fd, f.size, 1u << 20, buf, err)) << err;  // the stale size
  EXPECT_EQ(buf.view().size(), 1000u);
  // Grows: read_chunks reads what is there, bounded by max.
  write_file(p, filler(50000, 80));
  ASSERT_EQ(::lseek(f.fd, 0, SEEK_SET), 0);
  size_t got = 0;
  ASSERT_TRUE(keyhound::read_chunks(f.fd, 4096, 30000, [&](std::string_view c) { got += c.size(); }, err));
  EXPECT_EQ(got, 30000u);
  ::close(f.fd);

  // And end to end, with a writer rewriting the file while keyhound scans it again and again.
  std::string key = "k = " + fake_key_id(81) + "\n";
  write_file(p, key);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    unsigned i = 0;
    while (!stop) {
      int w = ::open(p.c_str(), O_WRONLY | O_TRUNC);
      if (w >= 0) {
        std::string s = key + filler((i++ % 7) * 300000, 80);
        for (size_t off = 0; off < s.size();) {
          ssize_t n = ::write(w, s.data() + off, std::min<size_t>(65536, s.size() - off));
          if (n <= 0) break;
          off += n;
        }
        ::close(w);
      }
    }
  });
  for (int i = 0; i < 15; ++i) {
    auto r = run(kh() + " scan --format json --chunk-size 65536 --stream-threshold " +
                 std::to_string(i % 2 ? 100 : 1u << 30) + " " + p);
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.exit_code << " " << r.err;
    parse_json(r);
  }
  stop = true;
  writer.join();
  rm_rf(d);
}

namespace {
// Runs keyhound as an unprivileged user when the tests run as root (root ignores permissions).
std::string as_unprivileged() {
  if (::geteuid() != 0) return "";
  return "setpriv --reuid=65534 --regid=65534 --clear-groups ";
}
bool can_drop_privileges() {
  if (::geteuid() != 0) return true;
  auto r = run(as_unprivileged() + "true");
  return r.exit_code == 0;
}
}  // namespace

TEST(HardeningE2E, PermissionDeniedFileAndDirectory) {
  if (!can_drop_privileges()) GTEST_SKIP() << "running as root and cannot drop privileges with setpriv";
  std::string d = make_temp_dir();
  ::chmod(d.c_str(), 0755);
  std::string bin = KEYHOUND_BINARY;
  if (::geteuid() == 0) {
    // The unprivileged user must be able to reach the binary.
    auto r = run(as_unprivileged() + shell_quote(bin) + " --version");
    if (r.exit_code != 0) GTEST_SKIP() << "the keyhound binary is not reachable by an unprivileged user";
  }
  write_file(d + "/ok.txt", "k = " + fake_key_id(91) + "\n");
  write_file(d + "/secret.txt", "k = " + fake_key_id(92) + "\n");
  ::chmod((d + "/ok.txt").c_str(), 0644);
  ::chmod((d + "/secret.txt").c_str(), 0000);
  ASSERT_EQ(::mkdir((d + "/locked").c_str(), 0755), 0);
  write_file(d + "/locked/inner.txt", "k = " + fake_key_id(93) + "\n");
  ::chmod((d + "/locked").c_str(), 0000);
  auto r = run(as_unprivileged() + shell_quote(bin) + " scan --no-cache --format json " + d);
  ::chmod((d + "/locked").c_str(), 0755);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json j = parse_json(r);
  EXPECT_EQ(findings_of(j).size(), 1u);
  EXPECT_EQ(skipped(j, "unreadable"), 1) << r.out;
  EXPECT_EQ(skipped(j, "unreadable directory"), 1) << r.out;
  // Each is named in a warning on stderr.
  EXPECT_NE(r.err.find("secret.txt"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("locked"), std::string::npos) << r.err;
  rm_rf(d);
}

// ---------------------------------------------------------------------------------------------
// Hostile names and content

TEST(HardeningE2E, NewlineAndInvalidUtf8InFileName) {
  std::string d = make_temp_dir();
  std::string name = "evil\nname\xff\xfe\x1b[31m.txt";
  write_file(d + "/" + name, "k = " + fake_key_id(101) + "\n");
  auto t = run(kh() + " scan --color never " + d);
  EXPECT_EQ(t.exit_code, 1) << t.err;
  EXPECT_EQ(t.out.find(name), std::string::npos) << "raw name in text output";
  EXPECT_EQ(t.out.find('\x1b'), std::string::npos) << "raw ESC in text output";
  EXPECT_NE(t.out.find("evil\\x0aname\\xff\\xfe\\x1b[31m.txt"), std::string::npos) << t.out;

  auto r = run(kh() + " scan --format json " + d);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  json j = parse_json(r);
  ASSERT_EQ(findings_of(j).size(), 1u);
  const json& f = findings_of(j)[0];
  ASSERT_TRUE(f.contains("path_bytes_hex")) << f.dump();
  std::string hex = f["path_bytes_hex"], bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  EXPECT_EQ(bytes, d + "/" + name);
  // JSONL and SARIF parse too.
  auto l = run(kh() + " scan --format jsonl " + d);
  EXPECT_EQ(l.exit_code, 1);
  size_t start = 0;
  for (size_t nl; (nl = l.out.find('\n', start)) != std::string::npos; start = nl + 1)
    EXPECT_NO_THROW(json::parse(l.out.substr(start, nl - start)));
  auto s = run(kh() + " scan --format sarif " + d);
  EXPECT_EQ(s.exit_code, 1);
  json sj = parse_json(s);
  std::string uri = sj["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
  EXPECT_EQ(uri.find('\n'), std::string::npos) << uri;
  rm_rf(d);
}

TEST(HardeningE2E, TextOutputEscapesTerminalControlFromContent) {
  std::string d = make_temp_dir();
  std::string hostile = "\x1b]0;owned\x07\x1b[2J\x1b[1;1H\r\b\x9b";
  write_file(d + "/k.txt", hostile + " key = " + fake_key_id(111) + " " + hostile + "\n");
  for (const char* color : {"never", "always"}) {
    auto r = run(kh() + " scan --color " + color + " " + d);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.out.find("\x1b]"), std::string::npos) << color;
    EXPECT_EQ(r.out.find("\x1b[2J"), std::string::npos) << color;
    EXPECT_EQ(r.out.find('\x07'), std::string::npos) << color;
    EXPECT_EQ(r.out.find('\r'), std::string::npos) << color;
    EXPECT_EQ(r.out.find('\b'), std::string::npos) << color;
    for (size_t i = 0; i < r.out.size(); ++i) {
      unsigned char c = r.out[i];
      if (c == 0x1b) {
        // Only keyhound's own SGR colour codes, and only when asked for colour.
        EXPECT_STREQ(color, "always");
        EXPECT_EQ(r.out[i + 1], '[');
      } else {
        EXPECT_TRUE(c >= 0x20 || c == '\n' || c == '\t') << "raw control byte " << int(c) << " at " << i;
      }
    }
    EXPECT_NE(r.out.find("\\x1b]0;owned\\x07"), std::string::npos) << r.out;
  }
  rm_rf(d);
}

// ---------------------------------------------------------------------------------------------
// Safe output

TEST(HardeningE2E, NoFormatHoldsAFullSecretUnlessNoRedact) {
  std::string d = make_temp_dir();
  std::string id = fake_key_id(121), sec = fake_secret(121);
  std::string gh = "glpat-" + fake_secret(122).substr(0, 20);
  for (char& c : gh)
    if (c == '/' || c == '+') c = 'x';
  write_file(d + "/creds.ini", "[default]\naws_access_key_id = " + id + "\naws_secret_access_key = " + sec + "\n");
  write_file(d + "/env.sh", "export TOKEN=" + gh + "\n");
  for (const char* fmt : {"text", "json", "jsonl", "sarif"}) {
    auto r = run(kh() + " scan --format " + fmt + " " + d);
    EXPECT_EQ(r.exit_code, 1) << fmt << r.err;
    for (const std::string& s : {id, sec, gh}) {
      EXPECT_EQ(r.out.find(s), std::string::npos) << fmt << " output holds a full secret";
      EXPECT_EQ(r.err.find(s), std::string::npos) << fmt << " stderr holds a full secret";
      // Nor any 16-character run of it (the redacted form keeps at most 4 characters each side).
      for (size_t i = 0; i + 16 <= s.size(); i += 4)
        EXPECT_EQ(r.out.find(s.substr(i, 16)), std::string::npos) << fmt << " holds a long part of a secret";
    }
    // Written to a file: same rule.
    std::string outp = d + "/../report-" + std::string(fmt) + "-" + std::to_string(::getpid());
    auto w = run(kh() + " scan --format " + fmt + " -o " + outp + " " + d);
    EXPECT_EQ(w.exit_code, 1) << w.err;
    std::string written = read_file(outp);
    EXPECT_FALSE(written.empty()) << fmt;
    for (const std::string& s : {id, sec, gh}) EXPECT_EQ(written.find(s), std::string::npos) << fmt;
    std::remove(outp.c_str());

    auto u = run(kh() + " scan --no-redact --format " + fmt + " " + d);
    EXPECT_EQ(u.exit_code, 1) << fmt;
    for (const std::string& s : {id, sec, gh})
      EXPECT_NE(u.out.find(s), std::string::npos) << fmt << " --no-redact must show the secret";
  }
  rm_rf(d);
}

TEST(HardeningE2E, OutputFileIs0600AndNeverFollowsASymlink) {
  std::string d = make_temp_dir();
  std::string scan = d + "/in";
  ASSERT_EQ(::mkdir(scan.c_str(), 0755), 0);
  write_file(scan + "/k.txt", "k = " + fake_key_id(131) + "\n");
  ::umask(022);
  for (const char* fmt : {"text", "json", "jsonl", "sarif"}) {
    std::string out = d + "/out-" + fmt;
    auto r = run("umask 000; " + kh() + " scan --format " + fmt + " -o " + out + " " + scan);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    struct stat st;
    ASSERT_EQ(::stat(out.c_str(), &st), 0) << fmt;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << fmt;
  }
  // An existing wider file is narrowed.
  std::string wide = d + "/wide";
  write_file(wide, "old");
  ::chmod(wide.c_str(), 0644);
  auto r = run(kh() + " scan --format json -o " + wide + " " + scan);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  struct stat st;
  ASSERT_EQ(::stat(wide.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // A symlink planted at the output path: refused, the target untouched.
  std::string victim = d + "/victim", link = d + "/planted";
  write_file(victim, "precious\n");
  ASSERT_EQ(::symlink(victim.c_str(), link.c_str()), 0);
  auto s = run(kh() + " scan --format json -o " + link + " " + scan);
  EXPECT_EQ(s.exit_code, 2) << s.err;
  EXPECT_NE(s.err.find("symlink"), std::string::npos) << s.err;
  EXPECT_EQ(read_file(victim), "precious\n");
  // Baselines are output files too: 0600, and a planted symlink is refused.
  std::string base = d + "/baseline.json";
  auto b = run("umask 000; " + kh() + " scan --baseline-out " + base + " " + scan);
  EXPECT_LE(b.exit_code, 1) << b.err;
  ASSERT_EQ(::stat(base.c_str(), &st), 0) << b.err;
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(read_file(base).find(fake_key_id(131)), std::string::npos) << "a baseline holds a full key";
  std::string blink = d + "/planted-baseline";
  ASSERT_EQ(::symlink(victim.c_str(), blink.c_str()), 0);
  auto bl = run(kh() + " scan --baseline-out " + blink + " " + scan);
  EXPECT_EQ(bl.exit_code, 2) << bl.err;
  EXPECT_EQ(read_file(victim), "precious\n");
  // A dangling symlink is not followed to create a file either.
  std::string dangling = d + "/dangling", created = d + "/would-be-created";
  ASSERT_EQ(::symlink(created.c_str(), dangling.c_str()), 0);
  auto t = run(kh() + " scan --format json -o " + dangling + " " + scan);
  EXPECT_EQ(t.exit_code, 2) << t.err;
  EXPECT_NE(::access(created.c_str(), F_OK), 0) << "output followed a dangling symlink";
  rm_rf(d);
}
