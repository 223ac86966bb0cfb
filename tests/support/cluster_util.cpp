#include "cluster_util.h"

#include <arpa/inet.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

#include "e2e_util.h"

namespace cluster {

namespace fs = std::filesystem;
using e2e::run;
using e2e::shell_quote;

namespace {

bool executable(const std::string& p) { return ::access(p.c_str(), X_OK) == 0; }

// The PID in a pid file (first line), or 0.
pid_t pid_in(const std::string& file) {
  std::ifstream in(file);
  long pid = 0;
  in >> pid;
  return static_cast<pid_t>(pid);
}

// `sig` (SIGTERM), then SIGKILL after `ms` if it is still there.
void stop_pid(pid_t pid, int sig = SIGTERM, int ms = 3000) {
  if (pid <= 0 || ::kill(pid, sig) != 0) return;
  for (int waited = 0; waited < ms; waited += 50) {
    if (::kill(pid, 0) != 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGKILL);
}

bool wait_for(const std::function<bool()>& ok, int ms) {
  for (int waited = 0; waited < ms; waited += 100) {
    if (ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return ok();
}

}  // namespace

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

std::string postgres_bindir() {
  std::error_code ec;
  std::vector<std::string> found;
  for (auto& e : fs::directory_iterator("/usr/lib/postgresql", ec))
    if (executable((e.path() / "bin/pg_ctl").string()) && executable((e.path() / "bin/initdb").string()))
      found.push_back((e.path() / "bin").string());
  std::sort(found.begin(), found.end());
  return found.empty() ? "" : found.back();
}

bool PgServer::start(std::string& why) {
  bin_ = postgres_bindir();
  if (bin_.empty()) {
    why = "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin (apt-get install postgresql)";
    return false;
  }
  // PostgreSQL refuses to run as root: as root it runs as the postgres user.
  std::string as;
  if (::geteuid() == 0) {
    if (!getpwnam("postgres")) {
      why = "running as root and there is no postgres user to run PostgreSQL as";
      return false;
    }
    as = "runuser -u postgres -- ";
  }
  dir_ = e2e::make_temp_dir();
  if (!as.empty()) run("chown postgres " + shell_quote(dir_));
  port_ = free_port();
  std::string data = dir_ + "/data";
  auto init = run(as + bin_ + "/initdb -D " + shell_quote(data) + " -A trust -U postgres --no-sync -E UTF8");
  if (init.exit_code != 0) {
    why = "initdb failed: " + init.err;
    return false;
  }
  // Durability is not what these tests are about: fsync off keeps them fast on a busy machine.
  auto st = run(as + bin_ + "/pg_ctl -D " + shell_quote(data) + " -o " +
                shell_quote("-p " + std::to_string(port_) + " -k " + dir_ +
                            " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100") +
                " -l " + shell_quote(data + "/server.log") + " -w -t 60 start");
  if (st.exit_code != 0) {
    why = "pg_ctl start failed: " + st.err + e2e::read_file(data + "/server.log");
    return false;
  }
  running_ = true;
  return true;
}

void PgServer::stop() {
  if (!running_) return;
  running_ = false;
  // By the postmaster's PID (first line of postmaster.pid): SIGQUIT is PostgreSQL's immediate
  // shutdown, nothing here is to be kept.
  stop_pid(pid_in(dir_ + "/data/postmaster.pid"), SIGQUIT);
}

std::string PgServer::url(const std::string& db) {
  if (db != "postgres" && sql("SELECT 1 FROM pg_database WHERE datname='" + db + "'").empty())
    sql("CREATE DATABASE " + db);
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + db;
}

std::string PgServer::sql(const std::string& query, const std::string& db) {
  std::string u = "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + db;
  PGconn* c = PQconnectdb(u.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string m = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error(m);
  }
  PGresult* r = PQexec(c, query.c_str());
  auto st = PQresultStatus(r);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    std::string m = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
    throw std::runtime_error(m);
  }
  std::string out;
  for (int i = 0; i < PQntuples(r); ++i) out += std::string(i ? "\n" : "") + PQgetvalue(r, i, 0);
  PQclear(r);
  PQfinish(c);
  return out;
}

std::string slurm_missing() {
  if (::geteuid() != 0) return "not root (slurmd and munged run as root here)";
  for (const char* b : {"/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch",
                        "/usr/bin/squeue", "/usr/bin/sinfo", "/usr/bin/scancel"})
    if (!executable(b)) return std::string(b) + " not installed (apt-get install slurm-wlm munge)";
  return "";
}

bool SlurmCluster::start(std::string& why) {
  why = slurm_missing();
  if (!why.empty()) return false;
  dir_ = e2e::make_temp_dir();
  fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::replace);
  std::string key = dir_ + "/munge.key";
  {
    std::ifstream ur("/dev/urandom", std::ios::binary);
    std::string raw(1024, '\0');
    ur.read(raw.data(), raw.size());
    e2e::write_file(key, raw);
  }
  fs::permissions(key, fs::perms::owner_read, fs::perm_options::replace);
  auto m = run("/usr/sbin/munged --key-file=" + key + " --socket=" + dir_ + "/munge.sock --pid-file=" + dir_ +
               "/munged.pid --log-file=" + dir_ + "/munged.log --seed-file=" + dir_ + "/munge.seed -f");
  if (m.exit_code != 0) {
    why = "munged failed: " + m.err;
    return false;
  }
  fs::create_directories(dir_ + "/state");
  fs::create_directories(dir_ + "/spool");
  int ctld = free_port(), slurmd = free_port();
  while (slurmd == ctld) slurmd = free_port();
  conf_ = dir_ + "/slurm.conf";
  unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
  e2e::write_file(conf_, "ClusterName=khtest\nSlurmctldHost=localhost\nSlurmctldPort=" + std::to_string(ctld) +
                             "\nSlurmdPort=" + std::to_string(slurmd) +
                             "\nAuthType=auth/munge\nAuthInfo=socket=" + dir_ +
                             "/munge.sock\nCryptoType=crypto/munge\nMpiDefault=none\n"
                             "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\nSwitchType=switch/none\n"
                             "SelectType=select/cons_tres\nSelectTypeParameters=CR_CPU\n"
                             "SchedulerType=sched/builtin\nSlurmUser=root\nReturnToService=2\n"
                             "StateSaveLocation=" + dir_ + "/state\nSlurmdSpoolDir=" + dir_ + "/spool\n"
                             "SlurmctldPidFile=" + dir_ + "/slurmctld.pid\nSlurmdPidFile=" + dir_ + "/slurmd.pid\n"
                             "SlurmctldLogFile=" + dir_ + "/slurmctld.log\nSlurmdLogFile=" + dir_ + "/slurmd.log\n"
                             "JobCompType=jobcomp/none\nAccountingStorageType=accounting_storage/none\n"
                             "NodeName=localhost CPUs=" + std::to_string(cpus) + " State=UNKNOWN\n"
                             "PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP "
                             "OverSubscribe=FORCE:4\n");
  auto c = run(env() + "/usr/sbin/slurmctld -i -f " + conf_);
  auto d = run(env() + "/usr/sbin/slurmd -f " + conf_);
  if (c.exit_code != 0 || d.exit_code != 0) {
    why = "slurmctld/slurmd failed: " + c.err + d.err + e2e::read_file(dir_ + "/slurmctld.log");
    return false;
  }
  if (!wait_for([&] { return run(env() + "sinfo -h -o %T").out == "idle\n"; }, 20000)) {
    why = "the Slurm node did not become idle: " + run(env() + "sinfo -h -o %T").out +
          e2e::read_file(dir_ + "/slurmd.log");
    return false;
  }
  return true;
}

void SlurmCluster::stop() {
  if (dir_.empty()) return;
  if (pid_in(dir_ + "/slurmctld.pid") > 0) run(env() + "scancel -u root; sleep 0.5");
  for (const char* f : {"/slurmd.pid", "/slurmctld.pid", "/munged.pid"}) stop_pid(pid_in(dir_ + f));
  dir_.clear();
}

}  // namespace cluster
