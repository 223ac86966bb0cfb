// `keyhound scan [OPTIONS] [PATH...]`: files, directories and stdin.
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/output_options.h"
#include "pipeline/scan_job.h"
#include "rules/rule_loader.h"

namespace keyhound {

namespace {
struct ScanArgs {
  CommonOptions common;
  std::vector<std::string> paths;
  uint64_t max_file_size = 256ull << 20;
  size_t chunk_size = 1 << 20;
  uint64_t stream_threshold = 64ull << 20;
};

int run_scan(ScanArgs& a) {
  if (a.paths.empty()) a.paths.push_back(".");
  // The root holds .keyhound.toml / .keyhoundignore and anchors allowlist paths and fingerprints:
  // the directory scanned, or "." when several paths (or a file, or stdin) are scanned.
  std::string root = ".";
  std::error_code ec;
  if (a.paths.size() == 1 && a.paths[0] != "-" && std::filesystem::is_directory(a.paths[0], ec)) root = a.paths[0];
  Suppression sup;
  std::unique_ptr<Engine> eng;
  try {
    sup = load_suppression(suppression_inputs(a.common, root));
    EngineChoices ch = engine_choices(a.common);
    apply_suppression(ch, sup);
    eng = build_engine(ch);
  } catch (const std::exception& e) {
    print_error(e.what());
    return 2;
  }
  ScanJobOptions jo;
  jo.paths = a.paths;
  jo.threads = a.common.threads;
  jo.max_file_size = a.max_file_size;
  jo.chunk_size = a.chunk_size;
  jo.stream_threshold = a.stream_threshold;
  jo.include_examples = a.common.include_examples;
  jo.exclude_path = sup.exclude_path;
  jo.post_process = sup.post_process;
  std::vector<std::string> warnings;
  ScanResult res;
  try {
    res = run_scan_job(*eng->scanner, jo, warnings);
  } catch (const std::exception& e) {
    print_error(e.what());
    return 2;
  }
  if (!a.common.quiet || res.summary.errors)
    for (auto& w : warnings) (res.summary.errors ? print_error(w) : print_warning(w));
  if (!write_baseline_out(res, a.common)) return 2;
  verify_and_remediate(res, a.common);
  return emit_report(res, eng->rules, a.common, "scan", res.summary.errors > 0);
}
}  // namespace

void add_scan_command(CLI::App& app, int* rc) {
  auto a = std::make_shared<ScanArgs>();
  CLI::App* cmd = app.add_subcommand("scan", "Scan files and directories (or - for stdin) for secrets");
  cmd->add_option("paths", a->paths, "Files or directories to scan; - reads stdin (default: .)");
  add_common_options(cmd, a->common);
  cmd->add_option("--max-file-size", a->max_file_size, "Skip (and count) files larger than this many bytes")
      ->check(CLI::PositiveNumber);
  // For tests and tuning: force the streaming path on small inputs.
  cmd->add_option("--chunk-size", a->chunk_size, "Stream-mode chunk size in bytes")
      ->check(CLI::Range(static_cast<size_t>(16), static_cast<size_t>(1) << 30))->group("");
  cmd->add_option("--stream-threshold", a->stream_threshold, "Stream files larger than this")->group("");
  cmd->callback([a, rc] { *rc = run_scan(*a); });
}

}  // namespace keyhound
