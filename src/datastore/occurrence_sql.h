// SQL both datastores (SQLite and PostgreSQL) share word for word.
#pragma once
#include <string>

namespace keyhound {

// Every occurrence of the repositories `own_cond` (on o.repository) and `shared_cond` (on
// s.repository) select, as rows (repository, fingerprint, blob, commit_id, path, line, col,
// author, email, date, seq): those recorded for the repository, and those other repositories
// recorded at the commits it shares with them. A place two repositories recorded (forks
// scanned at once by two tasks) comes twice, with the same author and date: readers keep
// the lowest seq (OccurrenceSeen).
inline std::string occurrence_rows(const std::string& own_cond, const std::string& shared_cond) {
  return "SELECT o.repository, o.fingerprint, o.blob, o.commit_id, o.path, o.line, o.col, o.author, o.email, "
         "o.date, o.seq FROM occurrences o WHERE " + own_cond +
         " UNION ALL SELECT s.repository, o.fingerprint, o.blob, o.commit_id, o.path, o.line, o.col, o.author, "
         "o.email, o.date, o.seq FROM shared_commits s JOIN occurrences o ON o.commit_id=s.commit_id AND "
         "o.repository<>s.repository WHERE " + shared_cond;
}

// The highest seq of the occurrences repository `repo` (a bound parameter) holds at the commits
// it shares: every occurrence at those commits, whichever repository recorded it (the rows
// occurrence_rows gives there), read through the commit index without building those rows.
inline std::string shared_max_seq(const std::string& repo) {
  return "SELECT MAX(o.seq) FROM shared_commits s JOIN occurrences o ON o.commit_id=s.commit_id WHERE s.repository=" +
         repo;
}

}  // namespace keyhound
