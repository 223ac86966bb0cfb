#include "datastore/postgres_datastore.h"

#include <dlfcn.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "datastore/occurrence_sql.h"
#include "base/utc_time.h"
#include "base/hex.h"
#include "base/redact.h"
#include "datastore/finding_codec.h"

namespace keyhound {

namespace {

// The SQLite schema in PostgreSQL words. Text sorts bytewise (COLLATE "C") so canonical dumps
// and report order equal the SQLite datastore's whatever the database's locale.
const char* const kMigrations[] = {
    // 1: the SQLite schema's versions 1 and 2, plus the blob claims of concurrent writers.
    R"sql(
CREATE TABLE meta(key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE repositories(
  id BIGSERIAL PRIMARY KEY,
  identity TEXT COLLATE "C" NOT NULL UNIQUE,
  source TEXT COLLATE "C" NOT NULL,
  refs TEXT COLLATE "C" NOT NULL DEFAULT '',
  status TEXT COLLATE "C" NOT NULL DEFAULT 'pending',
  error TEXT COLLATE "C" NOT NULL DEFAULT '',
  scanned_at TEXT COLLATE "C" NOT NULL DEFAULT '');
CREATE TABLE blobs(oid BYTEA PRIMARY KEY, findings INTEGER NOT NULL);
CREATE TABLE findings(
  fingerprint TEXT COLLATE "C" PRIMARY KEY,
  rule_id TEXT COLLATE "C" NOT NULL,
  secret_hmac TEXT COLLATE "C" NOT NULL,
  redacted TEXT COLLATE "C" NOT NULL,
  secret TEXT COLLATE "C");
CREATE INDEX findings_hmac ON findings(secret_hmac);
CREATE TABLE occurrences(
  repository BIGINT NOT NULL REFERENCES repositories(id),
  fingerprint TEXT COLLATE "C" NOT NULL REFERENCES findings(fingerprint),
  blob TEXT COLLATE "C" NOT NULL,
  commit_id TEXT COLLATE "C" NOT NULL,
  path TEXT COLLATE "C" NOT NULL,
  line BIGINT NOT NULL,
  col BIGINT NOT NULL,
  author TEXT COLLATE "C" NOT NULL,
  email TEXT COLLATE "C" NOT NULL,
  date TEXT COLLATE "C" NOT NULL,
  seq BIGINT NOT NULL,
  adopted INTEGER NOT NULL DEFAULT 0,  -- 1: copied from another repository (until version 2)
  PRIMARY KEY(repository, fingerprint, blob, commit_id, path, line, col));
CREATE TABLE details(
  fingerprint TEXT COLLATE "C" NOT NULL,
  blob TEXT COLLATE "C" NOT NULL,
  line BIGINT NOT NULL,
  col BIGINT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY(fingerprint, blob, line, col));
CREATE INDEX occurrences_fingerprint ON occurrences(fingerprint);
CREATE INDEX occurrences_commit ON occurrences(commit_id);
CREATE TABLE triage(
  fingerprint TEXT COLLATE "C" PRIMARY KEY,
  status TEXT COLLATE "C" NOT NULL,
  comment TEXT COLLATE "C" NOT NULL DEFAULT '',
  who TEXT COLLATE "C" NOT NULL DEFAULT '',
  at TEXT COLLATE "C" NOT NULL DEFAULT '');
CREATE TABLE commits(id BYTEA PRIMARY KEY);
-- A blob being scanned: by whom, until when. Taken over once expired (its task died).
-- scope: '' for a first scan, else the repository a blob with findings is scanned again for.
CREATE TABLE claims(oid BYTEA NOT NULL, scope TEXT NOT NULL, owner TEXT NOT NULL, expires TIMESTAMPTZ NOT NULL,
  PRIMARY KEY(oid, scope));
)sql",
    // 2: the SQLite schema's version 3: shared history is linked, not copied.
    R"sql(
CREATE TABLE shared_commits(
  repository BIGINT NOT NULL REFERENCES repositories(id),
  commit_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY(repository, commit_id));
INSERT INTO shared_commits(repository, commit_id)
  SELECT DISTINCT repository, commit_id FROM occurrences WHERE adopted=1 ON CONFLICT DO NOTHING;
DELETE FROM occurrences WHERE adopted=1;
ALTER TABLE occurrences DROP COLUMN adopted;
)sql",
};
constexpr int kVersion = sizeof kMigrations / sizeof kMigrations[0];
// Serialises schema creation between tasks starting at once (pg_advisory_xact_lock key).
constexpr const char* kSchemaLock = "4242170001";

// libpq is loaded when a postgresql:// datastore is first opened, not when keyhound starts:
// with the TLS, LDAP and Kerberos libraries it brings it would slow every run's start-up, and
// only audits into PostgreSQL use it. The headers still come from libpq-dev.
#ifndef KEYHOUND_LIBPQ_SONAME
#define KEYHOUND_LIBPQ_SONAME "libpq.so.5"
#endif
struct Pq {
#define KEYHOUND_PQ_FUNCTIONS(X)                                                                              \
  X(connectdb) X(status) X(errorMessage) X(finish) X(setNoticeProcessor) X(exec) X(execParams) X(resultStatus) \
  X(resultErrorField) X(resultErrorMessage) X(clear) X(ntuples) X(nfields) X(getvalue) X(getlength) X(getisnull)
#define KEYHOUND_PQ_MEMBER(f) decltype(&::PQ##f) f = nullptr;
  KEYHOUND_PQ_FUNCTIONS(KEYHOUND_PQ_MEMBER)
#undef KEYHOUND_PQ_MEMBER
  std::string error;  // why libpq could not be loaded ("" when it was)
};

const Pq& pq() {
  static Pq p;
  static std::once_flag once;
  std::call_once(once, [] {
    const char* name = KEYHOUND_LIBPQ_SONAME;
    void* h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      const char* e = dlerror();
      p.error = std::string("cannot load ") + name + " (install libpq5): " + (e ? e : "unknown error");
      return;
    }
    bool ok = true;
#define KEYHOUND_PQ_LOAD(f)                                                  \
  p.f = reinterpret_cast<decltype(p.f)>(dlsym(h, "PQ" #f));                 \
  if (!p.f) ok = false;
    KEYHOUND_PQ_FUNCTIONS(KEYHOUND_PQ_LOAD)
#undef KEYHOUND_PQ_LOAD
    if (!ok) p.error = std::string(name) + " lacks a function keyhound needs";
  });
  return p;
}

std::string now_utc() { return utc_now_text(); }

std::string first_line(const char* msg) {
  std::string s = msg ? msg : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  size_t nl = s.find('\n');
  if (nl != std::string::npos) s = s.substr(0, nl);
  return s;
}

// A deadlock or serialization failure: the transaction is run again.
struct Retry : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Result {
 public:
  explicit Result(PGresult* r) : r_(r) {}
  ~Result() { pq().clear(r_); }
  Result(Result&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  int rows() const { return pq().ntuples(r_); }
  int cols() const { return pq().nfields(r_); }
  std::string text(int row, int col) const { return std::string(pq().getvalue(r_, row, col), pq().getlength(r_, row, col)); }
  bool is_null(int row, int col) const { return pq().getisnull(r_, row, col); }
  int64_t integer(int row, int col) const { return std::stoll(text(row, col)); }

 private:
  PGresult* r_;
};

// Comma-joined hex ids: one text parameter that SQL turns into a set of bytea
// (unnest(string_to_array($1, ','))), instead of a round trip per id.
std::string joined(const std::vector<std::string>& ids, size_t from, size_t n) {
  std::string s;
  s.reserve(n * 41);
  for (size_t i = from; i < from + n; ++i) {
    if (i > from) s += ',';
    s += ids[i];
  }
  return s;
}

constexpr size_t kChunk = 2000;

// Columns of rows as PostgreSQL array literals ({"a","b\\"c",NULL}): a batch of rows is one
// parameter per column, unnest()ed by the statement.
class Columns {
 public:
  explicit Columns(size_t n) : cols_(n), empty_(n, true) {}
  // Appends one row's leading values (the rest via add_nullable).
  void add(std::initializer_list<std::string> values) {
    size_t i = 0;
    for (auto& v : values) quote(open(i++), v);
  }
  void add_nullable(size_t i, const std::string* v) {
    if (v) quote(open(i), *v);
    else open(i) += "NULL";
  }
  std::vector<std::string> arrays() const {
    std::vector<std::string> out;
    for (auto& c : cols_) out.push_back("{" + c + "}");
    return out;
  }

 private:
  static void quote(std::string& c, const std::string& v) {
    c += '"';
    for (char ch : v) {
      if (ch == '"' || ch == '\\') c += '\\';
      c += ch;
    }
    c += '"';
  }
  std::string& open(size_t i) {
    if (!empty_[i]) cols_[i] += ',';
    empty_[i] = false;
    return cols_[i];
  }
  std::vector<std::string> cols_;
  std::vector<bool> empty_;
};

class PostgresDatastore : public Datastore {
 public:
  explicit PostgresDatastore(const std::string& url) : name_(redact_datastore_url(url)) {
    if (!pq().error.empty()) throw std::runtime_error("datastore " + name_ + ": " + pq().error);
    conn_ = pq().connectdb(url.c_str());
    if (!conn_ || pq().status(conn_) != CONNECTION_OK) {
      std::string msg = conn_ ? first_line(pq().errorMessage(conn_)) : "out of memory";
      pq().finish(conn_);
      throw std::runtime_error("datastore " + name_ + ": cannot connect: " + msg);
    }
    // CREATE ... IF NOT EXISTS and friends talk on stderr otherwise.
    pq().setNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
    char host[256] = "host";
    gethostname(host, sizeof host - 1);
    std::random_device rd;
    owner_ = std::string(host) + ":" + std::to_string(getpid()) + ":" + std::to_string(rd());
    try {
      exec("SET client_min_messages=warning");
      // The SQLite datastore's synchronous=NORMAL: a server crash may lose the last commits
      // (never a part of one, never out of order), which the next run scans again; every commit
      // no longer waits for its own disk flush.
      exec("SET synchronous_commit=off");
      migrate();
      load_key();
    } catch (...) {
      pq().finish(conn_);
      throw;
    }
  }
  ~PostgresDatastore() override { pq().finish(conn_); }

  bool stores_secrets() const override { return store_secrets_; }
  void set_store_secrets(bool on) override { store_secrets_ = on; }

  std::optional<RepositoryRecord> repository(const std::string& identity) override {
    Result r = query("SELECT identity, source, refs, status, error, scanned_at FROM repositories WHERE identity=$1",
                     {identity});
    if (!r.rows()) return std::nullopt;
    return repo_row(r, 0);
  }
  std::vector<RepositoryRecord> repositories() override {
    Result r = query("SELECT identity, source, refs, status, error, scanned_at FROM repositories ORDER BY identity");
    std::vector<RepositoryRecord> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(repo_row(r, i));
    return out;
  }
  void start_repository(const std::string& identity, const std::string& source) override {
    query("INSERT INTO repositories(identity, source, status) VALUES($1, $2, 'pending') "
          "ON CONFLICT(identity) DO UPDATE SET status='pending', source=excluded.source",
          {identity, source});
  }
  void finish_repository(const std::string& identity, const std::string& status, const std::string& refs,
                         const std::string& error, const std::vector<std::string>& commits) override {
    transaction([&] {
      if (status == "done") {
        std::vector<std::string> sorted = commits;
        std::sort(sorted.begin(), sorted.end());
        for (size_t at = 0; at < sorted.size(); at += kChunk)
          query("INSERT INTO commits(id) SELECT DISTINCT decode(x, 'hex') FROM unnest(string_to_array($1, ',')) x "
                "ORDER BY 1 ON CONFLICT DO NOTHING",
                {joined(sorted, at, std::min(kChunk, sorted.size() - at))});
        query("UPDATE repositories SET status=$1, refs=$2, error=$3, scanned_at=$4 WHERE identity=$5",
              {status, refs, error, now_utc(), identity});
      } else {
        // A failed run keeps the refs of the last good one: the next run scans what changed since.
        query("UPDATE repositories SET status=$1, error=$2, scanned_at=$3 WHERE identity=$4",
              {status, error, now_utc(), identity});
      }
    });
  }

  bool commit_known(const std::string& id) override {
    return query("SELECT 1 FROM commits WHERE id=decode($1, 'hex')", {id}).rows() > 0;
  }

  bool any_commit_known() override { return query("SELECT 1 FROM commits LIMIT 1").rows() > 0; }

  std::vector<std::string> commits_with_occurrences(const std::string& identity) override {
    Result r = query(
        "SELECT DISTINCT commit_id FROM occurrences WHERE repository<>"
        "(SELECT COALESCE(MAX(id), -1) FROM repositories WHERE identity=$1)",
        {identity});
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
    return out;
  }

  uint64_t share_commits(const std::string& identity, const std::vector<std::string>& commits) override {
    int64_t max_seq = -1;
    std::vector<std::string> sorted = commits;
    std::sort(sorted.begin(), sorted.end());
    transaction([&] {
      std::string repo = repo_id(identity);
      for (size_t at = 0; at < sorted.size(); at += kChunk)
        query("INSERT INTO shared_commits(repository, commit_id) SELECT $1::bigint, x FROM "
              "unnest(string_to_array($2, ',')) x ORDER BY 2 ON CONFLICT DO NOTHING",
              {repo, joined(sorted, at, std::min(kChunk, sorted.size() - at))});
      // Where this repository's own occurrences start: after every one it now shares.
      Result top = query(shared_max_seq("$1::bigint"), {repo});
      max_seq = top.rows() && !top.is_null(0, 0) ? top.integer(0, 0) : -1;
    });
    return static_cast<uint64_t>(max_seq + 1);
  }

  std::vector<int64_t> blob_states(const std::vector<std::string>& ids) override {
    std::vector<int64_t> out(ids.size(), -1);
    for (size_t at = 0; at < ids.size(); at += kChunk) {
      size_t n = std::min(kChunk, ids.size() - at);
      Result r = query("SELECT x.i, b.findings FROM unnest(string_to_array($1, ',')) WITH ORDINALITY AS x(h, i) "
                       "JOIN blobs b ON b.oid=decode(x.h, 'hex')",
                       {joined(ids, at, n)});
      for (int k = 0; k < r.rows(); ++k) out[at + static_cast<size_t>(r.integer(k, 0)) - 1] = r.integer(k, 1);
    }
    return out;
  }

  std::vector<std::string> blobs_with_occurrences(const std::string& identity) override {
    Result r = query("SELECT DISTINCT blob FROM (" + occurrence_rows(repo_is_param1("o"), repo_is_param1("s")) + ") x",
                     {identity});
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back(r.text(i, 0));
    return out;
  }

  std::vector<std::string> claim_blobs(const std::vector<std::string>& ids, const std::string& repository,
                                       int ttl_seconds) override {
    std::vector<std::string> sorted = ids;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    std::vector<std::string> got;
    for (size_t at = 0; at < sorted.size(); at += kChunk) {
      // Ours when free, expired (its task died) or already ours.
      Result r = query(
          "INSERT INTO claims(oid, scope, owner, expires) SELECT decode(x, 'hex'), $2, $3, now() + $4::int * "
          "interval '1 second' FROM unnest(string_to_array($1, ',')) x ORDER BY 1 ON CONFLICT(oid, scope) DO UPDATE "
          "SET owner=excluded.owner, expires=excluded.expires WHERE claims.expires < now() OR "
          "claims.owner=excluded.owner RETURNING encode(oid, 'hex')",
          {joined(sorted, at, std::min(kChunk, sorted.size() - at)), repository, owner_, std::to_string(ttl_seconds)});
      for (int i = 0; i < r.rows(); ++i) got.push_back(r.text(i, 0));
    }
    // A task that recorded the blob and released its claim before ours: it is scanned (for
    // this repository), not ours to scan again.
    std::set<std::string> done;
    if (repository.empty()) {
      auto states = blob_states(got);
      for (size_t i = 0; i < got.size(); ++i)
        if (states[i] >= 0) done.insert(got[i]);
    } else {
      for (size_t at = 0; at < got.size(); at += kChunk) {
        Result r = query("SELECT DISTINCT blob FROM (" + occurrence_rows(repo_is_param1("o"), repo_is_param1("s")) +
                             ") x WHERE blob = ANY(string_to_array($2, ','))",
                         {repository, joined(got, at, std::min(kChunk, got.size() - at))});
        for (int i = 0; i < r.rows(); ++i) done.insert(r.text(i, 0));
      }
    }
    std::vector<std::string> out, release;
    for (auto& id : got) (done.count(id) ? release : out).push_back(id);
    release_claims(release);
    return out;
  }

  void release_all_claims() override {
    try {
      query("DELETE FROM claims WHERE owner=$1", {owner_});
    } catch (const std::exception&) {
      // They expire.
    }
  }

  void record_batch(const ScanBatch& b) override {
    // Rows in key order, so two writers with overlapping batches take their locks in the same
    // order (no deadlock); a deadlock or serialization failure anyway runs the batch again.
    std::vector<const ScanBatch::Occurrence*> occ;
    for (auto& o : b.occurrences) occ.push_back(&o);
    std::sort(occ.begin(), occ.end(), [](auto* x, auto* y) {
      const Finding& a = x->finding;
      const Finding& c = y->finding;
      return std::tie(a.fingerprint, a.where.blob, a.where.commit, a.where.path, a.line, a.column) <
             std::tie(c.fingerprint, c.where.blob, c.where.commit, c.where.path, c.line, c.column);
    });
    std::vector<ScannedBlob> blobs = b.blobs;
    std::sort(blobs.begin(), blobs.end(), [](auto& x, auto& y) { return x.id < y.id; });
    // One statement per table and chunk (arrays of rows), not a round trip per row.
    std::vector<const ScanBatch::Occurrence*> firsts;  // one per fingerprint (ON CONFLICT DO UPDATE
    std::set<std::string> fps;                          // may not meet a row twice in a statement)
    for (auto* o : occ)
      if (fps.insert(o->finding.fingerprint).second) firsts.push_back(o);
    transaction([&] {
      std::string repo = repo_id(b.repository);
      for (size_t at = 0; at < firsts.size(); at += kChunk) {
        Columns c(5);
        for (size_t i = at; i < std::min(firsts.size(), at + kChunk); ++i) {
          const Finding& f = firsts[i]->finding;
          c.add({f.fingerprint, f.rule_id, secret_hmac(key_, f), redact(f.secret)});
          c.add_nullable(4, store_secrets_ && !f.secret.empty() ? &f.secret : nullptr);
        }
        query("INSERT INTO findings(fingerprint, rule_id, secret_hmac, redacted, secret) SELECT * FROM "
              "unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) ORDER BY 1 "
              "ON CONFLICT(fingerprint) DO UPDATE SET secret=COALESCE(findings.secret, excluded.secret) "
              "WHERE findings.secret IS NULL AND excluded.secret IS NOT NULL",
              c.arrays());
      }
      for (size_t at = 0; at < occ.size(); at += kChunk) {
        Columns d(5), o(10);
        for (size_t i = at; i < std::min(occ.size(), at + kChunk); ++i) {
          const Finding& f = occ[i]->finding;
          std::string line = std::to_string(f.line), col = std::to_string(f.column);
          d.add({f.fingerprint, f.where.blob, line, col, encode_finding(f, store_secrets_)});
          o.add({f.fingerprint, f.where.blob, f.where.commit, f.where.path, line, col, f.where.author, f.where.email,
                 f.where.date, std::to_string(occ[i]->seq)});
        }
        query("INSERT INTO details(fingerprint, blob, line, col, detail) SELECT f, b, l::bigint, c::bigint, d FROM "
              "unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS x(f, b, l, c, d) "
              "ORDER BY f, b, l::bigint, c::bigint ON CONFLICT DO NOTHING",
              d.arrays());
        std::vector<std::string> args = o.arrays();
        args.insert(args.begin(), repo);
        query("INSERT INTO occurrences(repository, fingerprint, blob, commit_id, path, line, col, author, email, "
              "date, seq) SELECT $1::bigint, f, b, k, p, l::bigint, c::bigint, a, e, d, s::bigint FROM "
              "unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], "
              "$9::text[], $10::text[], $11::text[]) AS x(f, b, k, p, l, c, a, e, d, s) "
              // A commit the repository shares holds its occurrences already (--rescan meets them again).
              "WHERE NOT EXISTS (SELECT 1 FROM shared_commits sc WHERE sc.repository=$1::bigint AND "
              "sc.commit_id=x.k) ORDER BY f, b, k, p, l::bigint, c::bigint ON CONFLICT DO NOTHING",
              args);
      }
      for (size_t at = 0; at < blobs.size(); at += kChunk) {
        size_t n = std::min(kChunk, blobs.size() - at);
        std::string ids, counts;
        for (size_t i = at; i < at + n; ++i) {
          ids += (i > at ? "," : "") + blobs[i].id;
          counts += (i > at ? "," : "") + std::to_string(blobs[i].findings);
        }
        query("INSERT INTO blobs(oid, findings) SELECT decode(x.h, 'hex'), x.n::int FROM "
              "unnest(string_to_array($1, ','), string_to_array($2, ',')) AS x(h, n) ON CONFLICT DO NOTHING",
              {ids, counts});
      }
      release_claims(b.claimed);
    });
  }

  uint64_t scanned_blob_count() override {
    return static_cast<uint64_t>(query("SELECT COUNT(*) FROM blobs").integer(0, 0));
  }

  uint64_t count_occurrences(const OccurrenceFilter& fl) override {
    std::vector<std::string> args;
    std::string sql = "SELECT COUNT(*) " + selected(fl, args);
    return static_cast<uint64_t>(query(sql, args).integer(0, 0));
  }

  using Datastore::each_occurrence;
  void each_occurrence(const OccurrenceFilter& fl, const std::function<void(StoredOccurrence&)>& each,
                       const std::function<void(uint64_t)>& expect) override {
    if (expect) expect(count_occurrences(fl));
    std::vector<std::string> args;
    std::string sql =
        "SELECT r.identity, o.fingerprint, o.blob, o.commit_id, o.path, o.author, o.email, o.date, o.seq, "
        "d.detail, f.secret, COALESCE(t.status, ''), o.line, o.col " +
        selected(fl, args) + " ORDER BY r.identity, o.seq, o.fingerprint, o.blob, o.commit_id, o.path, o.line, o.col";
    Result r = query(sql, args);
    OccurrenceSeen seen(fl.first_only);
    FindingDecoder decoder;
    for (int i = 0; i < r.rows(); ++i) {
      StoredOccurrence so;
      so.repository = r.text(i, 0);
      std::string fp = r.text(i, 1);
      if (!seen.first(so.repository, fp, r.text(i, 2), r.text(i, 3), r.text(i, 4), r.integer(i, 12), r.integer(i, 13)))
        continue;
      so.finding = decoder.decode(r.text(i, 9));
      so.finding.fingerprint = fp;
      so.finding.where.blob = r.text(i, 2);
      so.finding.where.commit = r.text(i, 3);
      so.finding.where.path = r.text(i, 4);
      so.finding.where.author = r.text(i, 5);
      so.finding.where.email = r.text(i, 6);
      so.finding.where.date = r.text(i, 7);
      so.seq = static_cast<uint64_t>(r.integer(i, 8));
      if (!r.is_null(i, 10)) {
        so.finding.secret = r.text(i, 10);
        so.secret_stored = true;
      }
      so.triage_status = r.text(i, 11);
      each(so);
    }
  }

  void set_triage(const TriageRecord& t) override {
    query("INSERT INTO triage(fingerprint, status, comment, who, at) VALUES($1, $2, $3, $4, $5) "
          "ON CONFLICT(fingerprint) DO UPDATE SET status=excluded.status, comment=excluded.comment, "
          "who=excluded.who, at=excluded.at",
          {t.fingerprint, t.status, t.comment, t.who, t.at});
  }
  std::vector<TriageRecord> triage() override {
    Result r = query("SELECT fingerprint, status, comment, who, at FROM triage ORDER BY fingerprint");
    std::vector<TriageRecord> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4)});
    return out;
  }
  bool has_finding(const std::string& fp) override {
    return query("SELECT 1 FROM occurrences WHERE fingerprint=$1 LIMIT 1", {fp}).rows() > 0;
  }

