#include "datastore/sqlite_datastore.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <ctime>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <tuple>

#include "datastore/occurrence_sql.h"
#include "base/utc_time.h"
#include "base/hex.h"
#include "base/redact.h"
#include "datastore/finding_codec.h"

namespace keyhound {

namespace {

// Each entry takes the schema from version i to i+1; a new version appends one, never edits one.
const char* const kMigrations[] = {
    // 1: the first schema.
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE repositories(
  id INTEGER PRIMARY KEY,
  identity TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  refs TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'pending',
  error TEXT NOT NULL DEFAULT '',
  scanned_at TEXT NOT NULL DEFAULT '');
CREATE TABLE blobs(oid BLOB PRIMARY KEY, findings INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE findings(
  fingerprint TEXT PRIMARY KEY,
  rule_id TEXT NOT NULL,
  secret_hmac TEXT NOT NULL,
  redacted TEXT NOT NULL,
  secret TEXT) WITHOUT ROWID;
CREATE INDEX findings_hmac ON findings(secret_hmac);
CREATE TABLE occurrences(
  repository INTEGER NOT NULL REFERENCES repositories(id),
  fingerprint TEXT NOT NULL REFERENCES findings(fingerprint),
  blob TEXT NOT NULL,
  commit_id TEXT NOT NULL,
  path TEXT NOT NULL,
  line INTEGER NOT NULL,
  col INTEGER NOT NULL,
  author TEXT NOT NULL,
  email TEXT NOT NULL,
  date TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY(repository, fingerprint, blob, commit_id, path, line, col)) WITHOUT ROWID;
-- What a finding looks like (JSON, secrets redacted unless stored): once per place in a blob,
-- however many repositories and commits share it.
CREATE TABLE details(
  fingerprint TEXT NOT NULL,
  blob TEXT NOT NULL,
  line INTEGER NOT NULL,
  col INTEGER NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY(fingerprint, blob, line, col)) WITHOUT ROWID;
CREATE INDEX occurrences_fingerprint ON occurrences(fingerprint);
CREATE TABLE triage(
  fingerprint TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  who TEXT NOT NULL DEFAULT '',
  at TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
)sql",
    // 2: commits of finished repositories (a fork plans only what its parent lacks).
    R"sql(
CREATE TABLE commits(id BLOB PRIMARY KEY) WITHOUT ROWID;
CREATE INDEX occurrences_commit ON occurrences(commit_id);
-- 1: copied from the repository that scanned the commit (adopt_occurrences), which is the
-- only source copies are taken from (one row per place, however many forks hold it).
ALTER TABLE occurrences ADD COLUMN adopted INTEGER NOT NULL DEFAULT 0;
)sql",
    // 3: shared history is linked, not copied: a fork's commits that another repository
    // scanned are rows here, and their occurrences are read through them (one row per
    // commit with findings instead of one per place and fork). Copies become links.
    R"sql(
CREATE TABLE shared_commits(
  repository INTEGER NOT NULL REFERENCES repositories(id),
  commit_id TEXT NOT NULL,
  PRIMARY KEY(repository, commit_id)) WITHOUT ROWID;
INSERT OR IGNORE INTO shared_commits(repository, commit_id)
  SELECT DISTINCT repository, commit_id FROM occurrences WHERE adopted=1;
DELETE FROM occurrences WHERE adopted=1;
ALTER TABLE occurrences DROP COLUMN adopted;
)sql",
    // 4: the commit index covers what a shared commit's occurrences are read for (seq and who,
    // besides the key): a fork's report reads each of them through a link without visiting
    // the table.
    R"sql(
CREATE INDEX occurrences_commit_rows ON occurrences(commit_id, seq, author, email, date);
DROP INDEX occurrences_commit;
)sql",
};
constexpr int kVersion = sizeof kMigrations / sizeof kMigrations[0];

std::string now_utc() { return utc_now_text(); }

class Stmt {
 public:
  // Resets a statement (its bindings too) when the scope that uses it ends, thrown out of or
  // not: a cached statement left stepping would hold its read transaction open.
  struct Reset {
    Stmt& s;
    ~Reset() { s.reset(); }
  };

