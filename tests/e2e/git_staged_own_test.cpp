// `keyhound git --staged` without libgit2 (src/sources/git_staged.h, git_objects.h) against the
// libgit2 way (KEYHOUND_GIT_STAGED_FAST=0): the same report, byte for byte, on random staged
// changes (edits, new files, deletions, renames, mode changes, symlinks; keys added, kept,
// moved and repeated; CRLF, no final newline, empty and binary files), with HEAD's objects
// loose, packed or both, refs loose or packed, HEAD on a branch or detached. Where the own way
// declines (renames, type changes...), both runs take libgit2's: the answer must still match.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <random>

#include "git_e2e_util.h"

using namespace e2e;
using namespace gite2e;
using nlohmann::json;

namespace {

// Where a line may be inserted in `s`: after a random newline, or at the start.
size_t line_start(std::mt19937& rng, const std::string& s) {
  if (s.empty()) return 0;
  size_t nl = s.find('\n', rng() % s.size());
  return nl == std::string::npos ? 0 : nl + 1;
}

std::string lines(std::mt19937& rng, int n, const std::string& tag) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "value_" + std::to_string(rng() % 7) + " = " + tag + std::to_string(i) + "\n";
  return s;
}

// File content of a random kind; `key` is a key pair to place in it (or "").
std::string content(std::mt19937& rng, const std::string& key, const std::string& tag) {
  std::string body = lines(rng, static_cast<int>(rng() % 6), tag);
  body.insert(line_start(rng, body), key);
  switch (rng() % 6) {
    case 0: {  // CRLF
      std::string c;
      for (char ch : body) c += ch == '\n' ? std::string("\r\n") : std::string(1, ch);
      return c;
    }
    case 1:  // no final newline
      if (!body.empty() && body.back() == '\n') body.pop_back();
      return body;
    case 2:  // binary
      return std::string("\x7f" "ELF\0\0\1", 7) + body + std::string("\0\0\xff", 3);
    case 3:
      return rng() % 3 ? body : "";  // sometimes empty
    default:
      return body;
  }
}

const char* kFiles[] = {"a.env", "b/c.txt", "b/d/e.cfg", "f.txt", "g/h.ini", "crlf.txt", "bin.dat", "empty"};

struct Repo {
  std::string dir;
  std::mt19937 rng;
};

// An edit of an existing file: a key inserted, a line changed or dropped, a line repeated.
std::string edited(std::mt19937& rng, std::string s, unsigned seed) {
  switch (rng() % 4) {
    case 0: {
      s.insert(line_start(rng, s), key_pair(seed));
      return s;
    }
    case 1: {  // the first line repeated at the end (lines the diff may match either way)
      size_t nl = s.find('\n');
      return s + (nl == std::string::npos ? s + "\n" : s.substr(0, nl + 1));
    }
    case 2: {
      size_t nl = s.find('\n');
      return nl == std::string::npos ? "" : s.substr(nl + 1);
    }
    default:
      return s + "changed " + std::to_string(seed) + "\n" + key_pair(seed + 1000);
  }
}