  // The SQLite datastore's text, byte for byte, for the same content.
  std::string canonical_dump() override {
    std::ostringstream os;
    auto table = [&](const char* name, const std::string& sql) {
      os << "[" << name << "]\n";
      Result r = query(sql);
      int cols = r.cols();
      for (int i = 0; i < r.rows(); ++i) {
        for (int c = 0; c < cols; ++c) os << (c ? "\t" : "") << r.text(i, c);
        os << "\n";
      }
    };
    table("repositories", "SELECT identity, source, refs, status, error FROM repositories ORDER BY identity");
    table("blobs", "SELECT encode(oid, 'hex'), findings FROM blobs ORDER BY oid");
    table("findings",
          "SELECT fingerprint, rule_id, redacted, CASE WHEN secret IS NULL THEN 0 ELSE 1 END FROM findings "
          "ORDER BY fingerprint");
    table("occurrences",
          "SELECT r.identity, o.fingerprint, o.blob, o.commit_id, o.path, o.line, o.col, o.author, o.email, o.date, "
          "o.seq FROM occurrences o JOIN repositories r ON r.id=o.repository "
          "ORDER BY r.identity, o.fingerprint, o.blob, o.commit_id, o.path, o.line, o.col");
    table("shared_commits",
          "SELECT r.identity, s.commit_id FROM shared_commits s JOIN repositories r ON r.id=s.repository "
          "ORDER BY r.identity, s.commit_id");
    table("details", "SELECT fingerprint, blob, line, col, detail FROM details ORDER BY fingerprint, blob, line, col");
    table("commits", "SELECT encode(id, 'hex') FROM commits ORDER BY id");
    table("triage", "SELECT fingerprint, status, comment, who FROM triage ORDER BY fingerprint");
    return os.str();
  }

