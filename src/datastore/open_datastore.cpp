#include "datastore/datastore.h"
#include "datastore/postgres_datastore.h"

namespace keyhound {

std::unique_ptr<Datastore> open_datastore(const std::string& spec) {
  return is_postgres_url(spec) ? open_postgres_datastore(spec) : open_sqlite_datastore(spec);
}

}  // namespace keyhound
