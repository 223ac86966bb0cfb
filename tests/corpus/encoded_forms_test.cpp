// Precision and recall per encoded form (tests/support/encoded_forms.h): every form must score
// recall >= 0.95 and precision >= 0.99 on its own, so a form the decoders miss cannot hide behind
// the others. KEYHOUND_CORPUS_BINARY scores another build (main's, for a before/after table);
// KEYHOUND_CORPUS_KEEP=DIR copies the generated tree there to look at.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "e2e_util.h"
#include "encoded_forms.h"

using nlohmann::json;

namespace {

struct Score {
  int planted = 0, found = 0, fp = 0, tp = 0;
};

bool holds(const std::string& secret, const encoded_forms::Label& l) {
  if (secret.empty()) return false;
  if (secret.find(l.token) != std::string::npos) return true;
  if (!l.alt.empty() && secret.find(l.alt) != std::string::npos) return true;
  return secret.size() >= 16 && l.token.find(secret) != std::string::npos;
}

}  // namespace

TEST(EncodedFormsCorpus, EveryFormScoresRecallAndPrecision) {
  std::string root = e2e::make_temp_dir();
  encoded_forms::Corpus c = encoded_forms::generate(root, 1515, 6);
  const char* other = std::getenv("KEYHOUND_CORPUS_BINARY");
  std::string bin = other ? std::string("XDG_CACHE_HOME=") + root + "/.cache " + other : e2e::kh();
  auto r = e2e::run(bin + " scan --no-progress --no-redact --format json " + e2e::shell_quote(root));
  if (const char* keep = std::getenv("KEYHOUND_CORPUS_KEEP"))
    std::filesystem::copy(root, keep, std::filesystem::copy_options::recursive);
  std::filesystem::remove_all(root);
  ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.err;
  json doc = json::parse(r.out);
  const json& findings = doc["findings"];

  std::map<std::string, std::vector<const encoded_forms::Label*>> labels_of;  // file -> labels
  std::map<std::string, std::string> form_of;                                  // file -> form
  std::map<std::string, Score> score;
  for (auto& l : c.labels) {
    labels_of[l.file].push_back(&l);
    form_of[l.file] = l.form;
    score[l.form].planted++;
  }
  for (auto& l : c.lookalikes) form_of[l.file] = l.form;

  std::set<const encoded_forms::Label*> found;
  std::vector<std::string> problems;
  for (const json& f : findings) {
    std::string path = f["path"].get<std::string>();
    std::string rel = std::filesystem::path(path).lexically_relative(root).string();
    if (rel.empty() || rel.rfind("..", 0) == 0) rel = path;
    std::vector<std::string> secrets = {f["secret"].get<std::string>()};
    if (f.contains("parts"))
      for (const json& p : f["parts"]) secrets.push_back(p["secret"].get<std::string>());
    bool hit = false;
    for (auto* l : labels_of[rel])
      for (auto& s : secrets)
        if (holds(s, *l)) {
          hit = true;
          found.insert(l);
        }
    std::string form = form_of.count(rel) ? form_of[rel] : "?";
    // A docker config's auth value and a signed JWT are credentials in their own right.
    if (hit || (!labels_of[rel].empty() && (f["rule_id"] == "docker-config-auth" || f["rule_id"] == "jwt-signed-token"))) {
      score[form].tp++;
      continue;
    }
    score[form].fp++;
    problems.push_back("FP " + f["rule_id"].get<std::string>() + " in " + rel + ": " + secrets[0].substr(0, 24));
  }
  for (auto& l : c.labels)
    if (found.count(&l)) score[l.form].found++;
    else problems.push_back("FN " + l.form + " in " + l.file);

  std::string table;
  bool ok = true;
  for (auto& form : encoded_forms::form_names()) {
    Score s = score[form];
    double recall = s.planted ? static_cast<double>(s.found) / s.planted : 1.0;
    double precision = s.tp + s.fp ? static_cast<double>(s.tp) / (s.tp + s.fp) : 1.0;
    char line[160];
    std::snprintf(line, sizeof line, "  %-24s recall %2d/%-2d %.3f  precision %.3f (%d FP)\n", form.c_str(), s.found,
                  s.planted, recall, precision, s.fp);
    table += line;
    if (recall < 0.95 || precision < 0.99) ok = false;
  }
  std::printf("encoded forms: %zu planted, %zu look-alike files\n%s", c.labels.size(), c.lookalikes.size(),
              table.c_str());
  std::string why;
  for (size_t i = 0; i < problems.size() && i < 40; ++i) why += problems[i] + "\n";
  EXPECT_TRUE(ok) << table << why;
}
