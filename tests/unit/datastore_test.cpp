// The SQLite datastore: created 0600, versioned, batches replayable, secrets kept only when asked.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "datastore/datastore.h"
#include "datastore/finding_codec.h"
#include "datastore/sqlite_datastore.h"
#include "e2e_util.h"

namespace {

using namespace keyhound;

// In a folder the test process removes when it exits (e2e_util's temp-dir helper).
std::string temp_db() { return e2e::make_temp_dir() + "/audit.db"; }

// A secret made at run time: the repository holds no key-shaped literal.
std::string fake_secret() {
  std::string s;
  for (int i = 0; i < 40; ++i) s += "Abc9/+xYz0"[(i * 7) % 10];
  return s;
}

Finding finding(const std::string& fp, const std::string& path, uint64_t line) {
  Finding f;
  f.rule_id = "aws-secret-access-key";
  f.secret = fake_secret();
  f.match = "key=" + f.secret;
  f.line_text = "aws_secret_access_key=" + f.secret;
  f.line = line;
  f.column = 23;
  f.fingerprint = fp;
  f.where.path = path;
  f.where.commit = std::string(40, 'c');
  f.where.blob = std::string(40, 'b');
  f.where.author = "Dev";
  f.where.date = "2024-01-01T00:00:00+00:00";
  return f;
}

ScanBatch batch(const std::string& repo) {
  ScanBatch b;
  b.repository = repo;
  b.blobs.push_back({std::string(40, 'b'), 1});
  b.blobs.push_back({std::string(40, 'a'), 0});
  b.occurrences.push_back({finding("0123456789abcdef0123456789abcdef", "x.env", 3), 7});
  return b;
}

TEST(Datastore, CreatedPrivateWithSchemaVersion) {
  std::string path = temp_db();
  auto ds = open_sqlite_datastore(path);
  struct stat st{};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT version FROM schema_version", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(s, 0), sqlite_schema_version());
  sqlite3_finalize(s);
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST(Datastore, NewerSchemaAndForeignFilesAreRefusedWithTheirName) {
  std::string path = temp_db();
  { open_sqlite_datastore(path); }
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "UPDATE schema_version SET version=999", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  try {
    open_sqlite_datastore(path);
    FAIL() << "opened a newer schema";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
  }
  std::string other = temp_db();
  sqlite3_open(other.c_str(), &db);
  sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  EXPECT_THROW(open_sqlite_datastore(other), std::runtime_error);
}

TEST(Datastore, OlderSchemaIsMigratedForward) {
  std::string path = temp_db();
  { open_sqlite_datastore(path); }
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);  // back to version 1: before the commits table
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE commits; DROP INDEX occurrences_commit_rows; DROP TABLE shared_commits; "
                             "UPDATE schema_version SET version=1",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  auto ds = open_sqlite_datastore(path);
  EXPECT_FALSE(ds->commit_known(std::string(40, 'c')));
  ds->start_repository("/r", "r");
  ds->finish_repository("/r", "done", "", "", {std::string(40, 'c')});
  EXPECT_TRUE(ds->commit_known(std::string(40, 'c')));
}

TEST(Datastore, ReplayedBatchChangesNothing) {
  auto ds = open_sqlite_datastore(temp_db());
  ds->start_repository("/r1", "r1");
  ds->record_batch(batch("/r1"));
  std::string once = ds->canonical_dump();
  ds->record_batch(batch("/r1"));  // a run killed after commit and resumed replays its batch
  EXPECT_EQ(ds->canonical_dump(), once);
  auto st = ds->blob_states({std::string(40, 'b'), std::string(40, 'a'), std::string(40, 'd')});
  EXPECT_EQ(st, (std::vector<int64_t>{1, 0, -1}));
  EXPECT_EQ(ds->scanned_blob_count(), 2u);
  OccurrenceFilter fl;
  auto occ = ds->occurrences(fl);
  ASSERT_EQ(occ.size(), 1u);
  EXPECT_EQ(occ[0].repository, "/r1");
  EXPECT_EQ(occ[0].seq, 7u);
  EXPECT_EQ(occ[0].finding.where.path, "x.env");
}

TEST(Datastore, SecretsAreRedactedAndHashedUnlessStored) {
  std::string path = temp_db();
  auto ds = open_sqlite_datastore(path);
  ds->start_repository("/r1", "r1");
  ds->record_batch(batch("/r1"));
  auto occ = ds->occurrences(OccurrenceFilter{});
  ASSERT_EQ(occ.size(), 1u);
  EXPECT_FALSE(occ[0].secret_stored);
  EXPECT_NE(occ[0].finding.secret, fake_secret());
  EXPECT_EQ(occ[0].finding.line_text.find(fake_secret()), std::string::npos);
  ds.reset();
  // Nowhere in the file (tables, WAL) is the secret.
  for (const char* suffix : {"", "-wal"}) {
    std::FILE* fh = std::fopen((path + suffix).c_str(), "rb");
    if (!fh) continue;
    std::string all;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, fh)) > 0) all.append(buf, n);
    std::fclose(fh);
    EXPECT_EQ(all.find(fake_secret()), std::string::npos) << suffix;
  }
  auto kept = open_sqlite_datastore(temp_db());
  kept->set_store_secrets(true);
  kept->start_repository("/r1", "r1");
  kept->record_batch(batch("/r1"));
  occ = kept->occurrences(OccurrenceFilter{});
  ASSERT_EQ(occ.size(), 1u);
  EXPECT_TRUE(occ[0].secret_stored);
  EXPECT_EQ(occ[0].finding.secret, fake_secret());
}

