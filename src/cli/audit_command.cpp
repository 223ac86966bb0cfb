// `keyhound audit [PATH|URL ...]`: every repository under directories, in a list, behind clone
// URLs or in a GitHub organisation / GitLab group, into one datastore (resumable, incremental).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/output_options.h"
#include "cli/progress.h"
#include "cli/review_options.h"
#include "cli/shard_spec.h"
#include "pipeline/audit_scan.h"
#include "pipeline/run.h"
#include "sources/org_listing.h"
#include "sources/repo_discovery.h"
#include "sources/git_source.h"

namespace keyhound {

namespace {

struct AuditArgs {
  CommonOptions common;
  std::vector<std::string> targets;
  std::string repos_from;
  std::string datastore = "keyhound.db";
  std::string clone_dir = "keyhound-clones";
  bool store_secrets = false;
  bool rescan = false;
  std::vector<std::string> github_orgs, gitlab_groups;
  std::string github_api_url, gitlab_api_url;
  bool no_forks = false, no_archived = false;
  int max_wait = 3600;
  std::string progress = "auto";
  size_t batch_blobs = 20000;
  uint64_t max_blob_size = 64ull << 20;
  std::string shard;
  bool shard_blobs = false;
  int claim_ttl = 900;
};

std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// The repositories the arguments name, in order: local ones found under directories, URLs as
// given. Problems (a missing path, a listing that failed) go to the tally as errors.
std::vector<AuditTarget> collect_targets(const AuditArgs& a, Tally& tally, std::string& git_token) {
  std::vector<AuditTarget> out;
  std::vector<std::string> names = a.targets;
  if (!a.repos_from.empty()) {
    std::ifstream in(a.repos_from);
    if (!in) throw std::runtime_error("--repos-from " + a.repos_from + ": cannot read");
    std::string line;
    while (std::getline(in, line)) {
      while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
      size_t b = line.find_first_not_of(" \t");
      if (b == std::string::npos || line[b] == '#') continue;
      names.push_back(line.substr(b));
    }
  }
  for (auto& n : names) {
    if (is_clone_url(n)) {
      out.push_back({n, "", n});
      continue;
    }
    std::vector<std::string> warnings;
    auto repos = find_git_repositories(n, warnings);
    for (auto& w : warnings) tally.warning(w);
    if (repos.empty()) tally.error(n + ": no git repository found there");
    for (auto& r : repos) out.push_back({r, r, ""});
  }
  OrgListingOptions lo;
  lo.include_forks = !a.no_forks;
  lo.include_archived = !a.no_archived;
  lo.max_wait_seconds = a.max_wait;
  lo.note = [&a](const std::string& s) {
    if (!a.common.quiet) std::cerr << "keyhound: " << s << "\n";
  };
  auto list = [&](const std::vector<std::string>& orgs, const char* kind, const std::string& api, const char* token_env,
                  auto lister) {
    if (orgs.empty()) return;
    lo.api_url = api;
    lo.token = env_or(token_env, "");
    if (git_token.empty()) git_token = lo.token;
    for (auto& org : orgs) {
      try {
        for (auto& r : lister(org, lo)) out.push_back({std::string(kind) + ":" + r.name, "", r.clone_url});
      } catch (const std::exception& e) {
        tally.error(e.what());
      }
    }
  };
  list(a.github_orgs, "github", a.github_api_url.empty() ? env_or("KEYHOUND_GITHUB_API_URL", "https://api.github.com")
                                                         : a.github_api_url,
       "GITHUB_TOKEN", list_github_org);
  list(a.gitlab_groups, "gitlab",
       a.gitlab_api_url.empty() ? env_or("KEYHOUND_GITLAB_API_URL", "https://gitlab.com/api/v4") : a.gitlab_api_url,
       "GITLAB_TOKEN", list_gitlab_group);
  return out;
}

nlohmann::json progress_json(const AuditProgress& p) {
  nlohmann::json j{{"event", p.event},
                   {"done", p.done},
                   {"total", p.total},
                   {"failed", p.failed},
                   {"unchanged", p.unchanged},
                   {"blobs_scanned", p.blobs_scanned},
                   {"blobs_already_scanned", p.blobs_known},
                   {"bytes", p.bytes},
                   {"findings", p.findings},
                   {"elapsed_seconds", p.elapsed_seconds}};
  if (!p.repository.empty()) {
    j["repository"] = p.repository;
    j["outcome"] = p.outcome;
  }
  return j;
}

// "keyhound: 12/200 repositories, 35.2 MB/s, 4 findings, ETA 3m10s" redrawn in place.
void draw_progress(const AuditProgress& p) {
  if (p.event == "done") {
    std::fputs("\r\x1b[K", stderr);
    return;
  }
  double mbps = p.elapsed_seconds > 0 ? p.bytes / 1e6 / p.elapsed_seconds : 0;
  double eta = p.done ? p.elapsed_seconds / p.done * (p.total - p.done) : 0;
  std::fprintf(stderr, "\r\x1b[Kkeyhound: %zu/%zu repositories, %.1f MB/s, %llu findings so far, ETA %dm%02ds", p.done,
               p.total, mbps, static_cast<unsigned long long>(p.findings), static_cast<int>(eta) / 60,
               static_cast<int>(eta) % 60);
  std::fflush(stderr);
}

int run_audit_command(AuditArgs& a) {
  // Clone URLs are fetched over https: libgit2 needs the system's certificates (parsing them
  // costs more than a re-audit of local repositories, so only when something may be fetched).
  bool may_fetch = !a.repos_from.empty() || !a.github_orgs.empty() || !a.gitlab_groups.empty() ||
                   std::any_of(a.targets.begin(), a.targets.end(), is_clone_url);
  if (may_fetch) enable_git_tls_certificates();
  std::unique_ptr<Datastore> ds;
  ShardSpec shard;
  try {
    shard = resolve_shard(a.shard, [](const char* n) { return std::getenv(n); });
    ds = open_datastore(a.datastore);
  } catch (const std::exception& e) {
    print_error(e.what());
    return 2;
  }
  ds->set_store_secrets(a.store_secrets);
  if (a.targets.empty() && a.repos_from.empty() && a.github_orgs.empty() && a.gitlab_groups.empty())
    a.targets.push_back(".");
  Source src;
  src.command = "git";
  src.root = ".";
  src.scan = [&](const ScanContext& cx, Tally& tally) {
    AuditOptions ao;
    ao.targets = collect_targets(a, tally, ao.git_token);
    ao.clone_dir = a.clone_dir;
    ao.threads = a.common.threads;
    ao.max_blob_size = a.max_blob_size;
    ao.batch_blobs = a.batch_blobs;
    ao.rescan = a.rescan;
    ao.shard_index = shard.index;
    ao.shard_count = shard.count;
    ao.shard_blobs = a.shard_blobs;
    ao.claim_ttl = a.claim_ttl;
    if (shard.count > 1) cx.debug("audit: shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count) +
                                  " from " + shard.from);
    ao.exclude_path = cx.suppression.exclude_path;
    ao.debug = cx.debug;
    bool tty = a.progress == "auto" && progress_wanted(a.common.quiet);
    if (a.progress == "jsonl")
      ao.on_progress = [](const AuditProgress& p) { std::cerr << progress_json(p).dump() << "\n" << std::flush; };
    else if (tty)
      ao.on_progress = draw_progress;
    // The report lists the repositories this run scanned; what an unchanged repository holds
    // is in the datastore already (keyhound report), and re-reading it would make a no-op
    // re-audit as slow as its report.
    OccurrenceFilter fl;
    fl.repositories = run_audit(cx.scanner, *ds, ao, tally);
    auto t_load = std::chrono::steady_clock::now();
    if (!fl.repositories.empty()) load_stored_findings(*ds, fl, cx.scanner.rules(), tally);
    cx.debug("audit: " + std::to_string(tally.result.findings.size()) + " findings read back in " +
             std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t_load).count()) +
             " ms");
    if (tally.result.summary.notes.count("repositories unchanged"))
      tally.result.summary.notes["unchanged repositories' findings"] = "keyhound report";
  };
  return run_pipeline(a.common, src);
}

}  // namespace

