// The pack reader (src/sources/git_pack.*): differential against libgit2 on packs git itself
// wrote (OFS_DELTA, REF_DELTA, several packs mixed with loose objects), audits identical with
// the reader on and off, and damaged packs (truncated, bad zlib data, a delta base outside the
// pack, a delta whose result size lies, impossible sizes, a delta cycle): one clear error line
// naming the pack and the object, no crash, the other objects still read.
#include <git2.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>

#include "git_e2e_util.h"
#include "sources/git_pack.h"
#include "sources/git_source.h"

using namespace gite2e;
using nlohmann::json;
using namespace keyhound;

namespace {

// Many versions of a few files (deltas), a binary file, keys in some versions, a side branch.
std::string history_repo(int commits = 40) {
  std::string d = new_repo();
  std::filesystem::create_directories(d + "/dir0");
  std::filesystem::create_directories(d + "/dir1");
  std::string body;
  for (int i = 0; i < 200; ++i) body += "line " + std::to_string(i) + " of some text that stays\n";
  for (int c = 0; c < commits; ++c) {
    for (int f = 0; f < 4; ++f) {
      std::string s = body;
      s.replace(static_cast<size_t>((c * 37 + f * 11) % 150) * 5, 4, std::to_string(c * 100 + f));
      if (c == 7 && f == 1) s += key_pair(31);
      if (c == 20 && f == 2) s += key_pair(32);
      e2e::write_file(d + "/dir" + std::to_string(f % 2) + "/file" + std::to_string(f) + ".txt", s);
    }
    std::string bin(3000, '\0');
    for (size_t i = 0; i < bin.size(); ++i) bin[i] = static_cast<char>((i * 7 + static_cast<size_t>(c)) & 0xff);
    e2e::write_file(d + "/blob.bin", bin);
    git(d, "add -A");
    git(d, "commit -q -m c" + std::to_string(c));
  }
  git(d, "checkout -q -b side");
  commit_file(d, "side/creds.env", key_pair(33), "side");
  git(d, "checkout -q main");
  git(d, "tag -a -m tag v1 HEAD~3");
  return d;
}

std::string pack_dir(const std::string& d) { return d + "/.git/objects/pack"; }

std::vector<std::string> packs_of(const std::string& d) {
  std::vector<std::string> v;
  for (auto& e : std::filesystem::directory_iterator(pack_dir(d)))
    if (e.path().extension() == ".pack") v.push_back(e.path().string());
  std::sort(v.begin(), v.end());
  return v;
}

struct Got {
  git_object_t type;
  std::string data;
};

struct Collect : PackVisitor {
  std::mutex mu;
  std::map<std::string, Got> objs;
  size_t visits = 0;
  bool wants(const git_oid&, git_object_t, uint64_t) override { return true; }
  void visit(unsigned, const git_oid& id, git_object_t type, std::string_view data) override {
    std::lock_guard<std::mutex> lk(mu);
    visits++;
    objs[oid_hex(id)] = {type, std::string(data)};
  }
};

// Every object the reader yields equals what libgit2 reads, and hashes to its id.
void expect_same_as_libgit2(const std::string& d, size_t min_objects) {
  std::vector<std::string> errors;
  auto packs = PackSet::open_dir(d + "/.git", errors);
  Collect c;
  packs->walk(2, PackSet::Roots::All, true, c, errors);
  EXPECT_TRUE(errors.empty()) << errors.front();
  EXPECT_EQ(c.visits, packs->object_count());
  EXPECT_GE(c.objs.size(), min_objects);
  GitRepo repo = GitRepo::open(d);
  git_odb* odb = nullptr;
  ASSERT_EQ(git_repository_odb(&odb, repo.get()), 0);
  for (auto& [hex, got] : c.objs) {
    git_oid id;
    ASSERT_EQ(git_oid_fromstr(&id, hex.c_str()), 0);
    git_odb_object* o = nullptr;
    ASSERT_EQ(git_odb_read(&o, odb, &id), 0) << hex;
    EXPECT_EQ(git_odb_object_type(o), got.type) << hex;
    ASSERT_EQ(git_odb_object_size(o), got.data.size()) << hex;
    EXPECT_EQ(std::memcmp(git_odb_object_data(o), got.data.data(), got.data.size()), 0) << hex;
    git_odb_object_free(o);
    git_oid h;
    ASSERT_EQ(git_odb_hash(&h, got.data.data(), got.data.size(), got.type), 0);
    EXPECT_TRUE(git_oid_equal(&h, &id)) << hex;
  }
  git_odb_free(odb);
}

json audit(const std::string& args, bool reader, int* rc = nullptr, std::string* err = nullptr) {
  auto r = e2e::run(std::string(reader ? "" : "KEYHOUND_GIT_PACK_READER=0 ") + e2e::kh() + " git --format json " + args);
  if (rc) *rc = r.exit_code;
  if (err) *err = r.err;
  json j = json::parse(r.out, nullptr, false);
  if (j.is_discarded()) {
    ADD_FAILURE() << "not JSON (exit " << r.exit_code << "): " << r.out << "\n" << r.err;
    return json::object();
  }
  j["summary"].erase("elapsed_seconds");
  return j;
}

// The audit (findings with commit/author/date/path, summary counts) is the same with the
// pack reader and with libgit2 alone.
void expect_same_audit(const std::string& args) {
  int rc1 = 0, rc2 = 0;
  std::string e1, e2;
  json a = audit(args, true, &rc1, &e1), b = audit(args, false, &rc2, &e2);
  EXPECT_EQ(rc1, rc2);
  EXPECT_EQ(e1, e2);
  EXPECT_EQ(a, b) << a["summary"].dump() << "\n" << b["summary"].dump();
}

void expect_same_plan(const std::string& d) {
  GitRepo repo = GitRepo::open(d);
  GitPlan with = plan_git_scan(repo, {});
  setenv("KEYHOUND_GIT_PACK_READER", "0", 1);
  GitRepo repo2 = GitRepo::open(d);
  GitPlan without = plan_git_scan(repo2, {});
  unsetenv("KEYHOUND_GIT_PACK_READER");
  EXPECT_TRUE(with.packs != nullptr);
  EXPECT_TRUE(without.packs == nullptr);
  EXPECT_EQ(with.errors, without.errors);
  EXPECT_EQ(with.trees_visited, without.trees_visited);
  ASSERT_EQ(with.commits.size(), without.commits.size());
  for (size_t i = 0; i < with.commits.size(); ++i) {
    EXPECT_EQ(with.commits[i].id, without.commits[i].id);
    EXPECT_EQ(with.commits[i].author, without.commits[i].author);
    EXPECT_EQ(with.commits[i].date, without.commits[i].date);
  }
  ASSERT_EQ(with.blobs.size(), without.blobs.size());
  for (size_t i = 0; i < with.blobs.size(); ++i) {
    EXPECT_TRUE(git_oid_equal(&with.blobs[i].blob, &without.blobs[i].blob));
    EXPECT_EQ(with.blobs[i].path, without.blobs[i].path);
    EXPECT_EQ(with.blobs[i].commit, without.blobs[i].commit);
  }
}

// The pack reader against libgit2 on repository `d`, at every level: each object it builds,
// the plan, and the whole audit.
void expect_reader_matches_libgit2(const std::string& d, size_t min_objects) {
  expect_same_as_libgit2(d, min_objects);
  expect_same_plan(d);
  expect_same_audit(e2e::shell_quote(d));
}

std::string sha1(const std::string& s) {
  unsigned char md[20];
  unsigned len = 0;
  EVP_Digest(s.data(), s.size(), md, &len, EVP_sha1(), nullptr);
  return std::string(reinterpret_cast<char*>(md), 20);
}

std::string zip(const std::string& s) {
  uLongf n = compressBound(s.size());
  std::string out(n, '\0');
  compress(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(s.data()), s.size());
  out.resize(n);
  return out;
}

std::string be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string size_varint(uint64_t v) {
  std::string s;
  do {
    uint8_t c = v & 0x7f;
    v >>= 7;
    if (v) c |= 0x80;
    s += static_cast<char>(c);
  } while (v);
  return s;
}

// A pack written by hand: each object is (type, header size, payload already in pack form
// after the header, id). Builds a matching v2 index.
struct RawObject {
  int type;
  uint64_t size;        // declared in the header
  std::string extra;    // between the header and the zlib data (delta base reference)
  std::string zdata;    // zlib stream
  std::string id;       // 20 raw bytes
};

std::string obj_header(int type, uint64_t size) {
  std::string h;
  uint8_t c = static_cast<uint8_t>((type << 4) | (size & 15));
  size >>= 4;
  while (size) {
    h += static_cast<char>(c | 0x80);
    c = size & 0x7f;
    size >>= 7;
  }
  h += static_cast<char>(c);
  return h;
}

std::string ofs_varint(uint64_t off) {
  std::string s(1, static_cast<char>(off & 0x7f));
  while (off >>= 7) {
    off--;
    s.insert(s.begin(), static_cast<char>(0x80 | (off & 0x7f)));
  }
  return s;
}

struct Built {
  std::string pack, idx;
  std::vector<uint64_t> offsets;
};

// `ofs_base[i]` >= 0: object i is an OFS_DELTA on object ofs_base[i] (its `extra` is computed).
Built build_pack(std::vector<RawObject> objs, const std::vector<int>& ofs_base = {}) {
  Built b;
  b.pack = "PACK" + be32(2) + be32(static_cast<uint32_t>(objs.size()));
  for (size_t i = 0; i < objs.size(); ++i) {
    b.offsets.push_back(b.pack.size());
    if (i < ofs_base.size() && ofs_base[i] >= 0) objs[i].extra = ofs_varint(b.offsets[i] - b.offsets[size_t(ofs_base[i])]);
    b.pack += obj_header(objs[i].type, objs[i].size) + objs[i].extra + objs[i].zdata;
  }
  b.pack += sha1(b.pack);
  std::vector<size_t> order(objs.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return objs[x].id < objs[y].id; });
  b.idx = std::string("\xfftOc", 4) + be32(2);
  for (int f = 0; f < 256; ++f) {
    uint32_t n = 0;
    for (auto& o : objs) n += static_cast<uint8_t>(o.id[0]) <= f;
    b.idx += be32(n);
  }
  for (size_t i : order) b.idx += objs[i].id;
  for (size_t i = 0; i < order.size(); ++i) b.idx += be32(0);  // CRCs: not read
  for (size_t i : order) b.idx += be32(static_cast<uint32_t>(b.offsets[i]));
  b.idx += b.pack.substr(b.pack.size() - 20);
  b.idx += sha1(b.idx);
  return b;
}

