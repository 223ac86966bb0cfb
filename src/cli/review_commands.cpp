// Reviewing an audit from its datastore: `keyhound report` (any output format, filtered),
// `keyhound summarize` (counts by provider, rule and repository) and `keyhound triage`
// (a status per finding, kept across audits, exported and imported as JSON).
#include <git2.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <filesystem>
#include <sstream>

#include "base/escape.h"
#include "base/utc_time.h"
#include "base/text_file.h"
#include "cli/commands.h"
#include "cli/output_options.h"
#include "cli/review_options.h"
#include "datastore/postgres_datastore.h"
#include "findings/baseline.h"
#include "pipeline/audit_scan.h"
#include "pipeline/item_stream.h"
#include "pipeline/run.h"
#include "report/output_file.h"
#include "rules/rule_loader.h"

namespace keyhound {

namespace {

std::unique_ptr<Datastore> open_existing(const std::string& path) {
  if (is_postgres_url(path)) return open_postgres_datastore(path);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw std::runtime_error("datastore " + path + ": no such file (run keyhound audit first)");
  return open_sqlite_datastore(path);
}

// ---- report ----

struct ReportArgs {
  CommonOptions common;
  std::string datastore = "keyhound.db";
  std::vector<std::string> repos, rules, statuses;
  std::string severity;
  bool all_occurrences = false;
};

int run_report(ReportArgs& a) {
  std::unique_ptr<Datastore> ds;
  Severity min_sev = Severity::Note;
  try {
    ds = open_existing(a.datastore);
    if (!a.severity.empty() && !parse_severity(a.severity, &min_sev))
      throw std::runtime_error("--severity " + a.severity + ": not one of critical, high, medium, low, note");
  } catch (const std::exception& e) {
    print_error(e.what());
    return 2;
  }
  Source src;
  src.command = "git";
  src.root = ".";
  src.scan = [&](const ScanContext& cx, Tally& tally) {
    OccurrenceFilter fl;
    fl.repositories = a.repos;
    fl.rules = a.rules;
    fl.statuses = a.statuses;
    fl.first_only = !a.all_occurrences;
    bool want_verify = a.common.verify || a.common.only_verified || !a.common.results.empty();
    const RuleSet& rs = cx.scanner.rules();
    std::set<std::string> repos;
    RuleAttacher attach_rule(rs);
    auto& findings = tally.result.findings;
    ds->each_occurrence(fl, [&](StoredOccurrence& so) {
      if (want_verify && !so.secret_stored)
        throw std::runtime_error("report --verify needs the full secrets, and " + redact_datastore_url(a.datastore) +
                                 " holds only hashes and redacted forms (audit with --store-secrets)");
      attach_rule(so.finding);
      int ri = so.finding.rule_index;
      if (ri >= 0 && static_cast<int>(finding_severity(so.finding, rs.rules[ri])) > static_cast<int>(min_sev)) return;
      repos.insert(so.repository);
      Finding& f = findings.emplace_back(std::move(so.finding));
      f.properties["repository"] = std::move(so.repository);
      f.properties["triage"] = so.triage_status.empty() ? "open" : so.triage_status;
    }, [&](uint64_t n) { findings.reserve(n); });  // as load_stored_findings does
    tally.result.summary.notes["repositories"] = std::to_string(repos.size());
    if (tally.stream) tally.stream->done(0, tally.result.findings);  // --format jsonl
  };
  return run_pipeline(a.common, src);
}

// ---- summarize ----

struct SummarizeArgs {
  std::string datastore = "keyhound.db";
  std::string format = "text";
};

int run_summarize(SummarizeArgs& a) {
  try {
    auto ds = open_existing(a.datastore);
    OccurrenceFilter fl;
    fl.first_only = false;
    std::map<std::string, std::string> provider;  // rule id -> provider
    for (auto& r : load_builtin_rules()) provider[r.id] = r.provider;
    struct Count {
      std::set<std::string> findings;
      uint64_t occurrences = 0;
      std::set<std::string> open;
    };
    std::map<std::string, Count> by_provider, by_rule, by_repo;
    ds->each_occurrence(fl, [&](StoredOccurrence& so) {
      const Finding& f = so.finding;
      std::string p = provider.count(f.rule_id) ? provider[f.rule_id] : "other";
      bool open = so.triage_status.empty() || so.triage_status == "open";
      for (Count* c : {&by_provider[p], &by_rule[f.rule_id], &by_repo[so.repository]}) {
        c->findings.insert(f.fingerprint);
        c->occurrences++;
        if (open) c->open.insert(f.fingerprint);
      }
    });
    auto repos = ds->repositories();
    if (a.format == "json") {
      nlohmann::json j;
      auto table = [](const std::map<std::string, Count>& m) {
        nlohmann::json t = nlohmann::json::array();
        for (auto& [k, c] : m)
          t.push_back({{"name", k}, {"findings", c.findings.size()}, {"open", c.open.size()},
                       {"occurrences", c.occurrences}});
        return t;
      };
      j["providers"] = table(by_provider);
      j["rules"] = table(by_rule);
      j["repositories"] = table(by_repo);
      std::map<std::string, int> status;
      for (auto& r : repos) status[r.status]++;
      j["repository_status"] = status;
      j["blobs_scanned"] = ds->scanned_blob_count();
      std::cout << j.dump(2) << "\n";
      return 0;
    }
    auto print = [](const char* title, const std::map<std::string, Count>& m) {
      size_t w = std::string(title).size();
      for (auto& [k, c] : m) w = std::max(w, k.size());
      std::cout << std::left << std::setw(static_cast<int>(w)) << title << "  findings  open  occurrences\n";
      for (auto& [k, c] : m)
        std::cout << std::left << std::setw(static_cast<int>(w)) << escape_for_terminal(k) << std::right << "  "
                  << std::setw(8) << c.findings.size() << "  " << std::setw(4) << c.open.size() << "  "
                  << std::setw(11) << c.occurrences << "\n";
      std::cout << "\n";
    };
    print("provider", by_provider);
    print("rule", by_rule);
    print("repository", by_repo);
    std::map<std::string, int> status;
    for (auto& r : repos) status[r.status]++;
    std::cout << repos.size() << " repositories (";
    bool first = true;
    for (auto& [k, v] : status) {
      std::cout << (first ? "" : ", ") << v << " " << k;
      first = false;
    }
    std::cout << "), " << ds->scanned_blob_count() << " blobs scanned\n";
    for (auto& r : repos)
      if (r.status == "failed") std::cout << "failed: " << escape_for_terminal(r.identity + ": " + r.error) << "\n";
  } catch (const std::exception& e) {
    print_error(e.what());
    return 2;
  }
  return 0;
}

// ---- triage ----

struct TriageArgs {
  std::string datastore = "keyhound.db";
  std::vector<std::string> args;  // FINGERPRINT | export | import FILE
  std::string status;
  std::string comment;
  std::string output;
};

std::string now_utc() { return utc_now_text(); }

// Who triaged: git's user.name <user.email> when configured, else $USER.
std::string who_am_i() {
  git_libgit2_init();
  std::string who;
  git_config* cfg = nullptr;
  if (git_config_open_default(&cfg) == 0) {
    git_buf name = GIT_BUF_INIT, email = GIT_BUF_INIT;
    if (git_config_get_string_buf(&name, cfg, "user.name") == 0) who = name.ptr;
    if (git_config_get_string_buf(&email, cfg, "user.email") == 0) who += (who.empty() ? "" : " ") + std::string("<") + email.ptr + ">";
    git_buf_dispose(&name);
    git_buf_dispose(&email);
    git_config_free(cfg);
  }
  if (who.empty()) {
    const char* u = std::getenv("USER");
    who = u && *u ? u : "unknown";
  }
  return who;
}

bool valid_status(const std::string& s) {
  auto& all = triage_statuses();
  return std::find(all.begin(), all.end(), s) != all.end();
}

std::string status_list() {
  std::string s;
  for (auto& t : triage_statuses()) s += (s.empty() ? "" : "|") + t;
  return s;
}

int run_triage(TriageArgs& a) {
  try {
    if (a.args.empty()) throw std::runtime_error("triage: name a FINGERPRINT, or export, or import FILE");
    auto ds = open_existing(a.datastore);
    if (a.args[0] == "export") {
      nlohmann::json j;
      j["keyhound_triage"] = 1;
      j["triage"] = nlohmann::json::array();
      for (auto& t : ds->triage())
        j["triage"].push_back(
            {{"fingerprint", t.fingerprint}, {"status", t.status}, {"comment", t.comment}, {"who", t.who}, {"at", t.at}});
      std::string err;
      if (!write_output(a.output, j.dump(2) + "\n", err)) throw std::runtime_error(err);
      return 0;
    }
    if (a.args[0] == "import") {
      if (a.args.size() != 2) throw std::runtime_error("triage import: name one FILE");
      std::string text = read_text_file(a.args[1], "triage export");
      nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
      if (!j.is_object() || !j.contains("triage") || !j["triage"].is_array())
        throw std::runtime_error(a.args[1] + ": not a keyhound triage export");
      // All or nothing: the whole file is checked before anything is written.
      std::vector<TriageRecord> recs;
      for (auto& e : j["triage"]) {
        TriageRecord t{e.value("fingerprint", ""), e.value("status", ""), e.value("comment", ""),
                       e.value("who", ""), e.value("at", "")};
        if (!is_fingerprint(t.fingerprint) || !valid_status(t.status))
          throw std::runtime_error(a.args[1] + ": entry " + std::to_string(recs.size() + 1) +
                                   ": needs a 32-hex fingerprint and a status " + status_list());
        recs.push_back(std::move(t));
      }
      for (auto& t : recs) ds->set_triage(t);
      std::cerr << "keyhound: " << recs.size() << " triage entries imported\n";
      return 0;
    }
    if (a.args.size() != 1) throw std::runtime_error("triage: one FINGERPRINT at a time");
    const std::string& fp = a.args[0];
    if (!is_fingerprint(fp)) throw std::runtime_error("triage: " + fp + " is not a fingerprint (32 hex digits)");
    if (a.status.empty()) throw std::runtime_error("triage " + fp + ": --status " + status_list() + " is required");
    if (!valid_status(a.status)) throw std::runtime_error("triage: --status " + a.status + ": not one of " + status_list());
    if (!ds->has_finding(fp)) throw std::runtime_error("triage: no finding " + fp + " in " + redact_datastore_url(a.datastore));
    ds->set_triage({fp, a.status, a.comment, who_am_i(), now_utc()});
    return 0;
  } catch (const std::exception& e) {
    print_error(e.what());
    return 2;
  }
}

}  // namespace

void add_review_commands(CLI::App& app, int* rc) {
  {
    auto a = std::make_shared<ReportArgs>();
    CLI::App* cmd = app.add_subcommand("report", "Write a report of an audit's findings from its datastore");
    add_datastore_option(cmd, a->datastore);
    cmd->add_option("--repo", a->repos, "Only this repository (its path, URL or git directory; repeatable)")
        ->allow_extra_args(false);
    cmd->add_option("--rule", a->rules, "Only this rule id (repeatable)")->allow_extra_args(false);
    cmd->add_option("--severity", a->severity, "Only findings at least this severe (critical, high, medium, low, note)");
    cmd->add_option("--status", a->statuses, "Only findings with this triage status (repeatable; open includes never triaged)")
        ->allow_extra_args(false)
        ->check(CLI::IsMember(triage_statuses()));
    cmd->add_flag("--all-occurrences", a->all_occurrences,
                  "Every place each finding occurs (default: the first per repository, as keyhound git reports)");
    add_common_options(cmd, a->common);
    cmd->footer(
        "Examples:\n"
        "  keyhound report --status open --format sarif -o audit.sarif\n"
        "  keyhound report --severity high --repo https://example.com/org/app.git\n"
        "Exit status: 0 no findings listed, 1 findings, 2 error.");
    cmd->callback([a, rc] { *rc = run_report(*a); });
  }
  {
    auto a = std::make_shared<SummarizeArgs>();
    CLI::App* cmd = app.add_subcommand("summarize", "Count an audit's findings by provider, rule and repository");
    add_datastore_option(cmd, a->datastore);
    cmd->add_option("--format", a->format, "text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
    cmd->footer(
        "Examples:\n"
        "  keyhound summarize                         tables by provider, rule and repository\n"
        "  keyhound summarize --format json\n"
        "Exit status: 0 done, 2 error.");
    cmd->callback([a, rc] { *rc = run_summarize(*a); });
  }
  {
    auto a = std::make_shared<TriageArgs>();
    CLI::App* cmd = app.add_subcommand(
        "triage", "Record a finding's review status (kept across audits), or export/import the triage as JSON");
    cmd->add_option("args", a->args, "FINGERPRINT, or export, or import FILE");
    add_datastore_option(cmd, a->datastore);
    cmd->add_option("--status", a->status, "open, false-positive, accepted or revoked");
    cmd->add_option("--comment", a->comment, "Why (kept with who and when)");
    cmd->add_option("-o,--output", a->output, "triage export: write to FILE (mode 0600) instead of stdout");
    cmd->footer(
        "Examples:\n"
        "  keyhound triage 0123456789abcdef0123456789abcdef --status false-positive --comment \"test fixture\"\n"
        "  keyhound triage export -o triage.json\n"
        "  keyhound triage import triage.json\n"
        "Exit status: 0 done, 2 error.");
    cmd->callback([a, rc] { *rc = run_triage(*a); });
  }
}

}  // namespace keyhound
