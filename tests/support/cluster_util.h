// Throwaway servers for the cluster tests, on 127.0.0.1 only: a PostgreSQL cluster (initdb
// into a temporary directory, pg_ctl on a free port) and a single-node Slurm (munged,
// slurmctld, slurmd with a generated slurm.conf). Each is stopped by the PID it wrote, also
// when a test fails (destructors).
#pragma once
#include <string>

namespace cluster {

// A free TCP port on 127.0.0.1 (bound, then released).
int free_port();

class PgServer {
 public:
  PgServer() = default;
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;
  ~PgServer() { stop(); }
  // Starts one; false with `why` when PostgreSQL is not installed or does not start.
  bool start(std::string& why);
  void stop();
  // postgresql://postgres@127.0.0.1:PORT/DB (DB created on first use of a new name).
  std::string url(const std::string& db = "postgres");
  int port() const { return port_; }
  // Runs SQL on the database; returns the first column of the rows, "\n"-joined. Throws.
  std::string sql(const std::string& query, const std::string& db = "postgres");

 private:
  std::string dir_, bin_;
  int port_ = 0;
  bool running_ = false;
};

class SlurmCluster {
 public:
  SlurmCluster() = default;
  SlurmCluster(const SlurmCluster&) = delete;
  SlurmCluster& operator=(const SlurmCluster&) = delete;
  ~SlurmCluster() { stop(); }
  // Starts munged, slurmctld and slurmd (needs root and slurm-wlm, munge); false with `why`.
  bool start(std::string& why);
  void stop();
  // "SLURM_CONF=... " to put before sbatch, squeue, scancel.
  std::string env() const { return "SLURM_CONF=" + conf_ + " "; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_, conf_;
};

// Where the server binaries are: "" when missing.
std::string postgres_bindir();
// Why the Slurm test cannot run here ("" when it can): not root, or a binary is missing.
std::string slurm_missing();

}  // namespace cluster
