// The zip reader (src/sources/zip_reader.*) through read_archive: stored, deflated, data
// descriptors, zip64, nesting; and hostile or damaged zips: each gives one skip naming the
// member, or goes to libarchive, and the members around it are still read.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "archive_build.h"
#include "sources/archive.h"
#include "sources/zip_reader.h"

using namespace keyhound;
using e2e::ZipMember;

namespace {

struct Collect : ArchiveSink {
  std::map<std::string, std::string> members;  // path -> bytes
  std::vector<std::pair<std::string, SkipReason>> skips;
  std::vector<std::string> lines;  // the non-empty warning lines
  std::string open;
  void begin(const std::string& path) override {
    EXPECT_TRUE(open.empty());
    open = path;
    members[path];
  }
  void data(std::string_view chunk) override { members[open].append(chunk); }
  void end() override { open.clear(); }
  void skipped(const std::string& path, SkipReason reason, const std::string& line) override {
    skips.emplace_back(path, reason);
    if (!line.empty()) lines.push_back(line);
  }
};

Collect read(const std::string& bytes, ArchiveLimits lim = {}) {
  Collect c;
  EXPECT_EQ(read_archive(bytes, "t.zip", lim, c), ArchiveRead::Read);
  EXPECT_TRUE(c.open.empty());
  return c;
}

void put(std::string& s, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) s += static_cast<char>((v >> (8 * i)) & 0xFF);
}
// Overwrites n little-endian bytes at `at`.
void patch(std::string& s, size_t at, uint64_t v, int n) {
  std::string b;
  put(b, v, n);
  s.replace(at, n, b);
}
// Where the central directory starts (from the end record of a plain zip).
size_t cd_offset(const std::string& z) {
  size_t e = z.rfind(std::string("PK\x05\x06", 4));
  return static_cast<unsigned char>(z[e + 16]) | static_cast<unsigned char>(z[e + 17]) << 8 |
         static_cast<unsigned char>(z[e + 18]) << 16;
}

std::string text(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "line " + std::to_string(i) + " of a properties file\n";
  return s;
}

}  // namespace

TEST(ZipReader, StoredDeflatedDescriptorsAndDirectoriesAreRead) {
  std::vector<ZipMember> m = {{"META-INF/", ""},
                              {"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"},
                              {"a.properties", text(500), false, true},
                              {"b.properties", text(300), false, true, true},
                              {"empty.txt", "", false, true}};
  std::string z = e2e::zip(m);
  std::vector<ZipEntry> entries;
  uint64_t cd = 0;
  ASSERT_TRUE(read_zip_directory(z, entries, cd));  // our reader, not libarchive
  ASSERT_EQ(entries.size(), 5u);
  EXPECT_EQ(entries[2].method, 8);
  EXPECT_LT(entries[2].csize, entries[2].usize);
  Collect c = read(z);
  EXPECT_TRUE(c.skips.empty());
  ASSERT_EQ(c.members.size(), 4u);
  EXPECT_EQ(c.members["t.zip!META-INF/MANIFEST.MF"], m[1].data);
  EXPECT_EQ(c.members["t.zip!a.properties"], m[2].data);
  EXPECT_EQ(c.members["t.zip!b.properties"], m[3].data);
  EXPECT_EQ(c.members["t.zip!empty.txt"], "");
}

TEST(ZipReader, Zip64RecordsAndExtraFields) {
  std::string z = e2e::zip({{"x.env", text(50), false, true}, {"y.env", "plain\n"}}, true);
  std::vector<ZipEntry> entries;
  uint64_t cd = 0;
  ASSERT_TRUE(read_zip_directory(z, entries, cd));
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].usize, 6u);
  Collect c = read(z);
  EXPECT_EQ(c.members["t.zip!x.env"], text(50));
  EXPECT_EQ(c.members["t.zip!y.env"], "plain\n");
}

TEST(ZipReader, EmptyZipHasNoMembers) {
  Collect c = read(e2e::zip({}));
  EXPECT_TRUE(c.members.empty());
  EXPECT_TRUE(c.skips.empty());
}