void random_op(Repo& r, unsigned seed) {
  auto& rng = r.rng;
  std::string p = kFiles[rng() % (sizeof kFiles / sizeof kFiles[0])];
  std::string full = r.dir + "/" + p;
  std::string tag = "s" + std::to_string(seed) + "_";
  bool exists = std::filesystem::exists(full);
  switch (rng() % 9) {
    case 0:
    case 1:
    case 2:  // edit (or create)
      std::filesystem::create_directories(std::filesystem::path(full).parent_path());
      write_file(full, exists ? edited(rng, read_file(full), seed) : content(rng, key_pair(seed), tag));
      git(r.dir, "add -- " + shell_quote(p));
      break;
    case 3: {  // new file
      std::string n = (rng() % 2 ? "n" + std::to_string(rng() % 3) + "/" : "") + "new" + std::to_string(rng() % 4) + ".txt";
      std::filesystem::create_directories(std::filesystem::path(r.dir + "/" + n).parent_path());
      write_file(r.dir + "/" + n, content(rng, rng() % 2 ? key_pair(seed + 2000) : "", tag));
      git(r.dir, "add -- " + shell_quote(n));
      break;
    }
    case 4:  // delete
      if (exists) git(r.dir, "rm -q -f -- " + shell_quote(p));
      break;
    case 5:  // rename, maybe with an edit
      if (exists) {
        std::string n = "moved" + std::to_string(seed) + ".txt";
        git(r.dir, "mv -f -- " + shell_quote(p) + " " + n);
        if (rng() % 2) {
          write_file(r.dir + "/" + n, edited(rng, read_file(r.dir + "/" + n), seed));
          git(r.dir, "add -- " + n);
        }
      }
      break;
    case 6:  // mode change
      if (exists) git(r.dir, std::string("update-index --chmod=") + (rng() % 2 ? "+x" : "-x") + " -- " + shell_quote(p));
      break;
    case 7:  // a symlink
      std::filesystem::remove(r.dir + "/link" + std::to_string(seed % 2));
      std::filesystem::create_symlink("target" + std::to_string(seed), r.dir + "/link" + std::to_string(seed % 2));
      git(r.dir, "add -- link" + std::to_string(seed % 2));
      break;
    default:  // a key copied into another file (the same secret elsewhere)
      std::filesystem::create_directories(r.dir + "/copy");
      write_file(r.dir + "/copy/k" + std::to_string(seed % 3), lines(rng, 2, tag) + key_pair(seed % 5));
      git(r.dir, "add -- copy");
      break;
  }
}

// The report without its timing.
std::string report(const std::string& dir, bool own, std::string* debug = nullptr) {
  RunResult r = run(std::string(own ? "" : "KEYHOUND_GIT_STAGED_FAST=0 ") + kh() +
                    " git --staged --format json --debug " + shell_quote(dir));
  if (debug) *debug = r.err;
  json j;
  try {
    j = json::parse(r.out);
  } catch (const std::exception&) {
    return "exit " + std::to_string(r.exit_code) + ": " + r.out;
  }
  if (j.contains("summary")) j["summary"].erase("elapsed_seconds");
  return "exit " + std::to_string(r.exit_code) + "\n" + j.dump(1);
}

}  // namespace

TEST(GitStagedOwnE2E, SameReportAsLibgit2OnRandomStagedChanges) {
  int own_taken = 0, runs = 0, with_findings = 0;
  for (unsigned seed = 1; seed <= 30; ++seed) {
    Repo r{new_repo(), std::mt19937(seed)};
    auto& rng = r.rng;
    for (const char* f : kFiles) {
      std::filesystem::create_directories(std::filesystem::path(r.dir + "/" + f).parent_path());
      write_file(r.dir + "/" + f, content(rng, rng() % 3 ? "" : key_pair(seed * 100 + (rng() % 50)), "base_"));
    }
    git(r.dir, "add -A");
    git(r.dir, "commit -q -m base");
    // HEAD's objects loose, packed, or packed with later commits loose; refs loose or packed.
    unsigned layout = rng() % 4;
    if (layout >= 1) git(r.dir, "repack -adq");
    if (layout >= 2) {
      for (int i = 0; i < 3; ++i) random_op(r, seed * 10 + i);
      git(r.dir, "commit -q -m more --allow-empty");
    }
    if (layout == 3) git(r.dir, "repack -dq");  // a second pack, deltas against the first
    if (rng() % 2) git(r.dir, "pack-refs --all");
    if (rng() % 4 == 0) git(r.dir, "checkout -q --detach");
    int n = 1 + static_cast<int>(rng() % 5);
    for (int i = 0; i < n; ++i) random_op(r, seed * 1000 + i);
    std::string debug;
    std::string mine = report(r.dir, true, &debug);
    std::string theirs = report(r.dir, false);
    EXPECT_EQ(mine, theirs) << "seed " << seed << "\n" << git(r.dir, "status --short") << "\n" << debug;
    own_taken += debug.find("staged diff without libgit2:") != std::string::npos;
    with_findings += mine.find("\"rule_id\"") != std::string::npos;
    runs++;
    std::filesystem::remove_all(std::filesystem::path(r.dir).parent_path());
  }
  std::cout << "own way taken in " << own_taken << " of " << runs << " runs; keys found in " << with_findings << "\n";
  // The comparison means something: most runs took the own way, and many found keys.
  EXPECT_GE(own_taken, runs / 3) << own_taken << " of " << runs;
  EXPECT_GE(with_findings, runs / 4) << with_findings << " of " << runs;
}

