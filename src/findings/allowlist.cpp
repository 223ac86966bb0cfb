#include "findings/allowlist.h"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

namespace keyhound {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool commit_matches(const std::string& want, const std::string& commit) {
  if (commit.empty() || want.size() > commit.size()) return false;
  return lower(commit).compare(0, want.size(), want) == 0;
}

}  // namespace

std::string Allowlist::label() const {
  return description.empty() ? "allowlist at " + origin : "allowlist '" + description + "'";
}

bool Allowlist::applies_to_rule(const std::string& rule_id, const std::string& family) const {
  if (rules.empty()) return true;
  for (auto& r : rules)
    if (r == rule_id || (!family.empty() && r == family)) return true;
  return false;
}

bool Allowlist::is_path_only() const {
  return rules.empty() && (!paths.empty() || !path_regexes.empty()) && secrets.empty() && lines.empty() &&
         matches.empty() && fingerprints.empty() && commits.empty() && stopwords.empty();
}

bool Allowlist::matches_path(const std::string& rel_path) const {
  for (auto& g : paths)
    if (g.matches(rel_path)) return true;
  for (auto& re : path_regexes)
    if (RE2::PartialMatch(rel_path, *re)) return true;
  return false;
}

std::string Allowlist::match(const Finding& f, const std::string& family, const std::string& rel_path,
                             const std::string& fingerprint) const {
  if (!applies_to_rule(f.rule_id, family)) return "";
  std::vector<const std::string*> secrets_of = {&f.secret};
  for (auto& p : f.parts) secrets_of.push_back(&p.secret);
  std::vector<std::string> hits;
  int tried = 0;
  auto check = [&](bool present, const char* name, auto&& pred) {
    if (!present) return;
    ++tried;
    if (pred()) hits.push_back(name);
  };
  check(!paths.empty() || !path_regexes.empty(), "path", [&] { return matches_path(rel_path); });
  check(!secrets.empty(), "secret", [&] {
    for (auto& re : secrets)
      for (auto* s : secrets_of)
        if (RE2::PartialMatch(*s, *re)) return true;
    return false;
  });
  check(!lines.empty(), "line", [&] {
    for (auto& re : lines)
      if (RE2::PartialMatch(f.line_text, *re)) return true;
    return false;
  });
  check(!matches.empty(), "match", [&] {
    for (auto& re : matches)
      if (RE2::PartialMatch(f.match.empty() ? f.secret : f.match, *re)) return true;
    return false;
  });
  check(!fingerprints.empty(), "fingerprint",
        [&] { return fingerprints.count(fingerprint) > 0 || fingerprints.count(f.fingerprint) > 0; });
  check(!commits.empty(), "commit", [&] {
    for (auto& c : commits)
      if (commit_matches(c, f.where.commit)) return true;
    return false;
  });
  check(!stopwords.empty(), "stopword", [&] {
    for (auto* s : secrets_of) {
      std::string ls = lower(*s);
      for (auto& w : stopwords)
        if (ls.find(w) != std::string::npos) return true;
    }
    return false;
  });
  if (hits.empty()) return "";
  if (all_conditions && static_cast<int>(hits.size()) < tried) return "";
  std::string out;
  for (auto& h : hits) out += (out.empty() ? "" : "+") + h;
  return out;
}

}  // namespace keyhound
