// `keyhound scan [OPTIONS] [PATH...]`: files, directories and stdin.
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/output_options.h"
#include "cli/progress.h"
#include "pipeline/run.h"
#include "pipeline/scan_job.h"

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
  Source src;
  src.command = "scan";
  src.root = root;
  src.scan = [&](const ScanContext& cx, Tally& tally) {
    ScanJobOptions jo;
    jo.paths = a.paths;
    jo.threads = a.common.threads;
    jo.max_file_size = a.max_file_size;
    jo.chunk_size = a.chunk_size;
    jo.stream_threshold = a.stream_threshold;
    jo.exclude_path = cx.suppression.exclude_path;
    jo.content = content_options(a.common);
    std::unique_ptr<Progress> progress = make_progress(a.common, "files");
    if (progress) jo.on_file = [p = progress.get()](uint64_t bytes, uint64_t findings) { p->add(bytes, findings); };
    run_scan_job(cx.scanner, jo, tally);
  };
  return run_pipeline(a.common, src);
}
}  // namespace

void add_scan_command(CLI::App& app, int* rc) {
  auto a = std::make_shared<ScanArgs>();
  CLI::App* cmd = app.add_subcommand("scan", "Scan files and directories (or - for stdin) for secrets");
  cmd->add_option("paths", a->paths, "Files or directories to scan; - reads stdin (default: .)");
  add_common_options(cmd, a->common);
  cmd->add_option("--max-file-size", a->max_file_size, "Skip (and count) files larger than this (bytes, or 512K, 10M, 1G)")
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::PositiveNumber)
      ->default_str("256M");
  // For tests and tuning: force the streaming path on small inputs.
  cmd->add_option("--chunk-size", a->chunk_size, "Stream-mode chunk size in bytes")
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::Range(static_cast<size_t>(16), static_cast<size_t>(1) << 30))->group("");
  cmd->add_option("--stream-threshold", a->stream_threshold, "Stream files larger than this")
      ->transform(CLI::AsSizeValue(false))
      ->group("");
  cmd->footer(
      "Examples:\n"
      "  keyhound scan                      the current directory\n"
      "  keyhound scan src/ config.env      folders and files\n"
      "  cat app.log | keyhound scan -      standard input\n"
      "  keyhound scan --format sarif -o keyhound.sarif .\n"
      "Exit status: 0 no findings, 1 findings (or --exit-code N), 2 usage or runtime error.");
  cmd->callback([a, rc] { *rc = run_scan(*a); });
}

}  // namespace keyhound