TEST(GitStagedOwnE2E, DeclinesWhatItDoesNotTakeOnAndLibgit2Answers) {
  // Each case: the own way declines (--debug says why) and the report is libgit2's.
  std::string d = new_repo();
  commit_file(d, "a.txt", "one\n" + key_pair(7));
  std::string debug;
  // core.ignorecase
  git(d, "config core.ignorecase true");
  write_file(d + "/a.txt", "one\n" + key_pair(7) + key_pair(8));
  git(d, "add a.txt");
  EXPECT_EQ(report(d, true, &debug), report(d, false));
  EXPECT_NE(debug.find("declined: core.ignorecase"), std::string::npos) << debug;
  git(d, "config --unset core.ignorecase");
  EXPECT_EQ(report(d, true, &debug), report(d, false));
  EXPECT_NE(debug.find("staged diff without libgit2:"), std::string::npos) << debug;
  // A rename beside the edit: libgit2 decides what was renamed.
  git(d, "mv a.txt b.txt");
  EXPECT_EQ(report(d, true, &debug), report(d, false));
  EXPECT_NE(debug.find("declined: a deletion beside an addition"), std::string::npos) << debug;
  // No commit yet.
  std::string e = new_repo();
  write_file(e + "/k", key_pair(9));
  git(e, "add k");
  EXPECT_EQ(report(e, true, &debug), report(e, false));
  EXPECT_NE(debug.find("declined: HEAD's branch has no commit yet"), std::string::npos) << debug;
  // A damaged loose object in HEAD's tree: libgit2 reports it.
  std::string f = new_repo();
  commit_file(f, "x.txt", "x\n");
  std::string blob = git(f, "rev-parse HEAD:x.txt");
  std::string obj = f + "/.git/objects/" + blob.substr(0, 2) + "/" + blob.substr(2);
  std::filesystem::permissions(obj, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  write_file(obj, "not zlib");
  write_file(f + "/x.txt", "x\n" + key_pair(10));
  git(f, "add x.txt");
  EXPECT_EQ(report(f, true, &debug), report(f, false));
  // A linked worktree, checked from a subfolder: taken on, the same report (paths from the
  // worktree's root).
  std::string w = std::filesystem::path(d).parent_path().string() + "/wt";
  git(d, "worktree add -q -b side " + shell_quote(w));
  std::filesystem::create_directories(w + "/sub");
  write_file(w + "/sub/k.env", key_pair(13));
  git(w, "add sub/k.env");
  EXPECT_EQ(report(w + "/sub", true, &debug), report(w + "/sub", false));
  EXPECT_NE(debug.find("staged diff without libgit2:"), std::string::npos) << debug;
  EXPECT_NE(report(w, true).find("\"sub/k.env\""), std::string::npos) << report(w, true);
  // A damaged pack: bytes flipped at places through it. Whatever the damage hits (HEAD's commit,
  // a tree, the old or new blob, a delta base), the report is libgit2's.
  std::string g = new_repo();
  for (int i = 0; i < 6; ++i) write_file(g + "/f" + std::to_string(i) + ".txt", "line " + std::to_string(i) + "\nsame\n");
  git(g, "add -A");
  git(g, "commit -q -m base");
  write_file(g + "/f2.txt", "line 2\nsame\nmore\n");
  git(g, "commit -q -a -m second");
  git(g, "repack -adq");
  write_file(g + "/f2.txt", "line 2\nsame\nmore\n" + key_pair(11));
  write_file(g + "/f4.txt", key_pair(12) + "line 4\nsame\n");
  git(g, "add -A");
  std::string pack;
  for (auto& ent : std::filesystem::directory_iterator(g + "/.git/objects/pack"))
    if (ent.path().extension() == ".pack") pack = ent.path().string();
  ASSERT_FALSE(pack.empty());
  std::filesystem::permissions(pack, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  std::string original = read_file(pack);
  for (size_t at = 12; at + 20 < original.size(); at += original.size() / 9) {
    std::string damaged = original;
    damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
    write_file(pack, damaged);
    EXPECT_EQ(report(g, true, &debug), report(g, false)) << "byte " << at << " of " << original.size();
  }
  for (auto& dir : {d, e, f, g}) std::filesystem::remove_all(std::filesystem::path(dir).parent_path());
}
