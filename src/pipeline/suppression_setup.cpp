#include "pipeline/suppression_setup.h"

#include <re2/re2.h>
#include <sys/stat.h>

#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "base/text_file.h"
#include "config/config_loader.h"
#include "findings/allowlist.h"
#include "findings/baseline.h"
#include "findings/fingerprint.h"

namespace keyhound {
namespace {

bool is_regular_file(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string join(const std::string& root, const std::string& name) {
  if (root.empty() || root == ".") return name;
  return root.back() == '/' ? root + name : root + "/" + name;
}

struct State {
  std::string root;
  std::vector<Allowlist> allowlists;
  std::map<std::string, std::string> family_of;
  std::set<std::string> ignored;
  std::string ignore_name;
  std::set<std::string> gitleaks_ignored;  // gitleaks fingerprints (commit:file:rule:line)
  std::string gitleaks_ignore_name;
  std::map<std::string, std::shared_ptr<re2::RE2>> rule_paths;
  bool have_baseline = false;
  std::set<std::string> baseline;
  std::string baseline_name;
};

}  // namespace

std::string relative_to_root(const std::string& path, const std::string& root) {
  std::string r = root;
  while (r.size() > 1 && r.back() == '/') r.pop_back();
  while (r.size() >= 2 && r.compare(0, 2, "./") == 0) r.erase(0, 2);
  std::string p = path;
  while (p.size() >= 2 && p.compare(0, 2, "./") == 0) p.erase(0, 2);
  if (!r.empty() && r != "." && p.size() > r.size() && p.compare(0, r.size(), r) == 0 &&
      (p[r.size()] == '/' || r == "/")) {
    p.erase(0, r.size());
    while (!p.empty() && p[0] == '/') p.erase(0, 1);
  }
  return p;
}

std::vector<Finding> baseline_findings(const std::vector<Finding>& findings) {
  std::vector<Finding> out;
  for (auto& f : findings)
    if (!f.suppressed || f.baseline_state == BaselineState::Unchanged) out.push_back(f);
  return out;
}

Suppression load_suppression(const SuppressionInputs& in) {
  // Everything is read and checked first; the functions returned capture only the result, so an
  // error anywhere leaves nothing applied.
  std::string root = in.root.empty() ? "." : in.root;
  auto st = std::make_shared<State>();
  st->root = root;
  Suppression out;

  Config cfg;
  std::string cfg_path;
  if (!in.config_path.empty()) {
    cfg_path = in.config_path;
  } else if (!in.no_config && is_regular_file(join(root, ".keyhound.toml"))) {
    cfg_path = join(root, ".keyhound.toml");
  }
  if (!cfg_path.empty()) {
    cfg = load_config_file(cfg_path);
    RuleNames names = known_rule_names(in.rule_paths, in.builtin_rules, &cfg);
    check_rule_references(cfg, names.names);
    st->family_of = std::move(names.family_of);
    out.config_file = cfg_path;
  }
  if (!in.no_config) {
    std::string ig = join(root, ".keyhoundignore");
    if (is_regular_file(ig)) {
      st->ignored = parse_ignore_file(read_text_file(ig, "ignore file"), ig);
      st->ignore_name = ig;
      out.ignore_file = ig;
    }
    std::string gl = join(root, ".gitleaksignore");
    if (is_regular_file(gl)) {
      // One gitleaks fingerprint a line; '#' comments and blank lines as gitleaks allows.
      std::istringstream in(read_text_file(gl, "ignore file"));
      for (std::string line; std::getline(in, line);) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (!line.empty() && line[0] != '#') st->gitleaks_ignored.insert(line);
      }
      st->gitleaks_ignore_name = gl;
      out.gitleaks_ignore_file = gl;
    }
  }
  if (!in.baseline_path.empty()) {
    st->baseline = load_baseline_file(in.baseline_path);
    st->have_baseline = true;
    st->baseline_name = in.baseline_path;
  }

  out.extra_rules = std::move(cfg.rules);
  out.disabled_rules = std::move(cfg.disable);
  out.builtin_rules = cfg.builtin_rules;
  st->rule_paths = std::move(cfg.rule_paths);
  st->allowlists = std::move(cfg.allowlists);
  out.allowlists = st->allowlists.size();
  out.ignored_fingerprints = st->ignored.size();
  out.baseline_fingerprints = st->baseline.size();

  std::vector<const Allowlist*> path_only;
  for (auto& a : st->allowlists)
    if (a.is_path_only()) path_only.push_back(&a);
  if (!path_only.empty())
    out.exclude_path = [st, path_only](const std::string& path) {
      std::string rel = relative_to_root(path, st->root);
      if (rel.empty()) return false;
      for (auto* a : path_only)
        if (a->matches_path(rel)) return true;
      return false;
    };

  out.post_process = [st](Finding& f) {
    std::string rel = relative_to_root(f.where.path, st->root);
    if (rel != f.where.path) {
      // Fingerprints hash the root-relative path, so a baseline made from one checkout matches
      // in another, wherever it lives and however the root was named.
      std::string shown = std::move(f.where.path);
      f.where.path = rel;
      f.fingerprint = compute_fingerprint(f);
      f.where.path = std::move(shown);
    }
    auto suppress = [&](const std::string& reason) {
      f.suppressed = true;
      f.suppression_kind = SuppressionKind::External;
      f.suppression_reason = reason;
    };
    if (!f.suppressed && st->ignored.count(f.fingerprint)) suppress("fingerprint in " + st->ignore_name);
    if (!f.suppressed && !st->gitleaks_ignored.empty()) {
      Finding rel_f = f;
      rel_f.where.path = rel;
      if (st->gitleaks_ignored.count(gitleaks_fingerprint(rel_f)))
        suppress("gitleaks fingerprint in " + st->gitleaks_ignore_name);
    }
    if (!f.suppressed) {
      auto scope = st->rule_paths.find(f.rule_id);
      if (scope != st->rule_paths.end() && !RE2::PartialMatch(rel, *scope->second))
        suppress("outside the paths of rule " + f.rule_id + " (gitleaks path)");
    }
    if (!f.suppressed && !st->allowlists.empty()) {
      auto fam = st->family_of.find(f.rule_id);
      const std::string& family = fam == st->family_of.end() ? std::string() : fam->second;
      for (auto& a : st->allowlists) {
        std::string why = a.match(f, family, rel, f.fingerprint);
        if (!why.empty()) {
          suppress(a.label() + " (" + a.origin + ") by " + why);
          break;
        }
      }
    }
    if (st->have_baseline) {
      if (st->baseline.count(f.fingerprint)) {
        f.baseline_state = BaselineState::Unchanged;
        if (!f.suppressed) suppress("in baseline " + st->baseline_name);
      } else {
        f.baseline_state = BaselineState::New;
      }
    }
  };
  return out;
}

}  // namespace keyhound