RawObject blob_object(const std::string& content) {
  return {3, content.size(), "", zip(content), sha1("blob " + std::to_string(content.size()) + std::string(1, '\0') + content)};
}

// A delta over `base_len` bytes: header sizes as given, then `ops`.
RawObject delta_object(uint64_t base_len, uint64_t result_len, const std::string& ops, const std::string& id) {
  std::string d = size_varint(base_len) + size_varint(result_len) + ops;
  return {6, d.size(), "", zip(d), id};
}

std::string fake_id(char c) { return std::string(20, c); }

struct Reader {
  std::vector<std::string> errors;
  Collect c;
  std::shared_ptr<PackSet> set;
  Reader(const Built& b, uint64_t budget = 1ull << 30) {
    set = PackSet::from_memory("pack-test.pack", b.idx, b.pack, errors);
    set->base_budget = budget;
    set->walk(2, PackSet::Roots::All, true, c, errors);
  }
  std::string all_errors() const {
    std::string s;
    for (auto& e : errors) s += e + "\n";
    return s;
  }
};

}  // namespace

TEST(GitPack, OfsDeltaPackMatchesLibgit2AndTheAuditIsTheSame) {
  std::string d = history_repo();
  git(d, "repack -adf -q");
  ASSERT_EQ(packs_of(d).size(), 1u);
  EXPECT_NE(git(d, "verify-pack -v " + e2e::shell_quote(packs_of(d)[0])).find("chain length = 2"), std::string::npos);
  expect_reader_matches_libgit2(d, 100);
  expect_same_audit("--max-blob-size 5000 " + e2e::shell_quote(d));  // the text files are skipped
  expect_same_audit("--threads 1 --branch side " + e2e::shell_quote(d));
  json j = audit(e2e::shell_quote(d), true);
  EXPECT_EQ(j["findings"].size(), 3u) << j.dump();
  std::filesystem::remove_all(std::filesystem::path(d).parent_path());
}

