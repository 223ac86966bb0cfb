// `keyhound git [OPTIONS] [REPO]`: whole histories (default), commit ranges for CI, the staged
// change for pre-commit, or the checked-out tree.
#include <chrono>
#include <iostream>

#include "cli/commands.h"
#include "cli/output_options.h"
#include "pipeline/scan_job.h"
#include "pipeline/suppression_setup.h"
#include "sources/git_pack.h"
#include "pipeline/git_scan.h"
#include "sources/git_source.h"

namespace keyhound {

namespace {

struct GitArgs {
  CommonOptions common;
  std::string repo = ".";
  bool staged = false;
  bool no_history = false;
  std::string since;
  std::string range;
  std::vector<std::string> branches;
  uint64_t max_blob_size = 64ull << 20;
};

int run_git(GitArgs& a) {
  auto t0 = std::chrono::steady_clock::now();
  int modes = (a.staged ? 1 : 0) + (a.no_history ? 1 : 0) + (!a.since.empty() || !a.range.empty() ? 1 : 0);
  if (modes > 1) {
    print_error("git: --staged, --no-history and --since/--range cannot be combined");
    return 2;
  }
  if (!a.since.empty() && !a.range.empty()) {
    print_error("git: use either --since or --range, not both");
    return 2;
  }
  if (!a.branches.empty() && modes) {
    print_error("git: --branch only applies to a history scan");
    return 2;
  }
  GitPlanOptions po;
  if (a.staged) po.mode = GitPlanOptions::Mode::Staged;
  else if (a.no_history) po.mode = GitPlanOptions::Mode::HeadTree;
  else if (!a.since.empty() || !a.range.empty()) {
    po.mode = GitPlanOptions::Mode::Range;
    if (!a.since.empty()) {
      po.range_from = a.since;
      po.range_to = "HEAD";
    } else {
      try {
        std::tie(po.range_from, po.range_to) = parse_range(a.range);
      } catch (const std::exception& e) {
        print_error(e.what());
        return 2;
      }
    }
  }
  po.branches = a.branches;
  po.threads = a.common.threads;

  try {
    GitRepo repo = GitRepo::open(a.repo);
    std::string root = repo.bare() ? repo.git_dir() : repo.workdir();
    Suppression sup = load_suppression(suppression_inputs(a.common, root));
    EngineChoices ec = engine_choices(a.common);
    apply_suppression(ec, sup);
    std::unique_ptr<Engine> eng = build_engine(ec);

    po.exclude_path = sup.exclude_path;
    GitScanOptions so;
    so.threads = a.common.threads;
    so.max_blob_size = a.max_blob_size;
    // A whole audit scans the packs' blobs while the plan is being made.
    std::shared_ptr<BlobPrescan> prescan;
    if (po.mode == GitPlanOptions::Mode::History && po.branches.empty() && !po.exclude_path && pack_reader_enabled()) {
      std::vector<std::string> pack_errors;  // kept in the PackSet: the plan reports them
      po.packs = PackSet::open_dir(repo.git_dir(), pack_errors);
      prescan = start_blob_prescan(*eng->scanner, po.packs, so);
    }
    GitPlan plan = plan_git_scan(repo, po);
    std::vector<std::string> errors;
    ScanResult res = scan_git_plan(*eng->scanner, repo.git_dir(), plan, so, errors, plan.packs ? prescan.get() : nullptr);
    finish_findings(res.findings, res.summary, a.common.include_examples, sup.post_process);
    for (auto& e : errors) print_error(e);
    res.summary.elapsed_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!write_baseline_out(res, a.common)) return 2;
    verify_and_remediate(res, a.common);  // the pre-commit path (--staged) verifies only with --verify
    return emit_report(res, eng->rules, a.common, "git", res.summary.errors > 0);
  } catch (const std::exception& e) {
    print_error(e.what());
    return 2;
  }
}

}  // namespace

void add_git_command(CLI::App& app, int* rc) {
  auto a = std::make_shared<GitArgs>();
  CLI::App* cmd = app.add_subcommand(
      "git", "Scan a git repository: every commit of every ref (default), a range, or the staged change");
  cmd->add_option("repo", a->repo, "Repository (work tree or bare; default: .)");
  cmd->add_flag("--staged", a->staged,
                "Pre-commit check: scan what the index would commit; report keys in added lines only");
  cmd->add_option("--since", a->since, "Only commits after REV up to HEAD, and only what they added");
  cmd->add_option("--range", a->range, "Only commits in A..B, and only what they added");
  cmd->add_option("--branch", a->branches, "Only history reachable from this branch or revision (repeatable)")
      ->allow_extra_args(false);
  cmd->add_flag("--no-history", a->no_history, "Scan the tree of HEAD only");
  cmd->add_option("--max-blob-size", a->max_blob_size, "Skip (and count) blobs larger than this many bytes")
      ->check(CLI::PositiveNumber);
  add_common_options(cmd, a->common);
  cmd->callback([a, rc] { *rc = run_git(*a); });
}

}  // namespace keyhound
