#include "cli/output_options.h"

namespace keyhound {

void add_common_options(CLI::App* cmd, CommonOptions& o) {
  cmd->add_option("--format", o.format, "Output format")
      ->check(CLI::IsMember(format_names()))
      ->capture_default_str();
  cmd->add_option("-o,--output", o.output,
                  "Write the report to FILE (mode 0600) instead of stdout; the summary still goes to stderr");
  cmd->add_flag("--no-progress", o.no_progress, "No progress line on stderr (shown when stderr is a terminal)");
  cmd->add_option("--progress-interval-ms", o.progress_ms, "Progress line interval")
      ->check(CLI::Range(1, 60000))
      ->group("");
  cmd->add_option("--exit-code", o.exit_code, "Exit status when there are findings")
      ->check(CLI::Range(0, 125))->capture_default_str();
  cmd->add_option("--rules", o.rule_paths, "Extra rule file or folder on top of the built-in rules (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--enable", o.enable, "Enable an opt-in rule or rule family, e.g. generic (repeatable)")
      ->allow_extra_args(false);  // one value each, so `--enable X PATH` leaves PATH alone
  cmd->add_option("--disable", o.disable, "Disable a rule by id or family (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--threads", o.threads, "Worker threads (default: all cores)")->check(CLI::Range(0u, 1024u));
  cmd->add_flag("--no-redact", o.no_redact, "Print secrets in full (default: redacted)");
  cmd->add_flag("-q,--quiet", o.quiet, "No summary, no warnings");
  cmd->add_flag("-v,--verbose", o.verbose, "Notes on stderr about the run itself (e.g. why no rule cache is used)");
  cmd->add_flag("--debug", o.debug, "Print each pipeline stage's time and the git reading path to stderr");
  cmd->add_flag("--include-examples", o.include_examples,
                "Report providers' documentation example keys too, marked example");
  cmd->add_option("--decode-depth", o.decode_depth,
                  "Look inside base64, percent-encoded and escaped strings, decoders chained up to N deep (0: off)")
      ->check(CLI::Range(0, 4))
      ->capture_default_str();
  const char* ag = "Archives and compressed files (docs/decoding.md)";
  cmd->add_option("--archive-depth", o.archive.max_depth,
                  "Read archives and compressed files, and archives inside them up to N levels (0: scan them as bytes)")
      ->check(CLI::Range(0, 20))->capture_default_str()->group(ag);
  cmd->add_option("--archive-max-bytes", o.archive.max_bytes,
                  "Stop reading an archive after this many decompressed member bytes (bytes, or 512M, 2G)")
      ->transform(CLI::AsSizeValue(false))->default_str("2G")->group(ag);
  cmd->add_option("--archive-max-ratio", o.archive.max_ratio,
                  "Stop reading an archive whose decompressed size exceeds its compressed size this many times")
      ->check(CLI::Range(1.0, 1e9))->capture_default_str()->group(ag);
  cmd->add_option("--archive-max-members", o.archive.max_members, "Stop reading an archive after this many members")
      ->check(CLI::Range(static_cast<uint64_t>(1), static_cast<uint64_t>(1) << 40))->capture_default_str()->group(ag);
  cmd->add_option("--archive-max-seconds", o.archive.max_seconds, "Stop reading an archive after this many seconds")
      ->check(CLI::Range(0.001, 86400.0))->capture_default_str()->group(ag);
  cmd->add_flag("--show-suppressed", o.show_suppressed, "List suppressed findings too");
  cmd->add_flag("--no-builtin-rules", o.no_builtin_rules, "Use only the rules given with --rules (and the config)");
  cmd->add_flag("--no-cache", o.no_cache, "Do not read or write the compiled rule database cache");
  auto* cfg = cmd->add_option("--config", o.config,
                              "Config file: a .keyhound.toml or a gitleaks config (default: .keyhound.toml in the "
                              "scanned directory / repository)");
  cmd->add_flag("--no-config", o.no_config, "Ignore .keyhound.toml and .keyhoundignore")->excludes(cfg);
  cmd->add_option("--baseline", o.baseline,
                  "Baseline file: findings in it are marked unchanged and suppressed; only new ones are reported");
  cmd->add_option("--baseline-out", o.baseline_out,
                  "Write the current findings' fingerprints to FILE (JSON, mode 0600) as a baseline");
  cmd->add_option("--color", o.color, "Color in text output (auto: on a terminal, unless NO_COLOR or TERM=dumb)")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->capture_default_str();
  const char* vg = "Verification (opt-in; docs/verification.md)";
  cmd->add_flag("--verify", o.verify,
                "Check whether AWS key pairs and Cloudflare tokens are live (STS GetCallerIdentity, "
                "Cloudflare token verify; sends the secret to the provider's official endpoint over TLS)")
      ->group(vg);
  cmd->add_flag("--only-verified", o.only_verified,
                "Report only findings verified valid (implies --verify); exits 2 if a key could not be checked")
      ->group(vg);
  cmd->add_option("--results", o.results,
                  "Report only these verification results, comma-separated: verified, unknown, rejected, "
                  "unverified (no check applies) (implies --verify; default: all)")
      ->delimiter(',')
      ->allow_extra_args(false)  // `--results verified .` leaves the path alone
      ->check(CLI::IsMember({"verified", "unknown", "rejected", "unverified"}))
      ->group(vg);
  cmd->add_option("--verify-max-in-flight", o.verify_max_in_flight, "Concurrent verification requests (default 4)")
      ->check(CLI::Range(1, 64))->group(vg);
  cmd->add_option("--verify-timeout-ms", o.verify_timeout_ms, "Per-request timeout in ms (default 5000)")
      ->check(CLI::Range(1, 600000))->group(vg);
  cmd->add_option("--verify-max-requests", o.verify_max_requests,
                  "Cap on verification requests per run, retries included (default 200)")
      ->check(CLI::Range(0, 1000000))->group(vg);
  cmd->add_option("--verify-endpoint-sts", o.verify_endpoint_sts,
                  "For testing only: STS endpoint URL (plain http only on loopback)")->group(vg);
  cmd->add_option("--verify-endpoint-cloudflare", o.verify_endpoint_cloudflare,
                  "For testing only: Cloudflare token verify URL (plain http only on loopback)")->group(vg);
}

}  // namespace keyhound
