#include "findings/enrich.h"

#include <stdexcept>

#include "findings/glob.h"

#include "findings/fingerprint.h"

namespace keyhound {

bool path_is_evidence(const std::vector<std::string>& globs, std::string_view path) {
  while (!path.empty() && (path[0] == '/' || path.substr(0, 2) == "./"))
    path.remove_prefix(path[0] == '/' ? 1 : 2);
  for (const auto& g : globs) {
    try {
      if (PathGlob(g).matches(path)) return true;
    } catch (const std::invalid_argument&) {
      // The rule loader rejects malformed globs; nothing else reaches here.
    }
  }
  return false;
}

void attach_provenance(Finding& f, const Provenance& where) {
  if (!f.evidence_files.empty() && !path_is_evidence(f.evidence_files, where.path))
    for (auto& fb : f.fallbacks)
      if (path_is_evidence(fb.evidence_files, where.path)) {
        Finding keep = std::move(fb);
        f = std::move(keep);
        break;
      }
  f.fallbacks.clear();
  f.where = where;
  if (!f.evidence_files.empty() && path_is_evidence(f.evidence_files, where.path)) f.evidence_files.clear();
  f.fingerprint = compute_fingerprint(f);
  if (f.facts.enrich == Enricher::AwsAccessKey || f.facts.enrich == Enricher::AwsSecretKey) {
    std::string base = where.path.substr(where.path.find_last_of('/') + 1);
    // rootkey.csv holds "AWSAccessKeyId=..." / "AWSSecretKey=..." lines; the same name inside a
    // presigned URL (?AWSAccessKeyId=) is not a root key, so only a line start counts.
    size_t first = f.line_text.find_first_not_of(" \t");
    bool root = base == "rootkey.csv" ||
                (first != std::string::npos && (f.line_text.compare(first, 15, "AWSAccessKeyId=") == 0 ||
                                                f.line_text.compare(first, 13, "AWSSecretKey=") == 0));
    if (root) f.properties["root_credentials"] = "true";
  }
}

}  // namespace keyhound
