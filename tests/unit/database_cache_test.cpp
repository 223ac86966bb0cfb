// The rule database cache: a second start maps the keyword table and both Hyperscan databases
// from the cache file; an absent, unwritable, damaged, truncated or foreign cache file is
// ignored (the database is compiled) and the scan finds the same keys.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "base/text_file.h"
#include "engine/database.h"
#include "engine/scanner.h"
#include "rules/rule_loader.h"
#include "e2e_util.h"

using namespace keyhound;
namespace fs = std::filesystem;

namespace {
RuleSet rules(bool both) {
  std::string text =
      "provider = \"t\"\n[[rule]]\nid = \"t-one\"\nname = \"n\"\nkeywords = ['zqx_']\n"
      "regex = '''(zqx_[A-Za-z0-9]{20})'''\nmin_entropy = 0\n";
  if (both)
    text += "[[rule]]\nid = \"t-two\"\nname = \"m\"\nkeywords = ['\\bqq9-']\n"
            "regex = '''\\b(qq9-[a-z0-9]{16})'''\nmin_entropy = 0\n";
  return make_rule_set(parse_rule_file(text, "t.toml"));
}
const std::string kData = "a = zqx_k3J9xQ2mP7vL4nR8tW1y\nb = qq9-k3j9xq2mp7vl4nr8\nc = xqq9-k3j9xq2mp7vl4nr8\n";

std::vector<std::string> findings(const RuleSet& rs, const Database& db) {
  Scanner sc(rs, db);
  Scratch s(db);
  std::vector<std::string> out;
  for (auto& f : sc.scan_block(kData, s)) out.push_back(f.rule_id + "@" + std::to_string(f.offset));
  return out;
}
std::string tmpdir() {
  return e2e::make_temp_dir();
}
std::string only_cache_file(const std::string& dir) {
  std::string f;
  for (auto& e : fs::directory_iterator(dir)) f = e.path().string();
  return f;
}
}  // namespace

TEST(DatabaseCache, SecondStartLoadsTheSameTableAndDatabases) {
  RuleSet rs = rules(true);
  std::string dir = tmpdir() + "/cache";  // absent: created
  Database first(rs, dir);
  EXPECT_FALSE(first.loaded_from_cache());
  Database second(rs, dir);
  EXPECT_TRUE(second.loaded_from_cache());
  EXPECT_EQ(first.keywords().keywords, second.keywords().keywords);
  EXPECT_EQ(first.keywords().caseless, second.keywords().caseless);
  EXPECT_EQ(first.keywords().word_start, second.keywords().word_start);
  ASSERT_EQ(first.keywords().rules_of.size(), second.keywords().rules_of.size());
  for (size_t i = 0; i < first.keywords().rules_of.size(); ++i)
    for (size_t k = 0; k < first.keywords().rules_of[i].size(); ++k) {
      EXPECT_EQ(first.keywords().rules_of[i][k].rule, second.keywords().rules_of[i][k].rule);
      EXPECT_EQ(first.keywords().rules_of[i][k].before, second.keywords().rules_of[i][k].before);
      EXPECT_EQ(first.keywords().rules_of[i][k].after, second.keywords().rules_of[i][k].after);
    }
  EXPECT_EQ(first.keywords().max_keyword_len, second.keywords().max_keyword_len);
  auto expected = findings(rs, first);
  EXPECT_EQ(expected.size(), 2u);
  EXPECT_EQ(findings(rs, second), expected);
  EXPECT_EQ(fs::status(only_cache_file(dir)).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  // Other rules (one disabled): another cache file.
  RuleSet fewer = rules(true);
  fewer.rules[1].enabled = false;
  Database other(fewer, dir);
  EXPECT_FALSE(other.loaded_from_cache());
}

TEST(DatabaseCache, DamagedCacheFilesAreIgnoredAndRewritten) {
  RuleSet rs = rules(true);
  std::string dir = tmpdir();
  auto expected = findings(rs, Database(rs, dir));
  std::string path = only_cache_file(dir);
  std::string good = read_text_file(path, "cache");
  auto damaged = [&](std::string bytes, const char* what) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    Database db(rs, dir);
    EXPECT_FALSE(db.loaded_from_cache()) << what;
    EXPECT_EQ(findings(rs, db), expected) << what;
    EXPECT_EQ(read_text_file(path, "cache"), good) << what << ": rewritten";
    EXPECT_TRUE(Database(rs, dir).loaded_from_cache()) << what;
  };
  damaged("", "empty");
  damaged("garbage", "garbage");
  damaged(good.substr(0, good.size() / 2), "truncated");
  damaged(good + "x", "trailing byte");
  for (size_t at : {size_t(20), good.size() / 3, good.size() - 100}) {
    std::string flipped = good;
    flipped[at] ^= 0x40;  // the table's digest or Hyperscan's CRC notices
    damaged(flipped, "flipped byte");
  }
}

TEST(DatabaseCache, AFileMadeForOtherRulesIsNotTrusted) {
  // The file of a two-rule set under the name of a one-rule set: its table names a rule the
  // one-rule set does not have.
  std::string dir = tmpdir();
  RuleSet two = rules(true), one = rules(false);
  Database(two, dir);
  std::string two_file = only_cache_file(dir);
  Database probe(one, dir);  // writes the one-rule file
  std::string one_file;
  for (auto& e : fs::directory_iterator(dir))
    if (e.path().string() != two_file) one_file = e.path().string();
  ASSERT_FALSE(one_file.empty());
  fs::copy_file(two_file, one_file, fs::copy_options::overwrite_existing);
  Database db(one, dir);
  EXPECT_FALSE(db.loaded_from_cache());
  EXPECT_EQ(findings(one, db), findings(one, Database(one, "")));
}

TEST(DatabaseCache, UnwritableOrMissingCacheFolderStillScans) {
  RuleSet rs = rules(true);
  auto expected = findings(rs, Database(rs, ""));
  std::string d = tmpdir();
  std::ofstream(d + "/file") << "x";
  Database under_a_file(rs, d + "/file/keyhound");  // cannot be created, even by root
  EXPECT_FALSE(under_a_file.loaded_from_cache());
  EXPECT_EQ(findings(rs, under_a_file), expected);
  // A cache entry that is a symlink is not followed.
  std::string c = tmpdir();
  Database(rs, c);
  std::string f = only_cache_file(c);
  fs::rename(f, c + "/real");
  fs::create_symlink(c + "/real", f);
  Database via_link(rs, c);
  EXPECT_FALSE(via_link.loaded_from_cache());
  EXPECT_EQ(findings(rs, via_link), expected);
}
