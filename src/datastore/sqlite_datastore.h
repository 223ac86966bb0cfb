// The SQLite datastore (the default; --datastore FILE): one file, WAL journal, created 0600.
// The schema is versioned (schema_version) and migrated forward on open.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "datastore/datastore.h"

namespace keyhound {

// The schema version this build writes.
int sqlite_schema_version();

// Adds each input datastore (SQLite files, e.g. one per shard) to `out` (created 0600 when
// missing): the result is what one process auditing all their repositories would have written.
// Throws std::runtime_error with one line naming the file.
void merge_sqlite_datastores(const std::string& out, const std::vector<std::string>& inputs);

}  // namespace keyhound