TEST(GitPack, RefDeltaPackMatchesLibgit2AndTheAuditIsTheSame) {
  std::string d = history_repo();
  git(d, "-c repack.useDeltaBaseOffset=false repack -adf -q");
  ASSERT_EQ(packs_of(d).size(), 1u);
  expect_reader_matches_libgit2(d, 100);
  std::filesystem::remove_all(std::filesystem::path(d).parent_path());
}

TEST(GitPack, SeveralPacksAndLooseObjectsMixed) {
  std::string d = history_repo(15);
  git(d, "repack -adf -q");
  for (int c = 0; c < 6; ++c) commit_file(d, "dir0/file0.txt", "second pack " + std::to_string(c) + "\n" + key_pair(40 + c % 2));
  git(d, "repack -d -q");  // a second pack, of the loose objects only
  for (int c = 0; c < 4; ++c) commit_file(d, "dir1/file1.txt", "loose " + std::to_string(c) + "\n" + key_pair(50));
  ASSERT_GE(packs_of(d).size(), 2u);
  expect_reader_matches_libgit2(d, 50);
  std::filesystem::remove_all(std::filesystem::path(d).parent_path());
}

TEST(GitPack, TruncatedPackIsNamedAndTheRestIsScanned) {
  std::string d = history_repo(10);
  git(d, "repack -adf -q");
  commit_file(d, "loose.env", key_pair(60), "loose key");  // a loose blob: still scanned
  std::string p = packs_of(d)[0];
  auto size = std::filesystem::file_size(p);
  std::filesystem::permissions(p, std::filesystem::perms::owner_all);
  std::filesystem::resize_file(p, size / 2);
  int rc = 0;
  std::string err;
  json j = audit(e2e::shell_quote(d), true, &rc, &err);
  EXPECT_EQ(rc, 2);
  EXPECT_NE(err.find("pack " + std::filesystem::path(p).filename().string()), std::string::npos) << err;
  EXPECT_NE(err.find("truncated"), std::string::npos) << err;
  bool found = false;
  for (auto& f : j["findings"]) found |= f["path"] == "loose.env";
  EXPECT_TRUE(found) << j.dump();
  std::filesystem::remove_all(std::filesystem::path(d).parent_path());
}

