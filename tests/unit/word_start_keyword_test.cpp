// Word-start keywords ("\bnfc_") go into Hyperscan as plain literals; the scanner checks the
// boundary itself. Block and stream mode must agree, also when the byte before the keyword is
// in the previous chunk.
#include <gtest/gtest.h>

#include "engine/database.h"
#include "engine/scanner.h"
#include "rules/rule_loader.h"

using namespace keyhound;

namespace {
RuleSet word_rule_set() {
  auto rules = parse_rule_file(
      "provider = \"t\"\n[[rule]]\nid = \"t-word\"\nname = \"n\"\nkeywords = ['\\bzq_']\n"
      "regex = '''\\b(zq_[A-Za-z0-9]{20})\\b'''\nmin_entropy = 0\n"
      "[[rule]]\nid = \"t-punct\"\nname = \"p\"\nkeywords = ['\\b.qz']\n"
      "regex = '''[A-Za-z0-9](\\.qz[A-Za-z0-9]{20})\\b'''\nmin_entropy = 0\n",
      "t.toml");
  return make_rule_set(std::move(rules));
}

std::vector<std::string> stream_ids(const Scanner& sc, Scratch& s, const std::string& data, size_t chunk) {
  StreamScan ss(sc, s);
  for (size_t off = 0; off < data.size(); off += chunk) ss.feed(std::string_view(data).substr(off, chunk));
  std::vector<std::string> out;
  for (auto& f : ss.finish()) out.push_back(f.rule_id + "@" + std::to_string(f.offset));
  return out;
}
std::vector<std::string> block_ids(const Scanner& sc, Scratch& s, const std::string& data) {
  std::vector<std::string> out;
  for (auto& f : sc.scan_block(data, s)) out.push_back(f.rule_id + "@" + std::to_string(f.offset));
  return out;
}
}  // namespace

TEST(WordStartKeyword, BoundaryCheckedOutsideHyperscan) {
  RuleSet rs = word_rule_set();
  Database db(rs, "");
  Scanner sc(rs, db);
  Scratch scratch(db);
  const std::string tok = "zq_Ab3dE5gH7jK9mN1pQ2sT";
  // At the start of the data, after a space: found. Inside a word: not found.
  EXPECT_EQ(block_ids(sc, scratch, tok).size(), 1u);
  EXPECT_EQ(block_ids(sc, scratch, "x = " + tok + "\n").size(), 1u);
  EXPECT_TRUE(block_ids(sc, scratch, "abc" + tok + "\n").empty());
  // A keyword that starts with punctuation needs a word character before it.
  const std::string ptok = ".qzAb3dE5gH7jK9mN1pQ2sT";
  EXPECT_EQ(block_ids(sc, scratch, "k" + ptok + "\n").size(), 1u);
  EXPECT_TRUE(block_ids(sc, scratch, " " + ptok + "\n").empty());
  // Stream mode agrees for every chunking, including a chunk that ends right before the keyword.
  std::string data;
  for (int i = 0; i < 40; ++i) data += (i % 2 ? "word" : "x = ") + tok + " k" + ptok + "\n";
  auto want = block_ids(sc, scratch, data);
  EXPECT_EQ(want.size(), 60u);  // 20 zq_ after "x = ", none after "word"; 40 .qz after "k"
  for (size_t chunk : {1ul, 3ul, 7ul, 29ul, 30ul, 31ul, 64ul, 1000ul})
    EXPECT_EQ(stream_ids(sc, scratch, data, chunk), want) << "chunk " << chunk;
}