TEST(ZipReader, NestedZipsAndZipsInTarGzAreNamedByTheirPath) {
  std::string inner = e2e::zip({{"c.env", "k=v\n", false, true}});
  std::string mid = e2e::zip({{"lib/inner.jar", inner, false, true}});
  Collect c = read(mid);
  EXPECT_EQ(c.members["t.zip!lib/inner.jar!c.env"], "k=v\n");
  Collect t;
  ASSERT_EQ(read_archive(e2e::gzip(e2e::tar_entry("app/x.war", mid) + e2e::tar_end()), "b.tgz", {}, t), ArchiveRead::Read);
  EXPECT_EQ(t.members["b.tgz!app/x.war!lib/inner.jar!c.env"], "k=v\n");
  // The depth bound holds for zips read here as for libarchive's.
  ArchiveLimits lim;
  lim.max_depth = 1;
  c = read(mid, lim);
  EXPECT_TRUE(c.members.empty());
  ASSERT_EQ(c.lines.size(), 1u);
  EXPECT_NE(c.lines[0].find("t.zip!lib/inner.jar: archive nested deeper than 1 levels"), std::string::npos);
}

TEST(ZipReader, UnsafeNamesLinksDevicesAndEncryptedMembersAreSkippedOnceEach) {
  Collect c = read(e2e::zip({{"../../etc/cron.d/x", "a\n"},
                             {"/etc/passwd", "b\n", false, true},
                             {"C:/win.ini", "c\n"},
                             {"link", "/etc/shadow", false, false, false, 0120777},
                             {"dev", "", false, false, false, 0020644},
                             {"secret.txt", "d\n", true},
                             {"ok.txt", "e\n", false, false, false, 0100644}}));
  EXPECT_EQ(c.members.size(), 1u);
  EXPECT_EQ(c.members["t.zip!ok.txt"], "e\n");
  std::map<SkipReason, int> n;
  for (auto& [p, r] : c.skips) n[r]++;
  EXPECT_EQ(n[SkipReason::UnsafeName], 3);
  EXPECT_EQ(n[SkipReason::Symlink], 1);
  EXPECT_EQ(n[SkipReason::SpecialFile], 1);
  EXPECT_EQ(n[SkipReason::Encrypted], 1);
  EXPECT_EQ(c.lines.size(), 5u);  // links go unsaid, as in every file system image
  EXPECT_EQ(c.lines[0], "t.zip!../../etc/cron.d/x: member name leaves the archive (\"../\" or an absolute path): skipped");
  EXPECT_EQ(c.lines[4], "t.zip!secret.txt: encrypted member: skipped");
}

TEST(ZipReader, BadOffsetsLyingSizesAndCrcMismatchesSkipOneMemberEach) {
  std::vector<ZipMember> m = {{"a.txt", text(40), false, true}, {"b.txt", text(40), false, true},
                              {"c.txt", "stored\n"}, {"d.txt", "fine\n"}};
  std::string z = e2e::zip(m);
  size_t cd = cd_offset(z);
  // The directory's entries, in order: 46 bytes + name each.
  size_t e0 = cd, e1 = e0 + 46 + 5, e2 = e1 + 46 + 5;
  std::string bad = z;
  patch(bad, e0 + 42, 3, 4);                          // a: local header offset into nowhere
  patch(bad, e1 + 24, text(40).size() - 1, 4);        // b: one byte smaller than it inflates to
  patch(bad, e2 + 16, 0x12345678, 4);                 // c: a CRC that does not match
  Collect c = read(bad);
  EXPECT_EQ(c.members.size(), 1u);
  EXPECT_EQ(c.members["t.zip!d.txt"], "fine\n");
  ASSERT_EQ(c.lines.size(), 3u);
  EXPECT_NE(c.lines[0].find("t.zip!a.txt: damaged member: no local header"), std::string::npos) << c.lines[0];
  EXPECT_NE(c.lines[1].find("t.zip!b.txt: damaged member: not the size the directory gives"), std::string::npos);
  EXPECT_NE(c.lines[2].find("t.zip!c.txt: damaged member: CRC mismatch"), std::string::npos);
  for (auto& [p, r] : c.skips) EXPECT_EQ(r, SkipReason::CorruptArchive);
  // A compressed size that runs into the directory.
  bad = z;
  patch(bad, e0 + 20, cd, 4);
  c = read(bad);
  EXPECT_EQ(c.members.size(), 3u);
  ASSERT_EQ(c.lines.size(), 1u);
  EXPECT_NE(c.lines[0].find("t.zip!a.txt: damaged member"), std::string::npos);
}