TEST(GitPack, BadZlibDataInOneBlobIsNamedAndTheOtherBlobsAreScanned) {
  std::string d = new_repo();
  std::string filler;
  for (int i = 0; i < 300; ++i) filler += "filler line " + std::to_string(i * 7919 % 1000) + "\n";
  commit_file(d, "a/good.env", key_pair(61), "good");
  commit_file(d, "b/bad.txt", filler, "bad");
  commit_file(d, "c/good2.env", key_pair(62), "good2");
  git(d, "repack -adf -q");
  std::string bad = git(d, "rev-parse HEAD:b/bad.txt");
  std::string p = packs_of(d)[0];
  std::string idx = p.substr(0, p.size() - 5) + ".idx";
  // Its offset, from git's own index reader.
  std::istringstream lines(git(d, "show-index < " + e2e::shell_quote(idx)));
  uint64_t off = 0;
  for (std::string l; std::getline(lines, l);)
    if (l.find(bad) != std::string::npos) off = std::stoull(l.substr(0, l.find(' ')));
  ASSERT_GT(off, 0u);
  std::string pack = e2e::read_file(p);
  for (size_t i = off + 8; i < off + 40 && i < pack.size() - 20; ++i) pack[i] = static_cast<char>(pack[i] ^ 0x5a);
  std::filesystem::permissions(p, std::filesystem::perms::owner_all);
  e2e::write_file(p, pack);
  int rc = 0;
  std::string err;
  json j = audit(e2e::shell_quote(d), true, &rc, &err);
  EXPECT_EQ(rc, 2);
  EXPECT_NE(err.find("object " + bad + " at offset " + std::to_string(off)), std::string::npos) << err;
  EXPECT_EQ(j["findings"].size(), 2u) << j.dump();
  EXPECT_EQ(j["summary"]["files_scanned"], 2);
  std::filesystem::remove_all(std::filesystem::path(d).parent_path());
}

