// The SQLite datastore (the default; --datastore FILE): one file, WAL journal, created 0600.
// The schema is versioned (schema_version) and migrated forward on open.
#pragma once
#include <memory>
#include <string>

#include "datastore/datastore.h"

namespace keyhound {

// The schema version this build writes.
int sqlite_schema_version();

}  // namespace keyhound