TEST(Datastore, HmacIsKeyedPerDatastore) {
  Finding f = finding("0123456789abcdef0123456789abcdef", "x", 1);
  EXPECT_EQ(secret_hmac("k1", f), secret_hmac("k1", f));
  EXPECT_NE(secret_hmac("k1", f), secret_hmac("k2", f));
  EXPECT_EQ(secret_hmac("k1", f).size(), 64u);
}

TEST(Datastore, FirstOccurrencePerRepositoryAndFilters) {
  auto ds = open_sqlite_datastore(temp_db());
  ds->start_repository("/r1", "src1");
  ds->start_repository("/r2", "src2");
  ScanBatch b = batch("/r1");
  b.occurrences.push_back({finding("0123456789abcdef0123456789abcdef", "later.env", 9), 20});
  ds->record_batch(b);
  ds->record_batch(batch("/r2"));
  OccurrenceFilter fl;
  EXPECT_EQ(ds->occurrences(fl).size(), 2u);  // one per repository: the lowest seq
  fl.first_only = false;
  EXPECT_EQ(ds->occurrences(fl).size(), 3u);
  fl.repositories = {"src2"};
  EXPECT_EQ(ds->occurrences(fl).size(), 1u);
  fl.repositories.clear();
  fl.rules = {"no-such-rule"};
  EXPECT_TRUE(ds->occurrences(fl).empty());
  fl.rules.clear();
  ds->set_triage({"0123456789abcdef0123456789abcdef", "false-positive", "fixture", "me", "now"});
  fl.statuses = {"open"};
  EXPECT_TRUE(ds->occurrences(fl).empty());
  fl.statuses = {"false-positive"};
  EXPECT_EQ(ds->occurrences(fl).size(), 3u);
  EXPECT_EQ(ds->triage().size(), 1u);
}

// An audit reads back every repository it scanned by name: hundreds of names in one filter
// (SQLite refuses an expression deeper than 1,000, as a chain of ORs would be).
TEST(Datastore, ManyRepositoriesInOneFilter) {
  auto ds = open_sqlite_datastore(temp_db());
  ds->start_repository("/r1", "src1");
  ds->record_batch(batch("/r1"));
  OccurrenceFilter fl;
  fl.first_only = false;
  for (int i = 0; i < 1500; ++i) fl.repositories.push_back("/other" + std::to_string(i));
  fl.repositories.push_back("src1");
  EXPECT_EQ(ds->occurrences(fl).size(), 1u);
  EXPECT_GE(ds->count_occurrences(fl), 1u);
  fl.rules = {"aws-secret-access-key"};
  EXPECT_EQ(ds->occurrences(fl).size(), 1u);
  EXPECT_GE(ds->count_occurrences(fl), 1u);
}