TEST(GitPack, DeltaBaseOutsideThePackIsNamed) {
  std::string base = "base content\n", result = "base content\nmore\n";
  RawObject b0 = blob_object(base);
  RawObject d1 = delta_object(base.size(), result.size(), std::string(1, char(0x90)) + char(base.size()) + "\x05more\n",
                              blob_object(result).id);
  // The base reference points before the start of the pack.
  d1.extra = ofs_varint(100000);
  Reader r(build_pack({b0, d1}));
  EXPECT_NE(r.all_errors().find("points outside the pack"), std::string::npos) << r.all_errors();
  EXPECT_NE(r.all_errors().find("pack pack-test.pack: object " + oid_hex(*reinterpret_cast<const git_oid*>(d1.id.data()))),
            std::string::npos) << r.all_errors();
  EXPECT_EQ(r.c.objs.size(), 1u);  // the base is still read
}

TEST(GitPack, DeltasThatLieOrOverreachAreNamedAndTheRestIsRead) {
  std::string base = "0123456789abcdef\n";
  std::string good = "0123456789abcdef\ntail\n";
  std::string copy_all = std::string(1, char(0x90)) + char(base.size());  // copy 0..17
  std::vector<RawObject> objs = {
      blob_object(base),
      // 1: fine
      delta_object(base.size(), good.size(), copy_all + "\x05tail\n", blob_object(good).id),
      // 2: declares a result size its instructions do not build
      delta_object(base.size(), 1000, copy_all + "\x05tail\n", fake_id('\x22')),
      // 3: copies beyond its base
      delta_object(base.size(), 40, std::string(1, char(0x91)) + char(10) + char(30) + "\x0atail\n----", fake_id('\x33')),
      // 4: an insert that runs past the delta
      delta_object(base.size(), 30, "\x40short", fake_id('\x44')),
      // 5: the wrong base size
      delta_object(999, good.size(), copy_all + "\x05tail\n", fake_id('\x55')),
      // 6: a huge result size (nothing is allocated for it)
      delta_object(base.size(), 1ull << 40, copy_all, fake_id('\x66')),
      // 7: reserved instruction 0
      delta_object(base.size(), 5, std::string(1, '\0'), fake_id('\x77')),
  };
  Reader r(build_pack(objs, {-1, 0, 0, 0, 0, 0, 0, 0}));
  std::string e = r.all_errors();
  EXPECT_NE(e.find("declares a 1000-byte result but builds 22"), std::string::npos) << e;
  EXPECT_NE(e.find("lies outside its 17-byte base"), std::string::npos) << e;
  EXPECT_NE(e.find("insert instruction runs past the delta"), std::string::npos) << e;
  EXPECT_NE(e.find("expects a 999-byte base"), std::string::npos) << e;
  EXPECT_NE(e.find("reserved delta instruction"), std::string::npos) << e;
  EXPECT_EQ(r.errors.size(), 5u) << e;  // the 2^40 one is left to libgit2 without a guess
  ASSERT_EQ(r.c.objs.size(), 2u);
  EXPECT_EQ(r.c.objs.begin()->second.data.size() + std::next(r.c.objs.begin())->second.data.size(), base.size() + good.size());
}

