// libsqlite3, loaded when a datastore is first opened rather than at every start: only audits,
// reports, triage and `datastore` commands use it. Each SQLite function keyhound calls is
// defined here with SQLite's own signature (the compiler checks it against sqlite3.h) and
// forwards to the real one, so --as-needed leaves the library out of the binary's start-up.
// A call to a function not listed here brings it back (tests/e2e/startup_test.cpp notices).
#include <sqlite3.h>

#include "base/lazy_library.h"

#ifndef KEYHOUND_LIBSQLITE3_SONAME
#define KEYHOUND_LIBSQLITE3_SONAME "libsqlite3.so.0"
#endif

namespace keyhound {
namespace {
LazyLibrary libsqlite3{KEYHOUND_LIBSQLITE3_SONAME, "libsqlite3-0"};
}  // namespace
}  // namespace keyhound

#define REAL(name) keyhound::lazy_function<&::name>(keyhound::libsqlite3, #name)

extern "C" {
int sqlite3_bind_blob(sqlite3_stmt* s, int i, const void* v, int n, void (*d)(void*)) {
  return REAL(sqlite3_bind_blob)(s, i, v, n, d);
}
int sqlite3_bind_int64(sqlite3_stmt* s, int i, sqlite3_int64 v) { return REAL(sqlite3_bind_int64)(s, i, v); }
int sqlite3_bind_null(sqlite3_stmt* s, int i) { return REAL(sqlite3_bind_null)(s, i); }
int sqlite3_bind_text(sqlite3_stmt* s, int i, const char* v, int n, void (*d)(void*)) {
  return REAL(sqlite3_bind_text)(s, i, v, n, d);
}
int sqlite3_busy_timeout(sqlite3* db, int ms) { return REAL(sqlite3_busy_timeout)(db, ms); }
int sqlite3_clear_bindings(sqlite3_stmt* s) { return REAL(sqlite3_clear_bindings)(s); }
int sqlite3_close(sqlite3* db) { return REAL(sqlite3_close)(db); }
int sqlite3_column_bytes(sqlite3_stmt* s, int c) { return REAL(sqlite3_column_bytes)(s, c); }
sqlite3_int64 sqlite3_column_int64(sqlite3_stmt* s, int c) { return REAL(sqlite3_column_int64)(s, c); }
const unsigned char* sqlite3_column_text(sqlite3_stmt* s, int c) { return REAL(sqlite3_column_text)(s, c); }
int sqlite3_column_type(sqlite3_stmt* s, int c) { return REAL(sqlite3_column_type)(s, c); }
const char* sqlite3_errmsg(sqlite3* db) { return REAL(sqlite3_errmsg)(db); }
int sqlite3_exec(sqlite3* db, const char* sql, int (*cb)(void*, int, char**, char**), void* arg, char** err) {
  return REAL(sqlite3_exec)(db, sql, cb, arg, err);
}
int sqlite3_finalize(sqlite3_stmt* s) { return REAL(sqlite3_finalize)(s); }
void sqlite3_free(void* p) { REAL(sqlite3_free)(p); }
int sqlite3_open_v2(const char* filename, sqlite3** db, int flags, const char* vfs) {
  return REAL(sqlite3_open_v2)(filename, db, flags, vfs);
}
int sqlite3_prepare_v2(sqlite3* db, const char* sql, int n, sqlite3_stmt** st, const char** tail) {
  return REAL(sqlite3_prepare_v2)(db, sql, n, st, tail);
}
int sqlite3_reset(sqlite3_stmt* s) { return REAL(sqlite3_reset)(s); }
int sqlite3_step(sqlite3_stmt* s) { return REAL(sqlite3_step)(s); }
}  // extern "C"
