// Which shard of an audit this process is: `--shard K/N`, or, without it, the task index of
// the engine that started it (Slurm job arrays, Kubernetes Indexed Jobs).
#pragma once
#include <functional>
#include <string>

namespace keyhound {

struct ShardSpec {
  unsigned index = 0, count = 1;
  std::string from;  // "--shard", "SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX" or "" (none)
};

// `flag` is the --shard value ("" when not given); `env` reads a variable (nullptr when unset).
// Without --shard: SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT (less SLURM_ARRAY_TASK_MIN,
// over SLURM_ARRAY_TASK_STEP), else JOB_COMPLETION_INDEX with KEYHOUND_SHARD_COUNT (the Job's
// completions; Kubernetes does not export it). Throws std::runtime_error, one line naming the
// flag or variable, for a malformed or out-of-range value.
ShardSpec resolve_shard(const std::string& flag, const std::function<const char*(const char*)>& env);

}  // namespace keyhound
