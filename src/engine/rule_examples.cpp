#include "engine/rule_examples.h"

#include <algorithm>

#include "engine/database.h"
#include "engine/scanner.h"

namespace keyhound {
namespace {
// `file_only`: the rule's only evidence is its file's name (evidence_files without context
// fields), so its examples stand for lines of such a file.
bool produces(const std::vector<Finding>& fs, const std::string& id, bool file_only = false) {
  for (auto& f : fs) {
    if (!f.evidence_files.empty() && !file_only) continue;  // no path here to be its evidence
    if (f.rule_id == id) return true;
    // A generic rule folded into a more specific finding on the same bytes still matched.
    if (auto it = f.properties.find("also_matched"); it != f.properties.end() &&
                                                      ("," + it->second + ",").find("," + id + ",") != std::string::npos)
      return true;
    for (auto& p : f.parts)
      if (p.rule_id == id) return true;
    // Another file's rule on the same bytes, kept for the path to decide (file_only examples
    // stand for lines of this rule's file).
    if (file_only && produces(f.fallbacks, id, file_only)) return true;
  }
  return false;
}
std::string shorten(const std::string& s) { return s.size() > 80 ? s.substr(0, 77) + "..." : s; }
}  // namespace

std::vector<std::string> check_rule_examples(const RuleSet& in, const std::vector<std::string>& only) {
  RuleSet all = in;
  for (auto& r : all.rules) r.enabled = true;
  Database db(all, "");
  Scanner sc(all, db);
  Scratch scratch(db);
  std::vector<std::string> failures;
  for (const Rule& r : all.rules) {
    if (!only.empty() && std::find(only.begin(), only.end(), r.id) == only.end()) continue;
    if (r.examples.size() < 3) failures.push_back(r.source_file + ": rule '" + r.id + "': needs at least 3 examples");
    if (r.negative_examples.size() < 3)
      failures.push_back(r.source_file + ": rule '" + r.id + "': needs at least 3 negative_examples");
    bool file_only = !r.evidence_files.empty() && r.context_line.empty() && r.context_nearby.empty();
    for (auto& ex : r.examples)
      if (!produces(sc.scan_block(ex, scratch), r.id, file_only))
        failures.push_back(r.source_file + ": rule '" + r.id + "': example not detected: " + shorten(ex));
    for (auto& ex : r.negative_examples)
      if (produces(sc.scan_block(ex, scratch), r.id, file_only))
        failures.push_back(r.source_file + ": rule '" + r.id + "': negative example detected: " + shorten(ex));
  }
  return failures;
}

}  // namespace keyhound
