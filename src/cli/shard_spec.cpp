#include "cli/shard_spec.h"

#include <stdexcept>

namespace keyhound {

namespace {

// A whole decimal number below 2^31, or throws naming `what`.
unsigned number(const std::string& s, const std::string& what) {
  if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos)
    throw std::runtime_error(what + ": not a number");
  return static_cast<unsigned>(std::stoul(s));
}

ShardSpec checked(unsigned index, unsigned count, const std::string& what, const std::string& from) {
  if (count == 0) throw std::runtime_error(what + ": the shard count must be at least 1");
  if (index >= count)
    throw std::runtime_error(what + ": shard " + std::to_string(index) + " of " + std::to_string(count) +
                             " (shards count from 0, so K must be below N)");
  return {index, count, from};
}

}  // namespace

ShardSpec resolve_shard(const std::string& flag, const std::function<const char*(const char*)>& env) {
  if (!flag.empty()) {
    std::string what = "--shard " + flag;
    size_t slash = flag.find('/');
    if (slash == std::string::npos) throw std::runtime_error(what + ": expected K/N, e.g. 0/4");
    return checked(number(flag.substr(0, slash), what), number(flag.substr(slash + 1), what), what, "--shard");
  }
  auto get = [&](const char* name) -> std::string {
    const char* v = env(name);
    return v ? v : "";
  };
  std::string id = get("SLURM_ARRAY_TASK_ID"), n = get("SLURM_ARRAY_TASK_COUNT");
  if (!id.empty() || !n.empty()) {
    if (id.empty() || n.empty())
      throw std::runtime_error(std::string(id.empty() ? "SLURM_ARRAY_TASK_COUNT" : "SLURM_ARRAY_TASK_ID") +
                               " is set but " + (id.empty() ? "SLURM_ARRAY_TASK_ID" : "SLURM_ARRAY_TASK_COUNT") +
                               " is not");
    std::string what = "SLURM_ARRAY_TASK_ID=" + id + " (SLURM_ARRAY_TASK_COUNT=" + n + ")";
    unsigned task = number(id, "SLURM_ARRAY_TASK_ID=" + id);
    unsigned count = number(n, "SLURM_ARRAY_TASK_COUNT=" + n);
    std::string min = get("SLURM_ARRAY_TASK_MIN"), step = get("SLURM_ARRAY_TASK_STEP");
    unsigned lo = min.empty() ? 0 : number(min, "SLURM_ARRAY_TASK_MIN=" + min);
    unsigned st = step.empty() ? 1 : number(step, "SLURM_ARRAY_TASK_STEP=" + step);
    if (st == 0) throw std::runtime_error("SLURM_ARRAY_TASK_STEP=0: not a step");
    if (task < lo) throw std::runtime_error(what + ": below SLURM_ARRAY_TASK_MIN=" + min);
    return checked((task - lo) / st, count, what, "SLURM_ARRAY_TASK_ID");
  }
  std::string k = get("JOB_COMPLETION_INDEX");
  if (!k.empty()) {
    std::string c = get("KEYHOUND_SHARD_COUNT");
    if (c.empty())
      throw std::runtime_error("JOB_COMPLETION_INDEX=" + k +
                               " is set but KEYHOUND_SHARD_COUNT is not (set it to the Job's completions)");
    return checked(number(k, "JOB_COMPLETION_INDEX=" + k), number(c, "KEYHOUND_SHARD_COUNT=" + c),
                   "JOB_COMPLETION_INDEX=" + k + " (KEYHOUND_SHARD_COUNT=" + c + ")", "JOB_COMPLETION_INDEX");
  }
  return {};
}

}  // namespace keyhound
