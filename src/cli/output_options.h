// The command-line side of the options scan and git share; what they mean is the pipeline's
// (src/pipeline/run.h).
#pragma once
#include <CLI/CLI.hpp>

#include "pipeline/run.h"

namespace keyhound {

void add_common_options(CLI::App* cmd, CommonOptions& o);

}  // namespace keyhound
