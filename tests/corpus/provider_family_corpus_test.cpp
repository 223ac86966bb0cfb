// Precision and recall per provider family and per form on tokens written from the providers'
// documented layouts (tests/support/provider_families.*), not from the rules' examples: each
// family's tokens in .env, Compose, Kubernetes, CI, Terraform, SDK calls, logs, name/value
// lists..., and per family the look-alikes that must stay silent. Fails below 0.99 overall and
// below 0.95 for any family or form; prints the tables docs/provider-corpus.md quotes.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "e2e_util.h"
#include "provider_families.h"
#include "rules/rule_loader.h"

using nlohmann::json;
namespace pf = provider_families;

namespace {

struct Row {
  int planted = 0, tp = 0, fp = 0, lookalike_files = 0;
};

double ratio(int a, int b) { return b == 0 ? 1.0 : static_cast<double>(a) / b; }

std::string table(const std::string& what, const std::map<std::string, Row>& rows, const Row& total) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(3);
  o << "| " << what << " | planted | found | missed | look-alike files | false pos | precision | recall |\n"
    << "|---|---:|---:|---:|---:|---:|---:|---:|\n";
  auto row = [&](const std::string& n, const Row& r) {
    o << "| " << n << " | " << r.planted << " | " << r.tp << " | " << r.planted - r.tp << " | " << r.lookalike_files
      << " | " << r.fp << " | " << ratio(r.tp, r.tp + r.fp) << " | " << ratio(r.tp, r.planted) << " |\n";
  };
  for (auto& [n, r] : rows) row(n, r);
  row("**overall**", total);
  return o.str();
}

bool overlaps(const std::string& a, const std::string& b) {
  return !a.empty() && !b.empty() && (a.find(b) != std::string::npos || b.find(a) != std::string::npos);
}

}  // namespace

TEST(ProviderFamilyCorpus, PrecisionAndRecallPerFamilyAndForm) {
  std::string tmp = e2e::make_temp_dir();
  std::string root = tmp + "/corpus";
  pf::Corpus c = pf::generate(root, 20260314);
  // Published documentation keys (each rule's doc_examples) are look-alikes too.
  std::vector<std::string> docs;
  for (auto& r : keyhound::load_builtin_rules())
    for (auto& d : r.doc_examples) docs.push_back(d);
  pf::plant_doc_examples(c, root, docs);
  ASSERT_GE(pf::family_names().size(), 70u);

  // KEYHOUND_CORPUS_BINARY scores another build on the same corpus (the before/after columns of
  // docs/provider-corpus.md).
  const char* other = std::getenv("KEYHOUND_CORPUS_BINARY");
  std::string scan = other ? e2e::shell_quote(other) + " scan --no-config" : e2e::kh() + " scan";
  auto res = e2e::run(scan + " --format json --no-redact " + e2e::shell_quote(root));
  ASSERT_LE(res.exit_code, 1) << res.err;
  json report = json::parse(res.out);

  std::map<std::string, Row> fam, form;
  Row total;
  std::map<std::string, std::vector<size_t>> labels_in;  // file -> label indexes
  for (size_t i = 0; i < c.labels.size(); ++i) {
    auto& l = c.labels[i];
    labels_in[l.file].push_back(i);
    fam[l.family].planted++;
    form[l.form].planted++;
    total.planted++;
  }
  std::map<std::string, std::string> lookalike_kind;  // file -> kind
  for (auto& l : c.lookalikes) {
    lookalike_kind[l.file] = l.kind;
    fam[l.family].lookalike_files++;
    form["look-alike: " + l.kind].lookalike_files++;
    total.lookalike_files++;
  }
  std::set<size_t> found;
  std::vector<std::string> fps, fns;
  const json& findings = report["findings"];
  for (const json& f : findings) {
    std::string path = f["path"];
    std::string rel = path.rfind(root + "/", 0) == 0 ? path.substr(root.size() + 1) : path;
    std::string secret = f["secret"];
    uint64_t line = f["line"];
    bool matched = false, dup = false;
    for (size_t i : labels_in[rel]) {
      const pf::Label& l = c.labels[i];
      // The encoded form counts too: a docker config's auth is a credential of its own rule.
      if (l.line != line || !(overlaps(l.token, secret) || overlaps(l.encoded, secret))) continue;
      if (found.insert(i).second) {
        fam[l.family].tp++;
        form[l.form].tp++;
        total.tp++;
        matched = true;
      } else {
        dup = true;  // a second finding on the same token (a pair's half, an also-matched rule)
      }
      break;
    }
    if (matched || dup) continue;
    std::string family = c.file_family.count(rel) ? c.file_family[rel] : "(outside)";
    std::string where = lookalike_kind.count(rel) ? "look-alike: " + lookalike_kind[rel] : "planted file";
    fam[family].fp++;
    total.fp++;
    std::string form_key = lookalike_kind.count(rel) ? where : "(unlabelled spot)";
    for (size_t i : labels_in[rel]) form_key = c.labels[i].form;
    form[form_key].fp++;
    fps.push_back("FP " + std::string(f["rule_id"]) + " in " + rel + ":" + std::to_string(line) + " (" + where + ") [" +
                  secret.substr(0, 60) + "]");
  }
  for (size_t i = 0; i < c.labels.size(); ++i)
    if (!found.count(i))
      fns.push_back("FN " + c.labels[i].family + " " + c.labels[i].form + " in " + c.labels[i].file + ":" +
                    std::to_string(c.labels[i].line) + " [" + c.labels[i].token.substr(0, 60) + "]");

  std::printf("\nprovider family corpus: %zu families, %zu files, %zu planted tokens, %zu look-alike files\n\n%s\n%s\n",
              pf::family_names().size(), c.file_family.size(), c.labels.size(), c.lookalikes.size(),
              table("family", fam, total).c_str(), table("form", form, total).c_str());
  std::string problems;
  for (auto& s : fps) problems += s + "\n";
  for (auto& s : fns) problems += s + "\n";
  std::printf("%s", problems.c_str());

  double precision = ratio(total.tp, total.tp + total.fp), recall = ratio(total.tp, total.planted);
  EXPECT_GE(precision, 0.99) << problems;
  EXPECT_GE(recall, 0.99) << problems;
  for (auto& [n, r] : fam) {
    EXPECT_GE(ratio(r.tp, r.tp + r.fp), 0.95) << "family " << n;
    EXPECT_GE(ratio(r.tp, r.planted), 0.95) << "family " << n;
  }
  for (auto& [n, r] : form) {
    EXPECT_GE(ratio(r.tp, r.tp + r.fp), 0.95) << "form " << n;
    EXPECT_GE(ratio(r.tp, r.planted), 0.95) << "form " << n;
  }
  // Every family is planted in at least 3 files and has look-alikes.
  for (auto& n : pf::family_names()) {
    EXPECT_GE(fam[n].planted, 3) << n;
    EXPECT_GE(fam[n].lookalike_files, 4) << n;
  }
  if (!HasFailure()) e2e::run("rm -rf " + e2e::shell_quote(tmp));
}
