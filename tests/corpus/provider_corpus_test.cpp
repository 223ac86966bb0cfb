// Precision and recall of the whole rule library on a generated, labelled corpus: every enabled
// provider rule gets fresh keys shaped like its examples, planted in realistic files, next to
// look-alikes (negative examples, truncated/embedded keys, placeholders).
#include <gtest/gtest.h>

#include <cstdio>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <re2/re2.h>
#include <set>
#include <sstream>

#include "e2e_util.h"
#include "checks/checksum.h"
#include "provider_corpus.h"

using nlohmann::json;
namespace pc = provider_corpus;

namespace {

struct Row {
  std::set<std::string> rules;
  int planted = 0, tp = 0, fp = 0, cross = 0, dup = 0, lookalikes = 0;
};

struct Score {
  std::map<std::string, Row> rows;  // provider -> counts
  Row total;
  std::vector<std::string> fps, fns, crosses, dups;
};

double ratio(int a, int b) { return b == 0 ? 1.0 : static_cast<double>(a) / b; }

bool overlaps(const std::string& a, const std::string& b) {
  return a.find(b) != std::string::npos || b.find(a) != std::string::npos;
}

Score score(const pc::Corpus& c, const keyhound::RuleSet& rs, const std::string& root, const json& report) {
  Score s;
  auto provider_of = [&](const std::string& rule) {
    int i = rs.find(rule);
    return i < 0 ? std::string("(unknown rule)") : rs.rules[i].provider;
  };
  std::map<std::pair<std::string, uint64_t>, std::vector<const pc::Label*>> at;  // (file, line) -> labels
  for (auto& l : c.labels) {
    at[{l.file, l.line}].push_back(&l);
    Row& r = s.rows[l.provider];
    r.planted++;
    r.rules.insert(l.rule);
  }
  std::map<std::pair<std::string, uint64_t>, const pc::Lookalike*> la_at;
  for (auto& l : c.lookalikes) {
    s.rows[l.provider].lookalikes++;
    la_at[{l.file, l.line}] = &l;
  }
  struct F {
    std::string rule, rel, secret, context;
    uint64_t line;
    bool decoded;  // found in decoded bytes: the secret is the decoded form of the planted one
  };
  std::vector<F> fs;
  for (auto& f : report["findings"]) {
    std::string path = f["path"];
    std::string rel = path.rfind(root + "/", 0) == 0 ? path.substr(root.size() + 1) : path;
    fs.push_back({f["rule_id"], rel, f["secret"], f.value("context", ""), f["line"].get<uint64_t>(),
                  f.contains("decoded") && !f["decoded"].empty()});
  }
  std::set<const pc::Label*> matched;
  std::vector<bool> used(fs.size(), false);
  // Pass 1: the planted rule reports the planted secret on its line.
  for (size_t i = 0; i < fs.size(); ++i) {
    auto it = at.find({fs[i].rel, fs[i].line});
    if (it == at.end()) continue;
    for (auto* l : it->second)
      if (!matched.count(l) && l->rule == fs[i].rule && (l->secret == fs[i].secret || fs[i].decoded)) {
        matched.insert(l);
        used[i] = true;
        s.rows[l->provider].tp++;
        break;
      }
  }
  // Pass 2: another rule reports the planted key (cross-rule match: found), or reports a key
  // already found (duplicate); anything else is a false positive.
  for (size_t i = 0; i < fs.size(); ++i) {
    if (used[i]) continue;
    const F& f = fs[i];
    std::string where = f.rule + " in " + f.rel + ":" + std::to_string(f.line);
    auto it = at.find({f.rel, f.line});
    const pc::Label* hit = nullptr;
    const pc::Label* dup = nullptr;
    if (it != at.end())
      for (auto* l : it->second) {
        // The same credential: the secret overlaps the planted one, or lies inside the planted
        // rule's whole match (a URL rule reporting the password of a DSN or a token URL).
        bool same_secret = overlaps(l->secret, f.secret);
        if (!same_secret && l->match.find(f.secret) == std::string::npos) continue;
        if (same_secret && !matched.count(l)) { hit = l; break; }
        if (matched.count(l)) dup = l;
      }
    if (hit) {
      matched.insert(hit);
      s.rows[hit->provider].tp++;
      s.rows[hit->provider].cross++;
      s.crosses.push_back(where + " (planted for " + hit->rule + ")");
    } else if (dup) {
      s.rows[provider_of(f.rule)].dup++;
      s.dups.push_back(where + " (also reported by " + dup->rule + ")");
    } else {
      s.rows[provider_of(f.rule)].fp++;
      auto la = la_at.find({f.rel, f.line});
      std::string what = la != la_at.end() ? " on " + la->second->kind + " of " + la->second->rule : " (unlabelled spot)";
      s.fps.push_back("FP " + where + what + " [" + f.secret.substr(0, 70) + "]");
    }
  }
  for (auto& l : c.labels)
    if (!matched.count(&l))
      s.fns.push_back("FN " + l.rule + " in " + l.file + ":" + std::to_string(l.line) + " (" + l.format + ") [" +
                      l.secret.substr(0, 70) + "]");
  for (auto& [p, r] : s.rows) {
    s.total.planted += r.planted;
    s.total.tp += r.tp;
    s.total.fp += r.fp;
    s.total.cross += r.cross;
    s.total.dup += r.dup;
    s.total.lookalikes += r.lookalikes;
    s.total.rules.insert(r.rules.begin(), r.rules.end());
  }
  return s;
}

std::string table(const Score& s) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(3);
  o << "| provider | rules | planted | look-alikes | true pos | cross-rule | false pos | false neg | duplicates | "
       "precision | recall |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  auto row = [&](const std::string& name, const Row& r) {
    o << "| " << name << " | " << r.rules.size() << " | " << r.planted << " | " << r.lookalikes << " | " << r.tp
      << " | " << r.cross << " | " << r.fp << " | " << r.planted - r.tp << " | " << r.dup << " | "
      << ratio(r.tp, r.tp + r.fp) << " | " << ratio(r.tp, r.planted) << " |\n";
  };
  for (auto& [p, r] : s.rows) row(p, r);
  row("**overall**", s.total);
  return o.str();
}