TEST(ZipReader, OverlappingEntriesAreReadOnceWithOneWarning) {
  std::string z = e2e::zip({{"a.txt", text(20), false, true}});
  size_t cd = cd_offset(z);
  std::string entry = z.substr(cd, 46 + 5);
  std::string out = z.substr(0, cd), dir;
  for (int i = 0; i < 50; ++i) dir += entry;
  out += dir;
  put(out, 0x06054b50, 4), put(out, 0, 2), put(out, 0, 2), put(out, 50, 2), put(out, 50, 2);
  put(out, dir.size(), 4), put(out, cd, 4), put(out, 0, 2);
  Collect c = read(out);
  EXPECT_EQ(c.members.size(), 1u);
  EXPECT_EQ(c.skips.size(), 49u);  // each counted
  ASSERT_EQ(c.lines.size(), 1u);   // one said
  EXPECT_NE(c.lines[0].find("overlap another member's"), std::string::npos);
}

TEST(ZipReader, BombsStopAtABoundBeforeInflating) {
  Collect c = read(e2e::zip_bomb(4096));
  EXPECT_TRUE(c.members.empty());
  ASSERT_EQ(c.lines.size(), 1u);
  EXPECT_NE(c.lines[0].find("t.zip!zeros.bin: stopped at compression ratio 100 (4.0 GB from"), std::string::npos)
      << c.lines[0];
  ArchiveLimits lim;
  lim.max_ratio = 1e6;
  lim.max_bytes = 64u << 20;
  c = read(e2e::zip_bomb(1024, 100), lim);
  ASSERT_EQ(c.lines.size(), 1u);
  EXPECT_NE(c.lines[0].find("64.0 MB of decompressed data (--archive-max-bytes)"), std::string::npos) << c.lines[0];
  // Under every bound: the first copy is read, the other 99 are the overlapping-entry bomb.
  lim.max_bytes = 2ull << 30;
  c = read(e2e::zip_bomb(16, 100), lim);
  EXPECT_EQ(c.members["t.zip!zeros0.bin"].size(), 16u << 20);
  EXPECT_EQ(c.skips.size(), 99u);
  ASSERT_EQ(c.lines.size(), 1u) << c.lines[0] << "\n" << c.lines.back();
}

TEST(ZipReader, WhatItDoesNotReadGoesToLibarchive) {
  std::string z = e2e::zip({{"a.txt", text(100), false, true}, {"b.txt", "b\n"}});
  // A member past inflate_max: libarchive streams the whole zip.
  ArchiveLimits lim;
  lim.inflate_max = 1024;
  Collect c = read(z, lim);
  EXPECT_EQ(c.members["t.zip!a.txt"], text(100));
  EXPECT_EQ(c.members["t.zip!b.txt"], "b\n");
  // Nested, the cap is buffer_nested: the inner zip goes to libarchive, its member still read.
  lim = ArchiveLimits{};
  lim.buffer_nested = 1024;
  c = read(e2e::zip({{"lib/in.jar", z, false, true}}), lim);
  EXPECT_EQ(c.members["t.zip!lib/in.jar!a.txt"], text(100));
  // No end record (cut short): libarchive reads the local headers it finds.
  std::string cut = z.substr(0, cd_offset(z) + 10);
  std::vector<ZipEntry> entries;
  uint64_t cd = 0;
  EXPECT_FALSE(read_zip_directory(cut, entries, cd));
  c = read(cut);
  EXPECT_EQ(c.members["t.zip!a.txt"], text(100));
  // Data before the zip (a self-extractor): offsets do not add up, libarchive's.
  EXPECT_FALSE(read_zip_directory("#!/bin/sh\nexit 0\n" + z, entries, cd));
  // A directory that claims more entries than it holds.
  std::string lie = z;
  patch(lie, lie.size() - 12, 3, 2);
  EXPECT_FALSE(read_zip_directory(lie, entries, cd));
  EXPECT_FALSE(read_zip_directory("PK\x05\x06", entries, cd));
}