  Stmt(sqlite3* db, const std::string& sql, const std::string& file) : db_(db), file_(file) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st_, nullptr) != SQLITE_OK) fail("prepare");
  }
  ~Stmt() { sqlite3_finalize(st_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& bind(int i, const std::string& s) {
    sqlite3_bind_text(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind_blob(int i, const std::string& s) {
    sqlite3_bind_blob(st_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& bind(int i, int64_t v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
  }
  Stmt& bind_null(int i) {
    sqlite3_bind_null(st_, i);
    return *this;
  }
  // True while there is a row.
  bool step() {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail("step");
    return false;
  }
  void run() {
    Reset done{*this};
    step();
  }
  void reset() {
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
  }
  std::string text(int i) const {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(st_, i));
    return p ? std::string(p, sqlite3_column_bytes(st_, i)) : std::string();
  }
  // Valid until the next step() or reset().
  std::string_view view(int i) const {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(st_, i));
    return p ? std::string_view(p, sqlite3_column_bytes(st_, i)) : std::string_view();
  }
  bool is_null(int i) const { return sqlite3_column_type(st_, i) == SQLITE_NULL; }
  int64_t integer(int i) const { return sqlite3_column_int64(st_, i); }

 private:
  [[noreturn]] void fail(const char* what) {
    throw std::runtime_error("datastore " + file_ + ": " + what + ": " + sqlite3_errmsg(db_));
  }
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
  std::string file_;
};

std::string oid_bytes(const std::string& hex) {
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<char>(hex_digit_value(hex[2 * i]) * 16 + hex_digit_value(hex[2 * i + 1]));
  return out;
}

class SqliteDatastore : public Datastore {
 public:
  explicit SqliteDatastore(const std::string& path) : file_(path) {
    create_private(path);
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw std::runtime_error("datastore " + path + ": cannot open: " + msg);
    }
    sqlite3_busy_timeout(db_, 10000);
    try {
      // WAL: a reader never blocks the writer and a killed writer leaves the last committed
      // batch intact; NORMAL sync is safe against a killed process (not against power loss
      // of the last batch, which the next run scans again).
      exec("PRAGMA journal_mode=WAL");
      exec("PRAGMA synchronous=NORMAL");
      exec("PRAGMA foreign_keys=ON");
      migrate();
      load_key();
    } catch (...) {
      sqlite3_close(db_);
      throw;
    }
  }
  ~SqliteDatastore() override {
    if (held_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    known_stmt_.reset();
    cache_.clear();  // finalized before the connection closes
    sqlite3_close(db_);
  }

  bool stores_secrets() const override { return store_secrets_; }
  void set_store_secrets(bool on) override { store_secrets_ = on; }

  void hold() override {
    if (held_) return;
    cached("BEGIN IMMEDIATE").run();
    held_ = true;
  }
  bool held() const override { return held_; }
  void release() override {
    if (!held_) return;
    held_ = false;
    try {
      cached("COMMIT").run();
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  std::optional<RepositoryRecord> repository(const std::string& identity) override {
    Stmt& s = cached("SELECT identity, source, refs, status, error, scanned_at FROM repositories WHERE identity=?");
    Reset s_done{s};
    s.bind(1, identity);
    if (!s.step()) return std::nullopt;
    return repo_row(s);
  }
  std::vector<RepositoryRecord> repositories() override {
    Stmt s(db_, "SELECT identity, source, refs, status, error, scanned_at FROM repositories ORDER BY identity", file_);
    std::vector<RepositoryRecord> out;
    while (s.step()) out.push_back(repo_row(s));
    return out;
  }
  void start_repository(const std::string& identity, const std::string& source) override {
    Stmt& s = cached("INSERT INTO repositories(identity, source, status) VALUES(?, ?, 'pending') "
                     "ON CONFLICT(identity) DO UPDATE SET status='pending', source=excluded.source");
    Reset s_done{s};
    s.bind(1, identity).bind(2, source).run();
  }
  void finish_repository(const std::string& identity, const std::string& status, const std::string& refs,
                         const std::string& error, const std::vector<std::string>& commits) override {
    begin();
    try {
      if (status == "done") {
        Stmt& c = cached("INSERT OR IGNORE INTO commits(id) VALUES(?)");
        Reset c_done{c};
        for (auto& id : commits) c.bind_blob(1, oid_bytes(id)).run();
      }
      update_repository(identity, status, refs, error);
      commit();
    } catch (...) {
      rollback();
      throw;
    }
  }

  bool commit_known(const std::string& id) override {
    if (!known_stmt_) known_stmt_ = std::make_unique<Stmt>(db_, "SELECT 1 FROM commits WHERE id=?", file_);
    known_stmt_->bind_blob(1, oid_bytes(id));
    bool yes = known_stmt_->step();
    known_stmt_->reset();
    return yes;
  }

  bool any_commit_known() override {
    Stmt& s = cached("SELECT 1 FROM commits LIMIT 1");
    Reset s_done{s};
    return s.step();
  }

  // Besides the commits, the highest seq at each (over every repository's occurrences there),
  // kept for the share_commits() that follows: a fork linking its shared history then learns
  // where its own occurrences start without reading each shared commit's rows again.
  std::vector<std::string> commits_with_occurrences(const std::string& identity) override {
    int64_t self = -1;
    {
      Stmt& id = cached("SELECT id FROM repositories WHERE identity=?");
      Reset id_done{id};
      id.bind(1, identity);
      if (id.step()) self = id.integer(0);
    }
    // The commit index in its order, folded here (SQL aggregates cost more than the scan).
    Stmt& s = cached("SELECT commit_id, seq, repository FROM occurrences INDEXED BY occurrences_commit_rows "
                     "ORDER BY commit_id");
    Reset s_done{s};
    std::vector<std::string> out;
    top_seq_.clear();
    top_seq_for_ = identity;
    std::string at;
    int64_t top = -1;
    bool other = false;
    auto flush = [&] {
      if (other) {
        out.push_back(at);
        top_seq_.emplace(at, top);
      }
    };
    while (s.step()) {
      std::string_view c = s.view(0);
      if (c != at) {
        flush();
        at.assign(c);
        top = -1;
        other = false;
      }
      top = std::max(top, s.integer(1));
      other = other || s.integer(2) != self;
    }
    flush();
    return out;
  }

  uint64_t share_commits(const std::string& identity, const std::vector<std::string>& commits) override {
    begin();
    try {
      int64_t repo = repo_id(identity);
      // Links it has already (an earlier run) count too: then the highest seq is read back.
      bool linked_before = false;
      {
        Stmt& any = cached("SELECT 1 FROM shared_commits WHERE repository=? LIMIT 1");
        Reset any_done{any};
        any.bind(1, repo);
        linked_before = any.step();
      }
      int64_t max_seq = -1;
      bool known = !linked_before && top_seq_for_ == identity;
      // One statement for all of them (a fork links hundreds; one insert each cost more than
      // the rows): the ids as a JSON array, unpacked by json_each. Commit ids are hex, so the
      // array is written without a JSON serializer.
      std::string list = "[";
      list.reserve(commits.size() * 43 + 2);
      for (auto& id : commits) {
        if (!is_hex_digits(id)) continue;  // never a commit id
        if (list.size() > 1) list += ',';
        list += '"';
        list += id;
        list += '"';
        if (known) {
          auto t = top_seq_.find(id);
          if (t == top_seq_.end()) known = false;
          else max_seq = std::max(max_seq, t->second);
        }
      }
      list += ']';
      top_seq_.clear();
      top_seq_for_.clear();
      Stmt& ins = cached(
          "INSERT OR IGNORE INTO shared_commits(repository, commit_id) SELECT ?1, value FROM json_each(?2)");
      Reset ins_done{ins};
      ins.bind(1, repo).bind(2, list).run();
      if (!known) {
        // Where this repository's own occurrences start: after every one it now shares.
        Stmt& top = cached(shared_max_seq("?1"));
        Reset top_done{top};
        top.bind(1, repo);
        max_seq = top.step() && !top.is_null(0) ? top.integer(0) : -1;
      }
      commit();
      return static_cast<uint64_t>(max_seq + 1);
    } catch (...) {
      rollback();
      throw;
    }
  }

  void update_repository(const std::string& identity, const std::string& status, const std::string& refs,
                         const std::string& error) {
    // A failed run keeps the refs of the last good one: the next run scans what changed since.
    Stmt& s = cached(status == "done"
                         ? "UPDATE repositories SET status=?, refs=?, error=?, scanned_at=? WHERE identity=?"
                         : "UPDATE repositories SET status=?, refs=refs, error=?3, scanned_at=?4 WHERE identity=?5");
    Reset s_done{s};
    s.bind(1, status);
    if (status == "done") s.bind(2, refs);
    s.bind(3, error).bind(4, now_utc()).bind(5, identity).run();
  }

  std::vector<int64_t> blob_states(const std::vector<std::string>& ids) override {
    std::vector<int64_t> out;
    out.reserve(ids.size());
    Stmt& s = cached("SELECT findings FROM blobs WHERE oid=?");
    Reset s_done{s};
    for (auto& id : ids) {
      s.bind_blob(1, oid_bytes(id));
      out.push_back(s.step() ? s.integer(0) : -1);
      s.reset();
    }
    return out;
  }

  std::vector<std::string> blobs_with_occurrences(const std::string& identity) override {
    Stmt& s = cached("SELECT DISTINCT blob FROM (" +
                     occurrence_rows("o.repository=(SELECT id FROM repositories WHERE identity=?1)",
                                     "s.repository=(SELECT id FROM repositories WHERE identity=?1)") +
                     ")");
    Reset s_done{s};
    s.bind(1, identity);
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
  }

  void record_batch(const ScanBatch& b) override {
    top_seq_.clear();  // occurrences change: what commits_with_occurrences() saw is stale
    top_seq_for_.clear();
    begin();
    try {
      int64_t repo = repo_id(b.repository);
      Stmt& blob = cached("INSERT OR IGNORE INTO blobs(oid, findings) VALUES(?, ?)");
      Reset blob_done{blob};
      Stmt& fnd = cached(
          "INSERT INTO findings(fingerprint, rule_id, secret_hmac, redacted, secret) VALUES(?, ?, ?, ?, ?) "
          "ON CONFLICT(fingerprint) DO UPDATE SET secret=COALESCE(findings.secret, excluded.secret)");
      Reset fnd_done{fnd};
      // A commit the repository shares holds its occurrences already (--rescan meets them again).
      Stmt& occ = cached(
          "INSERT OR IGNORE INTO occurrences(repository, fingerprint, blob, commit_id, path, line, col, author, "
          "email, date, seq) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11 WHERE NOT EXISTS "
          "(SELECT 1 FROM shared_commits WHERE repository=?1 AND commit_id=?4)");
      Reset occ_done{occ};
      Stmt& det = cached("INSERT OR IGNORE INTO details(fingerprint, blob, line, col, detail) VALUES(?, ?, ?, ?, ?)");
      Reset det_done{det};
      for (auto& o : b.occurrences) {
        const Finding& f = o.finding;
        fnd.bind(1, f.fingerprint).bind(2, f.rule_id).bind(3, secret_hmac(key_, f)).bind(4, redact(f.secret));
        if (store_secrets_) fnd.bind(5, f.secret);
        else fnd.bind_null(5);
        fnd.run();
        occ.bind(1, repo).bind(2, f.fingerprint).bind(3, f.where.blob).bind(4, f.where.commit).bind(5, f.where.path);
        occ.bind(6, static_cast<int64_t>(f.line)).bind(7, static_cast<int64_t>(f.column));
        occ.bind(8, f.where.author).bind(9, f.where.email).bind(10, f.where.date);
        occ.bind(11, static_cast<int64_t>(o.seq)).run();
        det.bind(1, f.fingerprint).bind(2, f.where.blob).bind(3, static_cast<int64_t>(f.line));
        det.bind(4, static_cast<int64_t>(f.column)).bind(5, encode_finding(f, store_secrets_)).run();
      }
      for (auto& bl : b.blobs) blob.bind_blob(1, oid_bytes(bl.id)).bind(2, static_cast<int64_t>(bl.findings)).run();
      commit();
    } catch (...) {
      rollback();
      throw;
    }
  }

  uint64_t scanned_blob_count() override {
    Stmt s(db_, "SELECT COUNT(*) FROM blobs", file_);
    s.step();
    return static_cast<uint64_t>(s.integer(0));
  }

  uint64_t count_occurrences(const OccurrenceFilter& fl) override {
    std::vector<std::string> args;
    // Without a rule or triage filter, the places of the repositories are counted from the
    // table and the commit index alone, without the joins that cost as much as reading the
    // rows (a fork's shared history is thousands of them).
    std::string sql = "SELECT COUNT(*) " + selected(fl, args);
    if (fl.rules.empty() && fl.statuses.empty()) {
      args.clear();
      std::string repos = repositories_cond(fl, args);
      sql = "SELECT (SELECT COUNT(*) FROM occurrences o WHERE " +
            (repos.empty() ? std::string("1") : "o.repository IN " + repos) +
            ") + (SELECT COUNT(*) FROM shared_commits s JOIN occurrences o ON o.commit_id=s.commit_id AND "
            "o.repository<>s.repository WHERE " +
            (repos.empty() ? std::string("1") : "s.repository IN " + repos) + ")";
    }
    Stmt s(db_, sql, file_);
    for (size_t i = 0; i < args.size(); ++i) s.bind(static_cast<int>(i + 1), args[i]);
    return s.step() ? static_cast<uint64_t>(s.integer(0)) : 0;
  }

  // The rows are read unsorted and without joins, then sorted here: an audit of forks reads
  // thousands of rows whose sort in SQL (every text column through a temporary b-tree) and
  // per-row lookups of repository, finding and triage cost three times the reading. What a
  // fingerprint's rule, stored secret and triage status are is asked once per fingerprint.
  using Datastore::each_occurrence;
  void each_occurrence(const OccurrenceFilter& fl, const std::function<void(StoredOccurrence&)>& each,
                       const std::function<void(uint64_t)>& expect) override {
    std::vector<std::string> args;
    const std::string repo_cond = repositories_cond(fl, args);
    auto bind_args = [&](Stmt& st) {
      for (size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i + 1), args[i]);
    };
    // The selected repositories: id -> identity, and each one's rank in identity order.
    std::unordered_map<int64_t, size_t> rank;
    std::vector<std::string> identities;
    {
      Stmt r(db_, "SELECT id, identity FROM repositories" + (repo_cond.empty() ? "" : " WHERE id IN " + repo_cond) +
                      " ORDER BY identity", file_);
      bind_args(r);
      while (r.step()) {
        rank.emplace(r.integer(0), identities.size());
        identities.push_back(r.text(1));
      }
    }
    struct Row {
      size_t rank;
      int64_t seq, line, col;
      std::string fp, blob, commit, path, author, email, date;
    };
    std::vector<Row> rows;
    {
      Stmt s(db_, occurrence_rows(repo_cond.empty() ? "1" : "o.repository IN " + repo_cond,
                                  repo_cond.empty() ? "1" : "s.repository IN " + repo_cond), file_);
      bind_args(s);
      while (s.step()) {
        auto rk = rank.find(s.integer(0));
        if (rk == rank.end()) continue;
        rows.push_back({rk->second, s.integer(10), s.integer(5), s.integer(6), s.text(1), s.text(2), s.text(3),
                        s.text(4), s.text(7), s.text(8), s.text(9)});
      }
    }
    if (expect) expect(rows.size());
    // Report order: by repository, then as its plan met them (seq), ties by place.
    std::vector<uint32_t> order(rows.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
    std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
      const Row& a = rows[x];
      const Row& b = rows[y];
      return std::tie(a.rank, a.seq, a.fp, a.blob, a.commit, a.path, a.line, a.col) <
             std::tie(b.rank, b.seq, b.fp, b.blob, b.commit, b.path, b.line, b.col);
    });
    // Per fingerprint: its rule and stored secret (findings), its triage status, and whether
    // the filter keeps it.
    struct FpInfo {
      bool keep = false;
      std::optional<std::string> secret;
      std::string status;
    };
    std::unordered_map<std::string, FpInfo> fps;
    Stmt fnd(db_, "SELECT f.rule_id, f.secret, COALESCE(t.status, '') FROM findings f LEFT JOIN triage t ON "
                  "t.fingerprint=f.fingerprint WHERE f.fingerprint=?", file_);
    Stmt det(db_, "SELECT detail FROM details WHERE fingerprint=? AND blob=? AND line=? AND col=?", file_);
    std::unordered_map<std::string, std::optional<Finding>> details;  // fingerprint, blob, line, col
    // Which rows are kept: with first_only the first per (repository, fingerprint), known by the
    // repository's rank and the fingerprint's entry above; else each place once.
    struct FirstHash {
      size_t operator()(const std::pair<size_t, const FpInfo*>& k) const {
        return std::hash<const void*>{}(k.second) * 31 + k.first;
      }
    };
    std::unordered_set<std::pair<size_t, const FpInfo*>, FirstHash> firsts;
    OccurrenceSeen seen(false);
    std::string key;  // reused: a report reads thousands of rows
    for (uint32_t i : order) {
      Row& row = rows[i];
      const std::string& repository = identities[row.rank];
      auto fi = fps.find(row.fp);
      if (fi == fps.end()) {
        FpInfo info;
        fnd.bind(1, row.fp);
        if (fnd.step()) {  // an occurrence's finding is written with it: never missing
          std::string rule = fnd.text(0), status = fnd.text(2);
          if (!fnd.is_null(1)) info.secret = fnd.text(1);
          const std::string& shown = status.empty() ? std::string("open") : status;
          info.keep = (fl.rules.empty() || std::find(fl.rules.begin(), fl.rules.end(), rule) != fl.rules.end()) &&
                      (fl.statuses.empty() ||
                       std::find(fl.statuses.begin(), fl.statuses.end(), shown) != fl.statuses.end());
          info.status = std::move(status);
        }
        fnd.reset();
        fi = fps.emplace(row.fp, std::move(info)).first;
      }
      if (!fi->second.keep) continue;
      if (fl.first_only ? !firsts.emplace(row.rank, &fi->second).second
                        : !seen.first(repository, row.fp, row.blob, row.commit, row.path, row.line, row.col))
        continue;
      key.assign(row.fp);
      key += '\0';
      key += row.blob;
      key += '\0';
      key += std::to_string(row.line);
      key += '\0';
      key += std::to_string(row.col);
      auto d = details.find(key);
      if (d == details.end()) {
        det.bind(1, row.fp).bind(2, row.blob).bind(3, row.line).bind(4, row.col);
        std::optional<Finding> f;
        if (det.step()) f = decode_finding(det.text(0));
        det.reset();
        d = details.emplace(key, std::move(f)).first;
      }
      if (!d->second) continue;  // never without its details (one transaction writes both)
      StoredOccurrence so;
      so.repository = repository;
      so.finding = *d->second;
      so.finding.fingerprint = std::move(row.fp);
      so.finding.where.blob = std::move(row.blob);
      so.finding.where.commit = std::move(row.commit);
      so.finding.where.path = std::move(row.path);
      so.finding.where.author = std::move(row.author);
      so.finding.where.email = std::move(row.email);
      so.finding.where.date = std::move(row.date);
      so.seq = static_cast<uint64_t>(row.seq);
      if (fi->second.secret) {
        so.finding.secret = *fi->second.secret;
        so.secret_stored = true;
      }
      so.triage_status = fi->second.status;
      each(so);
    }
  }

  void set_triage(const TriageRecord& t) override {
    Stmt s(db_, "INSERT OR REPLACE INTO triage(fingerprint, status, comment, who, at) VALUES(?, ?, ?, ?, ?)", file_);
    s.bind(1, t.fingerprint).bind(2, t.status).bind(3, t.comment).bind(4, t.who).bind(5, t.at).run();
  }
  std::vector<TriageRecord> triage() override {
    Stmt s(db_, "SELECT fingerprint, status, comment, who, at FROM triage ORDER BY fingerprint", file_);
    std::vector<TriageRecord> out;
    while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4)});
    return out;
  }
  bool has_finding(const std::string& fp) override {
    Stmt s(db_, "SELECT 1 FROM occurrences WHERE fingerprint=? LIMIT 1", file_);
    s.bind(1, fp);
    return s.step();
  }

  // Adds the datastore at `in` (a SQLite file, already migrated) to this one in one
  // transaction, as if this process had also written what that one did.
  void merge_from(const std::string& in) {
    Stmt att(db_, "ATTACH DATABASE ? AS src", file_);
    att.bind(1, in).run();
    exec("BEGIN IMMEDIATE");
    try {
      // The first input's hash key, when this datastore holds nothing yet.
      {
        Stmt any(db_, "SELECT COUNT(*) FROM repositories", file_);
        any.step();
        if (any.integer(0) == 0) {
          exec("UPDATE meta SET value=(SELECT value FROM src.meta WHERE key='hmac_key') WHERE key='hmac_key' AND "
               "EXISTS (SELECT 1 FROM src.meta WHERE key='hmac_key')");
        }
      }
      // A repository several inputs hold (blob shards) is as bad as its worst: failed, then
      // pending (a task did not finish), then done.
      const char* rank = "(CASE %s WHEN 'failed' THEN 2 WHEN 'pending' THEN 1 ELSE 0 END)";
      auto r = [&](const char* col) {
        char buf[128];
        std::snprintf(buf, sizeof buf, rank, col);
        return std::string(buf);
      };
      exec("INSERT INTO repositories(identity, source, refs, status, error, scanned_at) SELECT identity, source, "
           "refs, status, error, scanned_at FROM src.repositories WHERE true ON CONFLICT(identity) DO UPDATE SET "
           "status=CASE WHEN " + r("excluded.status") + ">" + r("repositories.status") +
           " THEN excluded.status ELSE repositories.status END, error=CASE WHEN " + r("excluded.status") + ">" +
           r("repositories.status") + " THEN excluded.error ELSE repositories.error END, "
           "refs=CASE WHEN repositories.refs='' THEN excluded.refs ELSE repositories.refs END, "
           "scanned_at=MAX(repositories.scanned_at, excluded.scanned_at)");
      exec("INSERT OR IGNORE INTO blobs(oid, findings) SELECT oid, findings FROM src.blobs");
      exec("INSERT INTO findings(fingerprint, rule_id, secret_hmac, redacted, secret) SELECT fingerprint, rule_id, "
           "secret_hmac, redacted, secret FROM src.findings WHERE true ON CONFLICT(fingerprint) DO UPDATE SET "
           "secret=COALESCE(findings.secret, excluded.secret)");
      exec("INSERT OR IGNORE INTO details(fingerprint, blob, line, col, detail) SELECT fingerprint, blob, line, col, "
           "detail FROM src.details");
      exec("INSERT OR IGNORE INTO occurrences(repository, fingerprint, blob, commit_id, path, line, col, author, "
           "email, date, seq) SELECT r.id, o.fingerprint, o.blob, o.commit_id, o.path, o.line, o.col, "
           "o.author, o.email, o.date, o.seq FROM src.occurrences o JOIN src.repositories sr ON sr.id=o.repository "
           "JOIN main.repositories r ON r.identity=sr.identity");
      exec("INSERT OR IGNORE INTO shared_commits(repository, commit_id) SELECT r.id, s.commit_id FROM "
           "src.shared_commits s JOIN src.repositories sr ON sr.id=s.repository JOIN main.repositories r ON "
           "r.identity=sr.identity");
      exec("INSERT OR IGNORE INTO commits(id) SELECT id FROM src.commits");
      // The later review of a finding wins.
      exec("INSERT INTO triage(fingerprint, status, comment, who, at) SELECT fingerprint, status, comment, who, at "
           "FROM src.triage WHERE true ON CONFLICT(fingerprint) DO UPDATE SET status=excluded.status, "
           "comment=excluded.comment, who=excluded.who, at=excluded.at WHERE excluded.at > triage.at");
      exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      sqlite3_exec(db_, "DETACH DATABASE src", nullptr, nullptr, nullptr);
      throw;
    }
    exec("DETACH DATABASE src");
    load_key();
  }

  std::string canonical_dump() override {
    std::ostringstream os;
    auto table = [&](const char* name, const std::string& sql, int cols) {
      os << "[" << name << "]\n";
      Stmt s(db_, sql, file_);
      while (s.step()) {
        for (int i = 0; i < cols; ++i) os << (i ? "\t" : "") << s.text(i);
        os << "\n";
      }
    };
    table("repositories", "SELECT identity, source, refs, status, error FROM repositories ORDER BY identity", 5);
    table("blobs", "SELECT lower(hex(oid)), findings FROM blobs ORDER BY oid", 2);
    table("findings",
          "SELECT fingerprint, rule_id, redacted, secret IS NOT NULL FROM findings ORDER BY fingerprint", 4);
    table("occurrences",
          "SELECT r.identity, o.fingerprint, o.blob, o.commit_id, o.path, o.line, o.col, o.author, o.email, o.date, "
          "o.seq FROM occurrences o JOIN repositories r ON r.id=o.repository "
          "ORDER BY r.identity, o.fingerprint, o.blob, o.commit_id, o.path, o.line, o.col",
          11);
    table("shared_commits",
          "SELECT r.identity, s.commit_id FROM shared_commits s JOIN repositories r ON r.id=s.repository "
          "ORDER BY r.identity, s.commit_id",
          2);
    table("details", "SELECT fingerprint, blob, line, col, detail FROM details ORDER BY fingerprint, blob, line, col", 5);
    table("commits", "SELECT lower(hex(id)) FROM commits ORDER BY id", 1);
    table("triage", "SELECT fingerprint, status, comment, who FROM triage ORDER BY fingerprint", 4);
    return os.str();
  }

 private:
  // The file is made 0600 before SQLite sees it (SQLite gives its -wal and -shm files the
  // database's mode), never through a symlink.
  static void create_private(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
      ::close(fd);
      return;
    }
    if (errno == EEXIST) {
      struct stat st{};
      if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode))
        throw std::runtime_error("datastore " + path + ": is a symlink; refusing to write through it");
      return;
    }
    throw std::runtime_error("datastore " + path + ": cannot create: " + std::strerror(errno));
  }

  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : sqlite3_errmsg(db_);
      sqlite3_free(err);
      throw std::runtime_error("datastore " + file_ + ": " + msg);
    }
  }

  int schema_version() {
    Stmt t(db_, "SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='schema_version'", file_);
    t.step();
    if (t.integer(0) == 0) {
      Stmt any(db_, "SELECT COUNT(*) FROM sqlite_master", file_);
      any.step();
      if (any.integer(0) != 0) throw std::runtime_error("datastore " + file_ + ": not a keyhound datastore");
      return 0;
    }
    Stmt v(db_, "SELECT version FROM schema_version", file_);
    return v.step() ? static_cast<int>(v.integer(0)) : 0;
  }

  void migrate() {
    exec("BEGIN IMMEDIATE");
    try {
      int v = schema_version();
      if (v > kVersion)
        throw std::runtime_error("datastore " + file_ + ": schema version " + std::to_string(v) +
                                 " is newer than this keyhound understands (" + std::to_string(kVersion) + ")");
      if (v == 0) exec("CREATE TABLE schema_version(version INTEGER NOT NULL); INSERT INTO schema_version VALUES(0)");
      for (; v < kVersion; ++v) {
        exec(kMigrations[v]);
        exec("UPDATE schema_version SET version=" + std::to_string(v + 1));
      }
      exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }

  // The per-datastore hash key: 32 random bytes made with the datastore, so a hash in one
  // datastore says nothing about a secret in another.
  void load_key() {
    Stmt s(db_, "SELECT value FROM meta WHERE key='hmac_key'", file_);
    if (s.step()) {
      key_ = s.text(0);
      return;
    }
    std::ifstream ur("/dev/urandom", std::ios::binary);
    std::string raw(32, '\0');
    if (!ur.read(raw.data(), raw.size())) throw std::runtime_error("datastore " + file_ + ": cannot read /dev/urandom");
    key_ = hex_encode(raw);
    Stmt ins(db_, "INSERT OR IGNORE INTO meta(key, value) VALUES('hmac_key', ?)", file_);
    ins.bind(1, key_).run();
    Stmt again(db_, "SELECT value FROM meta WHERE key='hmac_key'", file_);  // another process may have won
    again.step();
    key_ = again.text(0);
  }

  // The ids of the repositories `fl` names by identity or source, as a subquery ("" for all);
  // the values to bind appended to `args`. IN lists, not a chain of ORs: an audit reads back
  // hundreds of repositories, and SQLite refuses expressions deeper than 1,000.
  static std::string repositories_cond(const OccurrenceFilter& fl, std::vector<std::string>& args) {
    if (fl.repositories.empty()) return "";
    std::string list;
    for (auto& r : fl.repositories) {
      args.push_back(r);
      list += (list.empty() ? "?" : ",?") + std::to_string(args.size());
    }
    return "(SELECT id FROM repositories WHERE identity IN (" + list + ") OR source IN (" + list + "))";
  }

  // "FROM ... WHERE ..." of the occurrences `fl` selects (every place: first_only is the
  // reader's), as o (occurrence_rows), r (its repository), f (its finding) and t (its triage);
  // the values to bind in `args` (?1, ?2...).
  static std::string selected(const OccurrenceFilter& fl, std::vector<std::string>& args) {
    std::string repo_cond = repositories_cond(fl, args);
    std::string sql = "FROM (" +
                      occurrence_rows(repo_cond.empty() ? "1" : "o.repository IN " + repo_cond,
                                      repo_cond.empty() ? "1" : "s.repository IN " + repo_cond) +
                      ") o JOIN repositories r ON r.id=o.repository JOIN findings f ON f.fingerprint=o.fingerprint "
                      "LEFT JOIN triage t ON t.fingerprint=o.fingerprint WHERE 1";
    auto in_list = [&](const std::string& expr, const std::vector<std::string>& vals) {
      if (vals.empty()) return;
      sql += " AND " + expr + " IN (";
      for (size_t i = 0; i < vals.size(); ++i) {
        args.push_back(vals[i]);
        sql += (i ? ",?" : "?") + std::to_string(args.size());
      }
      sql += ")";
    };
    in_list("f.rule_id", fl.rules);
    in_list("COALESCE(NULLIF(t.status, ''), 'open')", fl.statuses);
    return sql;
  }

  // One write transaction, or a part of the one hold() keeps open.
  void begin() {
    if (!held_) cached("BEGIN IMMEDIATE").run();
  }
  void commit() {
    if (!held_) cached("COMMIT").run();
  }
  // Undoes the whole transaction, a held one too (what it held is written again next run).
  void rollback() {
    held_ = false;
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

  using Reset = Stmt::Reset;
  // The statement for `sql`, prepared on first use: an audit runs the same few statements for
  // every repository, and preparing one costs as much as running it (~100k instructions).
  Stmt& cached(const std::string& sql) {
    auto& st = cache_[sql];
    if (!st) st = std::make_unique<Stmt>(db_, sql, file_);
    return *st;
  }

  int64_t repo_id(const std::string& identity) {
    Stmt& s = cached("SELECT id FROM repositories WHERE identity=?");
    Reset s_done{s};
    s.bind(1, identity);
    if (!s.step()) throw std::runtime_error("datastore " + file_ + ": unknown repository " + identity);
    return s.integer(0);
  }

  static RepositoryRecord repo_row(Stmt& s) {
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5)};
  }

  std::string file_;
  sqlite3* db_ = nullptr;
  std::string key_;
  bool store_secrets_ = false;
  bool held_ = false;  // hold(): one transaction open across calls
  // commits_with_occurrences(): the highest seq at each commit it gave, for that repository
  std::unordered_map<std::string, int64_t> top_seq_;
  std::string top_seq_for_;
  std::unique_ptr<Stmt> known_stmt_;
  std::unordered_map<std::string, std::unique_ptr<Stmt>> cache_;
};

}  // namespace

int sqlite_schema_version() { return kVersion; }

void merge_sqlite_datastores(const std::string& out, const std::vector<std::string>& inputs) {
  std::error_code ec;
  for (auto& in : inputs) {
    if (!std::filesystem::is_regular_file(in, ec))
      throw std::runtime_error("datastore " + in + ": no such file");
    if (std::filesystem::exists(out, ec) && std::filesystem::equivalent(in, out, ec))
      throw std::runtime_error("datastore merge: " + in + " is the output");
  }
  SqliteDatastore dst(out);
  for (auto& in : inputs) {
    { SqliteDatastore migrated(in); }  // an older input is brought to this schema first
    dst.merge_from(in);
  }
}

std::unique_ptr<Datastore> open_sqlite_datastore(const std::string& path) {
  return std::make_unique<SqliteDatastore>(path);
}

const std::vector<std::string>& triage_statuses() {
  static const std::vector<std::string> s{"open", "false-positive", "accepted", "revoked"};
  return s;
}

}  // namespace keyhound