void run_provider_corpus(uint64_t seed) {
  std::string tmp = e2e::make_temp_dir();
  std::string root = tmp + "/corpus";
  pc::Corpus c = pc::generate_provider_corpus(root, seed);
  keyhound::RuleSet rs = pc::corpus_rules();
  ASSERT_GE(c.rules_used, 100);
  ASSERT_GT(c.labels.size(), 3u * c.rules_used);
  auto r = e2e::run(e2e::kh() + " scan --format json --no-redact " + e2e::shell_quote(root));
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json report = json::parse(r.out);
  Score s = score(c, rs, root, report);
  std::printf("\nprovider corpus seed %llu: %zu files, %d rules (%d skipped), %zu planted keys, %zu look-alikes, "
              "%d mutations skipped (still the rule's shape), %d shape fallbacks\n%s",
              static_cast<unsigned long long>(seed), c.file_provider.size(), c.rules_used, c.rules_skipped,
              c.labels.size(), c.lookalikes.size(), c.mutations_skipped, c.shape_fallbacks, table(s).c_str());
  auto show = [](const char* title, const std::vector<std::string>& v, size_t max) {
    if (v.empty()) return std::string();
    std::string out = std::string(title) + " (" + std::to_string(v.size()) + "):\n";
    for (size_t i = 0; i < v.size() && i < max; ++i) out += "  " + v[i] + "\n";
    return out;
  };
  std::string problems = show("false positives", s.fps, 60) + show("false negatives", s.fns, 60);
  std::printf("%s%s%s%s%s", problems.c_str(), show("cross-rule matches", s.crosses, 40).c_str(),
              show("duplicates", s.dups, 40).c_str(), show("generator notes", c.notes, 40).c_str(),
              show("negative examples left out (a key by another rule's format)", c.negatives_of_other_formats, 40).c_str());
  double precision = ratio(s.total.tp, s.total.tp + s.total.fp), recall = ratio(s.total.tp, s.total.planted);
  EXPECT_GE(precision, 0.98) << problems;
  EXPECT_GE(recall, 0.98) << problems;
  e2e::run("rm -rf " + e2e::shell_quote(tmp));
}

}  // namespace

