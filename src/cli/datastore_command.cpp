// `keyhound datastore merge OUT IN...` (the SQLite files of an audit's shards into one, for
// teams without PostgreSQL) and `keyhound datastore dump DATASTORE` (its canonical text, to
// compare two audits).
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "datastore/postgres_datastore.h"
#include "datastore/sqlite_datastore.h"
#include "pipeline/run.h"

namespace keyhound {

namespace {

struct MergeArgs {
  std::string out;
  std::vector<std::string> inputs;
};

int run_merge(const MergeArgs& a) {
  try {
    if (is_postgres_url(a.out))
      throw std::runtime_error("datastore merge: " + redact_datastore_url(a.out) +
                               ": merges SQLite files (tasks writing to PostgreSQL share one datastore already)");
    for (auto& in : a.inputs)
      if (is_postgres_url(in))
        throw std::runtime_error("datastore merge: " + redact_datastore_url(in) + ": not a SQLite file");
    merge_sqlite_datastores(a.out, a.inputs);
    auto ds = open_sqlite_datastore(a.out);
    std::cerr << "keyhound: merged " << a.inputs.size() << " datastore(s) into " << a.out << ": "
              << ds->repositories().size() << " repositories, " << ds->scanned_blob_count() << " blobs scanned\n";
    return 0;
  } catch (const std::exception& e) {
    print_error(e.what());
    return 2;
  }
}

int run_dump(const std::string& spec) {
  try {
    if (!is_postgres_url(spec)) {
      std::error_code ec;
      if (!std::filesystem::exists(spec, ec)) throw std::runtime_error("datastore " + spec + ": no such file");
    }
    std::cout << open_datastore(spec)->canonical_dump();
    return 0;
  } catch (const std::exception& e) {
    print_error(e.what());
    return 2;
  }
}

}  // namespace

void add_datastore_command(CLI::App& app, int* rc) {
  CLI::App* cmd = app.add_subcommand("datastore", "Merge the SQLite datastores of a sharded audit, or dump one");
  cmd->require_subcommand(1);
  {
    auto a = std::make_shared<MergeArgs>();
    CLI::App* m = cmd->add_subcommand(
        "merge", "Merge SQLite datastores (one per shard) into OUT: what one process auditing them all writes");
    m->add_option("out", a->out, "The merged datastore (created mode 0600 when missing)")->required();
    m->add_option("inputs", a->inputs, "The datastores to add")->required();
    m->footer(
        "Examples:\n"
        "  keyhound datastore merge audit.db shard-0.db shard-1.db shard-2.db shard-3.db\n"
        "Exit status: 0 merged, 2 error.");
    m->callback([a, rc] { *rc = run_merge(*a); });
  }
  {
    auto spec = std::make_shared<std::string>();
    CLI::App* d = cmd->add_subcommand(
        "dump", "Print a datastore's canonical text (what an audit decided, without times and row ids)");
    d->add_option("datastore", *spec, "A SQLite file or a postgresql:// URL")->required();
    d->footer("Two audits of the same repositories give the same text. Exit status: 0 done, 2 error.");
    d->callback([spec, rc] { *rc = run_dump(*spec); });
  }
}

}  // namespace keyhound