// A fork's shared history is linked: the occurrences another repository recorded at its shared
// commits are its own too (read through, one row per commit), and its own start after them.
TEST(Datastore, SharedCommitsAreReadThroughNotCopied) {
  auto ds = open_sqlite_datastore(temp_db());
  ds->start_repository("/r1", "r1");
  ds->record_batch(batch("/r1"));
  ds->start_repository("/fork", "fork");
  const std::string c(40, 'c');
  EXPECT_TRUE(ds->commits_with_occurrences("/r1").empty());  // its own are not shared with itself
  EXPECT_EQ(ds->commits_with_occurrences("/fork"), std::vector<std::string>{c});
  EXPECT_EQ(ds->share_commits("/fork", {c}), 8u);  // after seq 7, the shared one
  EXPECT_EQ(ds->share_commits("/fork", {c}), 8u);  // replayed after kill -9: the same
  auto occ = ds->occurrences(OccurrenceFilter{{"/fork"}, {}, {}, false});
  ASSERT_EQ(occ.size(), 1u);
  EXPECT_EQ(occ[0].repository, "/fork");
  EXPECT_EQ(occ[0].seq, 7u);
  EXPECT_EQ(occ[0].finding.where.commit, c);
  EXPECT_EQ(occ[0].finding.where.path, "x.env");
  EXPECT_EQ(ds->blobs_with_occurrences("/fork"), std::vector<std::string>{std::string(40, 'b')});
  EXPECT_EQ(ds->occurrences(OccurrenceFilter{}).size(), 2u);
  std::string dump = ds->canonical_dump();
  EXPECT_NE(dump.find("[shared_commits]\n/fork\t" + c + "\n"), std::string::npos) << dump;
  EXPECT_EQ(dump.find("/fork\t0123"), std::string::npos) << "copied, not linked:\n" << dump;
}

// Version 2 copied shared occurrences (adopted=1); version 3 turns the copies into links and
// reads the same occurrences (and version 4 through its covering commit index).
TEST(Datastore, CopiedOccurrencesOfVersion2BecomeLinks) {
  std::string path = temp_db();
  std::vector<StoredOccurrence> before;
  {
    auto ds = open_sqlite_datastore(path);
    ds->start_repository("/r1", "r1");
    ds->record_batch(batch("/r1"));
    ds->start_repository("/fork", "fork");
    ds->share_commits("/fork", {std::string(40, 'c')});
    before = ds->occurrences(OccurrenceFilter{{}, {}, {}, false});
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TABLE shared_commits; DROP INDEX occurrences_commit_rows; "
                         "CREATE INDEX occurrences_commit ON occurrences(commit_id); "
                         "ALTER TABLE occurrences ADD COLUMN adopted INTEGER NOT NULL "
                         "DEFAULT 0; INSERT INTO occurrences SELECT (SELECT id FROM repositories WHERE "
                         "identity='/fork'), fingerprint, blob, commit_id, path, line, col, author, email, date, seq, "
                         "1 FROM occurrences; UPDATE schema_version SET version=2",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  auto ds = open_sqlite_datastore(path);
  auto after = ds->occurrences(OccurrenceFilter{{}, {}, {}, false});
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].repository, before[i].repository);
    EXPECT_EQ(after[i].seq, before[i].seq);
    EXPECT_EQ(after[i].finding.where.commit, before[i].finding.where.commit);
  }
  std::string dump = ds->canonical_dump();
  EXPECT_NE(dump.find("[shared_commits]\n/fork\t"), std::string::npos) << dump;
  EXPECT_EQ(dump.find("/fork\t0123"), std::string::npos) << dump;
}

TEST(Datastore, FinishKeepsTheLastGoodRefsOnFailure) {
  auto ds = open_sqlite_datastore(temp_db());
  ds->start_repository("/r", "r");
  ds->finish_repository("/r", "done", "HEAD 1\n", "");
  ds->start_repository("/r", "r");
  ds->finish_repository("/r", "failed", "HEAD 2\n", "boom");
  auto r = ds->repository("/r");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, "failed");
  EXPECT_EQ(r->refs, "HEAD 1\n");
  EXPECT_EQ(r->error, "boom");
}

}  // namespace
