#include "findings/baseline.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/escape.h"
#include "base/text_file.h"
#include "base/redact.h"

namespace keyhound {

const char* const kFingerprintDescription =
    "first 32 hex digits of SHA-256(\"keyhound-fp-v1\" NUL rule_id NUL path NUL secret "
    "[NUL part_role NUL part_secret]...), path relative to the scan root or repository; "
    "line numbers and commits are not hashed";

bool is_fingerprint(const std::string& s) {
  if (s.size() != 32) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string baseline_json(const std::vector<Finding>& findings) {
  using nlohmann::json;
  std::vector<const Finding*> fs;
  for (auto& f : findings) fs.push_back(&f);
  std::sort(fs.begin(), fs.end(), [](const Finding* a, const Finding* b) {
    if (a->where.path != b->where.path) return a->where.path < b->where.path;
    if (a->line != b->line) return a->line < b->line;
    return a->fingerprint < b->fingerprint;
  });
  std::set<std::string> seen;
  json arr = json::array();
  for (auto* f : fs) {
    if (!seen.insert(f->fingerprint).second) continue;
    json e = {{"fingerprint", f->fingerprint},
              {"rule_id", f->rule_id},
              {"path", to_valid_utf8(f->where.path)},
              {"line", f->line},
              {"secret", to_valid_utf8(redact(f->secret))}};
    if (!f->where.commit.empty()) e["commit"] = f->where.commit;
    arr.push_back(e);
  }
  json j = {{"keyhound_baseline", 1}, {"fingerprint_hashes", kFingerprintDescription}, {"findings", arr}};
  return j.dump(2) + "\n";
}

namespace {
size_t line_of(const std::string& text, size_t byte) {
  byte = std::min(byte, text.size());
  return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(byte), '\n'));
}
}  // namespace

std::set<std::string> parse_baseline(const std::string& text, const std::string& origin) {
  using nlohmann::json;
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    size_t at = e.byte > 0 ? e.byte - 1 : 0;
    bool truncated = at >= text.size() || text.find_first_not_of(" \t\r\n", at) == std::string::npos;
    throw SuppressionFileError(origin + ":" + std::to_string(line_of(text, at)) + ": " +
                               (truncated ? "truncated baseline (the JSON ends early)"
                                          : "not a keyhound baseline: invalid JSON"));
  } catch (const json::exception& e) {
    // e.g. a number too large for any integer type (fuzz-found: it escaped as an uncaught throw).
    throw SuppressionFileError(origin + ": not a keyhound baseline: invalid JSON (" + e.what() + ")");
  }
  if (!j.is_object() || !j.contains("keyhound_baseline"))
    throw SuppressionFileError(origin +
                               ": not a keyhound baseline (no \"keyhound_baseline\" key; write one with "
                               "--baseline-out)");
  if (!j["keyhound_baseline"].is_number_integer() || j["keyhound_baseline"].get<int64_t>() != 1)
    throw SuppressionFileError(origin + ": unsupported keyhound baseline version " +
                               j["keyhound_baseline"].dump());
  if (!j.contains("findings") || !j["findings"].is_array())
    throw SuppressionFileError(origin + ": keyhound baseline without a \"findings\" array");
  std::set<std::string> out;
  size_t i = 0;
  for (auto& e : j["findings"]) {
    if (!e.is_object() || !e.contains("fingerprint") || !e["fingerprint"].is_string() ||
        !is_fingerprint(e["fingerprint"].get<std::string>()))
      throw SuppressionFileError(origin + ": findings[" + std::to_string(i) +
                                 "]: missing or malformed \"fingerprint\" (32 lowercase hex digits)");
    out.insert(e["fingerprint"].get<std::string>());
    ++i;
  }
  return out;
}

std::set<std::string> load_baseline_file(const std::string& path) {
  return parse_baseline(read_text_file(path, "baseline"), path);
}

std::set<std::string> parse_ignore_file(const std::string& text, const std::string& origin) {
  std::set<std::string> out;
  std::istringstream in(text);
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    auto hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos) continue;
    size_t e = line.find_last_not_of(" \t\r");
    std::string fp = line.substr(b, e - b + 1);
    std::string lo = fp;
    for (auto& c : lo) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!is_fingerprint(lo))
      throw SuppressionFileError(origin + ":" + std::to_string(n) + ": '" + fp +
                                 "' is not a finding fingerprint (32 hex digits, as printed by keyhound)");
    out.insert(lo);
  }
  return out;
}

}  // namespace keyhound
