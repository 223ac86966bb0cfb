#include "datastore/finding_codec.h"

#include <nlohmann/json.hpp>

#include "base/hex.h"
#include "base/redact.h"

namespace keyhound {

using nlohmann::json;

std::string encode_finding(const Finding& f, bool keep) {
  std::vector<std::string> secrets{f.secret};
  for (auto& p : f.parts) secrets.push_back(p.secret);
  auto hide = [&](const std::string& s) { return keep ? s : redact(s); };
  auto hide_all = [&](const std::string& s) { return keep ? s : redact_all(s, secrets); };
  json j;
  j["rule_id"] = f.rule_id;
  j["secret"] = hide(f.secret);
  j["match"] = hide_all(f.match);
  j["offset"] = f.offset;
  j["line"] = f.line;
  j["column"] = f.column;
  j["end_line"] = f.end_line;
  j["line_text"] = hide_all(f.line_text);
  j["binary"] = f.binary;
  j["entropy"] = f.entropy;
  j["example"] = f.example;
  json parts = json::array();
  for (auto& p : f.parts)
    parts.push_back({{"role", p.role},
                     {"rule_id", p.rule_id},
                     {"secret", hide(p.secret)},
                     {"offset", p.offset},
                     {"line", p.line},
                     {"column", p.column},
                     {"line_allows", p.line_allows}});
  j["parts"] = parts;
  j["properties"] = f.properties;
  // Bytes from scanned files need not be UTF-8: dump with replacement keeps the text valid.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Finding decode_finding(const std::string& text) {
  json j = json::parse(text);
  Finding f;
  f.rule_id = j.at("rule_id").get<std::string>();
  f.secret = j.at("secret").get<std::string>();
  f.match = j.value("match", "");
  f.offset = j.value("offset", uint64_t{0});
  f.line = j.value("line", uint64_t{0});
  f.column = j.value("column", uint64_t{0});
  f.end_line = j.value("end_line", uint64_t{0});
  f.line_text = j.value("line_text", "");
  f.binary = j.value("binary", false);
  f.entropy = j.value("entropy", 0.0);
  f.example = j.value("example", false);
  for (auto& p : j.value("parts", json::array())) {
    FindingPart fp;
    fp.role = p.value("role", "");
    fp.rule_id = p.value("rule_id", "");
    fp.secret = p.value("secret", "");
    fp.offset = p.value("offset", uint64_t{0});
    fp.line = p.value("line", uint64_t{0});
    fp.column = p.value("column", uint64_t{0});
    fp.line_allows = p.value("line_allows", false);
    f.parts.push_back(std::move(fp));
  }
  if (j.contains("properties")) f.properties = j["properties"].get<std::map<std::string, std::string>>();
  return f;
}

const Finding& FindingDecoder::decode(const std::string& text) {
  auto it = cache_.find(text);
  if (it != cache_.end()) return it->second;
  if (cache_.size() >= capacity_) cache_.clear();
  return cache_.emplace(text, decode_finding(text)).first->second;
}

bool OccurrenceSeen::first(const std::string& repository, const std::string& fingerprint, const std::string& blob,
                           const std::string& commit, const std::string& path, int64_t line, int64_t col) {
  std::string key = repository + '\0' + fingerprint;
  if (!first_only_) key += '\0' + blob + '\0' + commit + '\0' + path + '\0' + std::to_string(line) + ':' + std::to_string(col);
  return seen_.insert(std::move(key)).second;
}

std::string secret_hmac(const std::string& key, const Finding& f) {
  std::string m = f.rule_id;
  m += '\0';
  m += f.secret;
  for (auto& p : f.parts) {
    m += '\0';
    m += p.role;
    m += '\0';
    m += p.secret;
  }
  return hex_encode(hmac_sha256(key, m));
}

}  // namespace keyhound