 private:
  Result query(const std::string& sql, const std::vector<std::string>& params = {}) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (auto& p : params) values.push_back(p.c_str());
    // Without parameters, PQexec: it takes several statements (the migrations).
    PGresult* r = params.empty() ? pq().exec(conn_, sql.c_str())
                                 : pq().execParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                                values.data(), nullptr, nullptr, 0);
    ExecStatusType st = pq().resultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return Result(r);
    std::string state = r && pq().resultErrorField(r, PG_DIAG_SQLSTATE) ? pq().resultErrorField(r, PG_DIAG_SQLSTATE) : "";
    std::string msg = first_line(r ? pq().resultErrorMessage(r) : pq().errorMessage(conn_));
    if (msg.empty()) msg = first_line(pq().errorMessage(conn_));
    if (msg.rfind("ERROR:  ", 0) == 0) msg = msg.substr(8);
    pq().clear(r);
    if (state == "40P01" || state == "40001") throw Retry(msg);
    throw std::runtime_error("datastore " + name_ + ": " + msg);
  }
  void exec(const std::string& sql) { query(sql); }

  void release_claims(std::vector<std::string> ids) {
    std::sort(ids.begin(), ids.end());
    for (size_t at = 0; at < ids.size(); at += kChunk)
      query("DELETE FROM claims WHERE owner=$2 AND oid IN (SELECT decode(x, 'hex') FROM "
            "unnest(string_to_array($1, ',')) x)",
            {joined(ids, at, std::min(kChunk, ids.size() - at)), owner_});
  }

  // Runs `body` in one transaction, again (up to 20 times) after a deadlock or serialization
  // failure, which PostgreSQL resolves by aborting one of the writers.
  template <class F>
  void transaction(F body) {
    for (int attempt = 0;; ++attempt) {
      exec("BEGIN");
      try {
        body();
        exec("COMMIT");
        return;
      } catch (const Retry& e) {
        pq().clear(pq().exec(conn_, "ROLLBACK"));
        if (attempt >= 20) throw std::runtime_error("datastore " + name_ + ": " + e.what());
        std::this_thread::sleep_for(std::chrono::milliseconds(10 * (attempt + 1)));
      } catch (...) {
        pq().clear(pq().exec(conn_, "ROLLBACK"));
        throw;
      }
    }
  }

  void migrate() {
    transaction([&] {
      exec(std::string("SELECT pg_advisory_xact_lock(") + kSchemaLock + ")");
      exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)");
      Result v = query("SELECT version FROM schema_version");
      int version = 0;
      if (v.rows()) {
        version = static_cast<int>(v.integer(0, 0));
      } else {
        Result t = query("SELECT COUNT(*) FROM pg_tables WHERE schemaname=current_schema() AND tablename<>'schema_version'");
        if (t.integer(0, 0) != 0) throw std::runtime_error("datastore " + name_ + ": not a keyhound datastore");
        exec("INSERT INTO schema_version VALUES(0)");
      }
      if (version > kVersion)
        throw std::runtime_error("datastore " + name_ + ": schema version " + std::to_string(version) +
                                 " is newer than this keyhound understands (" + std::to_string(kVersion) + ")");
      for (; version < kVersion; ++version) {
        exec(kMigrations[version]);
        exec("UPDATE schema_version SET version=" + std::to_string(version + 1));
      }
    });
  }

  // The per-datastore hash key, made by whichever task came first.
  void load_key() {
    std::ifstream ur("/dev/urandom", std::ios::binary);
    std::string raw(32, '\0');
    if (!ur.read(raw.data(), raw.size())) throw std::runtime_error("datastore " + name_ + ": cannot read /dev/urandom");
    query("INSERT INTO meta(key, value) VALUES('hmac_key', $1) ON CONFLICT DO NOTHING", {hex_encode(raw)});
    key_ = query("SELECT value FROM meta WHERE key='hmac_key'").text(0, 0);
  }

  // "<alias>.repository is the repository whose identity is $1".
  static std::string repo_is_param1(const char* alias) {
    return std::string(alias) + ".repository=(SELECT id FROM repositories WHERE identity=$1)";
  }

  // "FROM ... WHERE ..." of the occurrences `fl` selects (every place: first_only is the
  // reader's), as o (occurrence_rows), r, f, d (its details) and t (its triage); the values for
  // $1, $2... in `args`.
  static std::string selected(const OccurrenceFilter& fl, std::vector<std::string>& args) {
    auto param = [&](const std::string& v) {
      args.push_back(v);
      return "$" + std::to_string(args.size());
    };
    // Repositories by identity or source, used by both halves of the rows.
    std::string repo_cond = "(SELECT id FROM repositories WHERE FALSE";
    for (auto& r : fl.repositories) {
      std::string p = param(r);
      repo_cond += " OR identity=" + p + " OR source=" + p;
    }
    repo_cond += ")";
    std::string sql =
        "FROM (" +
        occurrence_rows(fl.repositories.empty() ? "TRUE" : "o.repository IN " + repo_cond,
                        fl.repositories.empty() ? "TRUE" : "s.repository IN " + repo_cond) +
        ") o JOIN repositories r ON r.id=o.repository "
        "JOIN findings f ON f.fingerprint=o.fingerprint JOIN details d ON d.fingerprint=o.fingerprint AND "
        "d.blob=o.blob AND d.line=o.line AND d.col=o.col LEFT JOIN triage t ON t.fingerprint=o.fingerprint "
        "WHERE TRUE";
    auto in_list = [&](const std::string& expr, const std::vector<std::string>& vals) {
      if (vals.empty()) return;
      sql += " AND " + expr + " IN (";
      for (size_t i = 0; i < vals.size(); ++i) sql += (i ? "," : "") + param(vals[i]);
      sql += ")";
    };
    in_list("f.rule_id", fl.rules);
    in_list("COALESCE(NULLIF(t.status, ''), 'open')", fl.statuses);
    return sql;
  }

  std::string repo_id(const std::string& identity) {
    Result r = query("SELECT id FROM repositories WHERE identity=$1", {identity});
    if (!r.rows()) throw std::runtime_error("datastore " + name_ + ": unknown repository " + identity);
    return r.text(0, 0);
  }

  static RepositoryRecord repo_row(const Result& r, int i) {
    return {r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5)};
  }

  std::string name_;
  PGconn* conn_ = nullptr;
  std::string key_;
  std::string owner_;        // host:pid:random, the owner of this process's claims
  bool store_secrets_ = false;
};

}  // namespace

bool is_postgres_url(const std::string& spec) {
  return spec.rfind("postgresql://", 0) == 0 || spec.rfind("postgres://", 0) == 0;
}

std::string redact_datastore_url(const std::string& url) {
  std::string out = url;
  size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    size_t start = scheme + 3;
    size_t end = out.find_first_of("/?", start);
    size_t at = out.rfind('@', end == std::string::npos ? out.size() : end);
    if (at != std::string::npos && at > start) {
      size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  static const std::regex pw("([?&]password=)[^&]*");
  return std::regex_replace(out, pw, "$1***");
}

std::unique_ptr<Datastore> open_postgres_datastore(const std::string& url) {
  return std::make_unique<PostgresDatastore>(url);
}

}  // namespace keyhound