void add_audit_command(CLI::App& app, int* rc) {
  auto a = std::make_shared<AuditArgs>();
  CLI::App* cmd = app.add_subcommand(
      "audit", "Audit many repositories (directories, URLs, an organisation) into a datastore; resumable");
  cmd->add_option("targets", a->targets,
                  "Directories (every git repository under them, bare or not, submodules included) or clone URLs "
                  "(https, ssh, file); default: .");
  cmd->add_option("--repos-from", a->repos_from, "File listing repositories (paths or clone URLs), one per line");
  add_datastore_option(cmd, a->datastore);
  cmd->add_option("--clone-dir", a->clone_dir, "Where clone URLs are mirrored (fetched, not cloned, next time)")
      ->capture_default_str();
  cmd->add_flag("--store-secrets", a->store_secrets,
                "Keep full secrets in the datastore (so report --verify can check them later); default: a keyed hash "
                "and the redacted form only");
  cmd->add_flag("--rescan", a->rescan, "Scan every repository and blob again (after adding rules)");
  const char* og = "Organisations (token from GITHUB_TOKEN / GITLAB_TOKEN)";
  cmd->add_option("--github-org", a->github_orgs, "Every repository of this GitHub organisation (repeatable)")
      ->allow_extra_args(false)->group(og);
  cmd->add_option("--gitlab-group", a->gitlab_groups, "Every project of this GitLab group and its subgroups (repeatable)")
      ->allow_extra_args(false)->group(og);
  cmd->add_option("--github-api-url", a->github_api_url,
                  "GitHub API base URL (GitHub Enterprise; env KEYHOUND_GITHUB_API_URL; default https://api.github.com)")
      ->group(og);
  cmd->add_option("--gitlab-api-url", a->gitlab_api_url,
                  "GitLab API base URL (env KEYHOUND_GITLAB_API_URL; default https://gitlab.com/api/v4)")
      ->group(og);
  cmd->add_flag("--no-forks", a->no_forks, "Leave out forks")->group(og);
  cmd->add_flag("--no-archived", a->no_archived, "Leave out archived repositories")->group(og);
  cmd->add_option("--max-wait", a->max_wait, "Longest rate-limit wait in seconds before giving up")
      ->check(CLI::Range(0, 86400))->group(og)->capture_default_str();
  cmd->add_option("--progress", a->progress,
                  "auto: a line on stderr when it is a terminal; jsonl: one JSON object per repository on stderr; none")
      ->check(CLI::IsMember({"auto", "jsonl", "none"}))
      ->capture_default_str();
  cmd->add_option("--max-file-size,--max-blob-size", a->max_blob_size,
                  "Skip (and count) blobs larger than this (bytes, or 512K, 10M, 1G)")
      ->transform(CLI::AsSizeValue(false))
      ->check(CLI::PositiveNumber)
      ->default_str("64M");
  const char* sg = "Sharding (one audit over many tasks)";
  cmd->add_option("--shard", a->shard,
                  "K/N: audit only shard K (from 0) of N, the repositories whose identity hashes there; default "
                  "from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT or JOB_COMPLETION_INDEX/KEYHOUND_SHARD_COUNT")
      ->group(sg);
  cmd->add_flag("--shard-blobs", a->shard_blobs,
                "Shard the blobs of every repository instead (one huge repository over many tasks)")
      ->group(sg);
  cmd->add_option("--claim-ttl", a->claim_ttl,
                  "Seconds a task's claim on a blob lasts in a shared datastore before another task takes it over")
      ->check(CLI::Range(1, 86400 * 7))
      ->group(sg)
      ->capture_default_str();
  cmd->add_option("--batch-blobs", a->batch_blobs, "Blobs per datastore transaction")
      ->check(CLI::Range(static_cast<size_t>(1), static_cast<size_t>(1) << 30))
      ->group("");
  add_common_options(cmd, a->common);
  cmd->footer(
      "Examples:\n"
      "  keyhound audit ~/src                       every repository under ~/src\n"
      "  keyhound audit --github-org acme           every repository of an organisation\n"
      "  keyhound report --status open              review later, from keyhound.db\n"
      "Exit status: 0 no findings, 1 findings (or --exit-code N), 2 a repository failed or another error.");
  cmd->callback([a, rc] { *rc = run_audit_command(*a); });
}

}  // namespace keyhound
