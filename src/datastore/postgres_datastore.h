// The PostgreSQL datastore (--datastore postgresql://...): the SQLite schema and behaviour,
// shared by many concurrent writers (tasks of a Slurm array, pods of an Indexed Job). A blob is
// claimed before it is scanned (INSERT ... ON CONFLICT), so it is scanned once cluster-wide;
// the claims of a task that died expire and are taken over.
#pragma once
#include <memory>
#include <string>

#include "datastore/datastore.h"

namespace keyhound {

// True for "postgresql://..." and "postgres://..." (libpq connection URIs).
bool is_postgres_url(const std::string& spec);

// The URL with its password (user:PASSWORD@ and password=...) replaced by "***", for messages.
std::string redact_datastore_url(const std::string& url);

// Connects and creates or migrates the schema. Throws std::runtime_error with one line naming
// the datastore (password redacted).
std::unique_ptr<Datastore> open_postgres_datastore(const std::string& url);

}  // namespace keyhound
