// `keyhound git [OPTIONS] [REPO]`: whole histories (default), commit ranges for CI, the staged
// change for pre-commit, or the checked-out tree.
#include <iostream>
#include <optional>

#include "cli/commands.h"
#include "cli/output_options.h"
#include "cli/progress.h"
#include "pipeline/git_scan.h"
#include "pipeline/run.h"
#include "sources/git_pack.h"
#include "sources/git_source.h"
#include "sources/git_staged.h"
#include "verify/remediation.h"

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
      po.since = a.since;
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

  // The pre-commit path first tries to do without libgit2 (src/sources/git_staged.h): loading
  // it and its 14 libraries costs more than the rest of a small commit's check.
  std::optional<PlainRepo> plain;
  std::string plain_why;
  if (a.staged && staged_fast_enabled()) plain = find_plain_repo(a.repo, &plain_why);
  std::optional<GitRepo> repo;
  auto open_repo = [&] {
    if (!repo) repo.emplace(GitRepo::open(a.repo));
  };
  if (!plain) {
    try {
      open_repo();
    } catch (const std::exception& e) {
      print_error(e.what());
      return 2;
    }
  }
  Source src;
  src.command = "git";
  src.root = plain ? plain->workdir : repo->bare() ? repo->git_dir() : repo->workdir();
  src.once_per_fingerprint = true;
  src.scan = [&](const ScanContext& cx, Tally& tally) {
    po.exclude_path = cx.suppression.exclude_path;
    GitScanOptions so;
    so.content = content_options(cx.options);
    so.threads = a.common.threads;
    so.max_blob_size = a.max_blob_size;
    so.debug = cx.debug;
    std::unique_ptr<Progress> progress = make_progress(a.common, "blobs");
    if (progress) so.on_blob = [p = progress.get()](uint64_t bytes, uint64_t findings) { p->add(bytes, findings); };
    if (plain) {
      std::optional<GitPlan> own = plan_staged_own(*plain, po, &plain_why);
      if (own) {
        scan_git_plan(cx.scanner, plain->git_dir, *own, so, tally);
        return;
      }
    }
    if (!plain_why.empty() && cx.debug) cx.debug("staged diff without libgit2 declined: " + plain_why);
    open_repo();
    // A whole audit scans the packs' blobs while the plan is being made.
    std::shared_ptr<BlobPrescan> prescan;
    if (po.mode == GitPlanOptions::Mode::History && po.branches.empty() && !po.exclude_path && pack_reader_enabled()) {
      std::vector<std::string> pack_errors;  // kept in the PackSet: the plan reports them
      po.packs = PackSet::open_dir(repo->git_dir(), pack_errors);
      prescan = start_blob_prescan(cx.scanner, po.packs, so);
    }
    GitPlan plan = plan_git_scan(*repo, po);
    scan_git_plan(cx.scanner, repo->git_dir(), plan, so, tally, plan.packs ? prescan.get() : nullptr);
  };
  // The pre-commit path (--staged) verifies only with --verify, like every other path.
  if (a.staged) src.after_remediation = add_staged_remediation;
  return run_pipeline(a.common, src);
}

}  // namespace

void add_git_command(CLI::App& app, int* rc) {
  auto a = std::make_shared<GitArgs>();
  CLI::App* cmd = app.add_subcommand(
      "git", "Scan a git repository: every commit of every ref (default), a range, or the staged change");
  cmd->add_option("repo", a->repo, "Repository (work tree or bare; default: .)");
  cmd->add_flag("--staged", a->staged,
                "Pre-commit check: scan what the index would commit; report keys in added lines only");
  cmd->add_option("--since", a->since,
                  "Only commits after REV up to HEAD, or since a date (2024-01-01, \"2 weeks ago\"), and only what "
                  "they added");
  cmd->add_option("--range", a->range,
                  "Only commits in A..B, and only what they added; an all-zero A (a new branch's push) means "
                  "the commits of B on no other ref");
  cmd->add_option("--branch", a->branches, "Only history reachable from this branch or revision (repeatable)")
      ->allow_extra_args(false);
  cmd->add_flag("--no-history", a->no_history, "Scan the tree of HEAD only");
  // The same name as scan's for the same limit; --max-blob-size kept for existing scripts.
  cmd->add_option("--max-file-size,--max-blob-size", a->max_blob_size,
                  "Skip (and count) blobs larger than this (bytes, or 512K, 10M, 1G)")
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::PositiveNumber)
      ->default_str("64M");
  add_common_options(cmd, a->common);
  cmd->footer(
      "Examples:\n"
      "  keyhound git                                every commit of every ref\n"
      "  keyhound git --range origin/main..HEAD      CI: what a pull request adds\n"
      "  keyhound git --range \"$BEFORE..$AFTER\"      CI push (an all-zero BEFORE: a new branch)\n"
      "  keyhound git --since \"2 weeks ago\"          recent commits\n"
      "  keyhound git --staged                       pre-commit: the lines being added\n"
      "Exit status: 0 no findings, 1 findings (or --exit-code N), 2 usage or runtime error.");
  cmd->callback([a, rc] { *rc = run_git(*a); });
}

}  // namespace keyhound