TEST(ProviderCorpus, FreshSecretsKeepTheRulesShapeAndChecksum) {
  keyhound::RuleSet rs = pc::corpus_rules();
  std::mt19937_64 rng(5);
  int checked = 0, checksummed = 0;
  for (auto& rule : rs.rules) {
    if (rule.family == "generic" || !rule.enabled) continue;
    for (auto& ex : rule.examples) {
      re2::StringPiece g[10];
      int ng = std::min(rule.re->NumberOfCapturingGroups() + 1, 10);
      if (!rule.re->Match(ex, 0, ex.size(), RE2::UNANCHORED, g, ng) || !g[rule.secret_group].data()) continue;
      size_t off = g[rule.secret_group].data() - ex.data();
      std::string orig(g[rule.secret_group].data(), g[rule.secret_group].size());
      std::string s = pc::fresh_secret(rule, ex, off, orig, rng);
      if (s.empty()) continue;
      ++checked;
      EXPECT_NE(s, orig) << rule.id;
      EXPECT_EQ(s.size(), orig.size()) << rule.id;
      std::string line = ex.substr(0, off) + s + ex.substr(off + orig.size());
      EXPECT_TRUE(pc::regex_captures(rule, line, off, s.size())) << rule.id << ": " << s;
      if (!rule.checksum.empty()) {
        ++checksummed;
        EXPECT_TRUE(keyhound::verify_checksum(rule.checksum, s)) << rule.id << ": " << s;
      }
    }
  }
  EXPECT_GT(checked, 300);
  EXPECT_GT(checksummed, 3);
}

TEST(ProviderCorpus, GeneratorIsDeterministicAndLabelled) {
  std::string a = e2e::make_temp_dir(), b = e2e::make_temp_dir();
  auto ca = pc::generate_provider_corpus(a, 11), cb = pc::generate_provider_corpus(b, 11);
  ASSERT_EQ(ca.labels.size(), cb.labels.size());
  ASSERT_GT(ca.lookalikes.size(), 500u);
  for (size_t i = 0; i < ca.labels.size(); ++i) {
    EXPECT_EQ(ca.labels[i].secret, cb.labels[i].secret);
    EXPECT_EQ(ca.labels[i].line, cb.labels[i].line);
    // The label's line really holds the start of the secret (a PEM block spans several lines).
    std::string line = e2e::read_line(a + "/" + ca.labels[i].file, ca.labels[i].line);
    std::string first = ca.labels[i].secret.substr(0, ca.labels[i].secret.find('\n'));
    EXPECT_NE(line.find(first), std::string::npos) << ca.labels[i].file << ":" << ca.labels[i].line;
  }
  // Every format is used.
  std::set<std::string> formats;
  for (auto& l : ca.labels) formats.insert(l.format);
  EXPECT_GE(formats.size(), 9u);
  std::string d = e2e::make_temp_dir();
  auto cc = pc::generate_provider_corpus(d, 12);
  EXPECT_NE(ca.labels[0].secret, cc.labels[0].secret);
  e2e::run("rm -rf " + e2e::shell_quote(a) + " " + e2e::shell_quote(b) + " " + e2e::shell_quote(d));
}

TEST(ProviderCorpus, PrecisionAndRecallSeed3) { run_provider_corpus(3); }
TEST(ProviderCorpus, PrecisionAndRecallSeed424242) { run_provider_corpus(424242); }