TEST(GitPack, ImpossibleSizesBadZlibAndCyclesAreNamedWithoutCrashing) {
  std::string a = "some blob\n";
  RawObject huge = blob_object("x");
  huge.size = 1ull << 36;  // 64 GiB from a few bytes of zlib: refused before allocating
  RawObject lies = blob_object(a);
  lies.size = a.size() - 3;
  RawObject garbage = blob_object("garbage zlib");
  garbage.zdata = "not zlib at all, really";
  // Two REF_DELTAs based on each other: never reached, never built.
  RawObject c1 = delta_object(1, 1, "\x01x", fake_id('\x61'));
  c1.type = 7;
  c1.extra = fake_id('\x62');
  RawObject c2 = delta_object(1, 1, "\x01y", fake_id('\x62'));
  c2.type = 7;
  c2.extra = fake_id('\x61');
  RawObject fine = blob_object("fine\n");
  Reader r(build_pack({huge, lies, garbage, c1, c2, fine}));
  std::string e = r.all_errors();
  EXPECT_NE(e.find("is impossible for"), std::string::npos) << e;
  EXPECT_NE(e.find("inflates to more than the declared 7 bytes"), std::string::npos) << e;
  EXPECT_NE(e.find("invalid or truncated zlib data"), std::string::npos) << e;
  EXPECT_EQ(r.errors.size(), 3u) << e;
  ASSERT_EQ(r.c.objs.size(), 1u);
  EXPECT_EQ(r.c.objs.begin()->second.data, "fine\n");
}

TEST(GitPack, ContentThatDoesNotHashToItsIdIsNamed) {
  RawObject o = blob_object("hello\n");
  o.id = fake_id('\x01');
  Reader r(build_pack({o, blob_object("other\n")}));
  EXPECT_NE(r.all_errors().find("does not hash to its id"), std::string::npos) << r.all_errors();
  EXPECT_EQ(r.c.objs.size(), 1u);
}

TEST(GitPack, BasesHeldAreBounded) {
  std::string base(4096, 'a');
  std::vector<RawObject> objs = {blob_object(base)};
  std::vector<int> bases = {-1};
  // Two branches from the base (so the base must be held while the first is built).
  for (int i = 0; i < 2; ++i) {
    std::string res = base + char('0' + i);
    objs.push_back(delta_object(base.size(), res.size(), std::string(1, char(0xb0)) + char(0x00) + char(0x10) + "\x01" + char('0' + i),
                                blob_object(res).id));
    bases.push_back(0);
    // ...each with a child of its own: holding base + child exceeds the budget.
    std::string res2 = res + "z";
    objs.push_back(delta_object(res.size(), res2.size(),
                                std::string(1, char(0xb0)) + char(0x01) + char(0x10) + "\x01z", blob_object(res2).id));
    bases.push_back(static_cast<int>(objs.size()) - 2);
  }
  Reader r(build_pack(objs, bases), 6000);
  EXPECT_NE(r.all_errors().find("bases held at once"), std::string::npos) << r.all_errors();
  Reader ok(build_pack(objs, bases));
  EXPECT_TRUE(ok.errors.empty()) << ok.all_errors();
  EXPECT_EQ(ok.c.objs.size(), 5u);
}

TEST(GitPack, GarbageIndexIsOneLine) {
  Built b = build_pack({blob_object("a\n"), blob_object("b\n")});
  Built bad = b;
  std::swap(bad.idx[8 + 1024], bad.idx[8 + 1024 + 20]);  // ids no longer sorted
  Reader r(bad);
  EXPECT_EQ(r.errors.size(), 1u) << r.all_errors();
  EXPECT_EQ(r.c.objs.size(), 0u);
  Built shortpack = b;
  shortpack.pack.resize(12);
  Reader r2(shortpack);
  EXPECT_EQ(r2.errors.size(), 1u) << r2.all_errors();
  for (size_t cut = 0; cut < b.idx.size(); cut += 7) {
    Built t = b;
    t.idx.resize(cut);
    Reader r3(t);  // never crashes
  }
  for (size_t cut = 0; cut < b.pack.size(); cut += 3) {
    Built t = b;
    t.pack.resize(cut);
    Reader r4(t);
  }
}
