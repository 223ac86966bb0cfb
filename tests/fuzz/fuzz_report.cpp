// Reporter fuzzer: arbitrary findings (any bytes in paths, secrets, context, properties) through
// every output format. JSON must parse, every JSONL line must parse, SARIF must have the 2.1.0
// shape, and with redaction on no format may hold a full (long, alphanumeric) secret.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "report/reporter.h"
#include "rules/rule_loader.h"

using namespace keyhound;
using nlohmann::json;

namespace {
const RuleSet& rules() {
  static RuleSet* rs = [] {
    auto v = load_builtin_rules();
    for (auto& r : v) compile_rule(r);
    return new RuleSet(make_rule_set(std::move(v)));
  }();
  return *rs;
}

[[noreturn]] void fail(const std::string& what, const std::string& out) {
  std::fprintf(stderr, "report check failed: %s\n--- output ---\n%s\n", what.c_str(), out.c_str());
  std::abort();
}

void need(bool ok, const std::string& what, const std::string& out) {
  if (!ok) fail(what, out);
}

std::string alnum_secret(FuzzedDataProvider& p) {
  static const char* cs = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  size_t n = p.ConsumeIntegralInRange<size_t>(24, 64);
  std::string s;
  for (size_t i = 0; i < n; ++i) s += cs[p.ConsumeIntegralInRange<int>(0, 61)];
  return s;
}

void check_sarif(const std::string& out, const ScanResult& r) {
  json j;
  try {
    j = json::parse(out);
  } catch (const std::exception& e) {
    fail(std::string("SARIF does not parse: ") + e.what(), out);
  }
  need(j.value("version", "") == "2.1.0", "SARIF version", out);
  need(j.contains("$schema") && j["$schema"].is_string(), "SARIF $schema", out);
  need(j["runs"].is_array() && j["runs"].size() == 1, "SARIF runs", out);
  const json& run = j["runs"][0];
  need(run["tool"]["driver"]["name"].is_string(), "SARIF driver name", out);
  const json& drules = run["tool"]["driver"]["rules"];
  need(drules.is_array(), "SARIF driver rules", out);
  for (auto& dr : drules) need(dr["id"].is_string() && !dr["id"].get<std::string>().empty(), "rule id", out);
  const json& results = run["results"];
  need(results.is_array() && results.size() == r.findings.size(), "SARIF results count", out);
  for (auto& res : results) {
    need(res["ruleId"].is_string(), "result ruleId", out);
    need(res["message"]["text"].is_string(), "result message.text", out);
    need(res["level"].is_string(), "result level", out);
    std::string lvl = res["level"];
    need(lvl == "error" || lvl == "warning" || lvl == "note" || lvl == "none", "result level value", out);
    if (res.contains("ruleIndex")) {
      need(res["ruleIndex"].is_number_integer(), "ruleIndex type", out);
      int ix = res["ruleIndex"];
      need(ix >= 0 && static_cast<size_t>(ix) < drules.size(), "ruleIndex in range", out);
      need(drules[ix]["id"] == res["ruleId"], "ruleIndex names ruleId", out);
    }
    need(res["locations"].is_array() && !res["locations"].empty(), "result locations", out);
    for (auto& loc : res["locations"]) {
      const json& pl = loc["physicalLocation"];
      need(pl["artifactLocation"]["uri"].is_string(), "artifactLocation.uri", out);
      std::string uri = pl["artifactLocation"]["uri"];
      for (unsigned char c : uri) need(c > 0x20 && c < 0x7f && c != ' ', "uri is a clean URI reference", out);
      if (pl.contains("region")) {
        const json& rg = pl["region"];
        for (const char* k : {"startLine", "startColumn", "endLine", "endColumn"})
          if (rg.contains(k)) need(rg[k].is_number_integer() && rg[k].get<int64_t>() >= 1, std::string(k) + " >= 1", out);
        for (const char* k : {"byteOffset", "byteLength"})
          if (rg.contains(k)) need(rg[k].is_number_integer() && rg[k].get<int64_t>() >= 0, std::string(k) + " >= 0", out);
        need(rg.contains("startLine") || rg.contains("byteOffset") || rg.contains("charOffset"),
             "region has a start", out);
        if (rg.contains("endLine") && rg.contains("startLine"))
          need(rg["endLine"].get<int64_t>() >= rg["startLine"].get<int64_t>(), "endLine >= startLine", out);
      }
    }
    if (res.contains("suppressions")) {
      for (auto& s : res["suppressions"]) {
        std::string k = s.value("kind", "");
        need(k == "inSource" || k == "external", "suppression kind", out);
      }
    }
    if (res.contains("baselineState")) {
      std::string b = res["baselineState"];
      need(b == "new" || b == "unchanged" || b == "updated" || b == "absent", "baselineState", out);
    }
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const RuleSet& rs = rules();
  FuzzedDataProvider p(data, size);
  ScanResult r;
  r.tool_version = "0.0.0-fuzz";
  std::vector<std::string> secrets;  // long alphanumerics that must never appear when redacted
  std::string free_text;             // every arbitrary field, to rule out coincidences
  size_t n = p.ConsumeIntegralInRange<size_t>(0, 6);
  for (size_t i = 0; i < n; ++i) {
    Finding f;
    f.rule_index = p.ConsumeIntegralInRange<int>(0, static_cast<int>(rs.rules.size()) - 1);
    f.rule_id = rs.rules[f.rule_index].id;
    f.facts = rs.rules[f.rule_index].facts;
    bool alnum = p.ConsumeBool();
    f.secret = alnum ? alnum_secret(p) : p.ConsumeRandomLengthString(80);
    std::string before = p.ConsumeRandomLengthString(40), after = p.ConsumeRandomLengthString(40);
    f.line_text = before + f.secret + after;
    f.match = f.secret;
    f.offset = p.ConsumeIntegral<uint32_t>();
    f.line = p.ConsumeIntegralInRange<uint64_t>(0, 1000000);
    f.column = p.ConsumeIntegralInRange<uint64_t>(1, 100000);
    f.end_line = p.ConsumeBool() ? f.line : f.line + p.ConsumeIntegralInRange<uint64_t>(0, 5);
    f.binary = p.ConsumeBool();
    f.entropy = p.ConsumeFloatingPointInRange<double>(0.0, 8.0);
    f.example = p.ConsumeBool();
    f.where.path = p.ConsumeRandomLengthString(60);
    if (p.ConsumeBool()) {
      f.where.commit = std::string(40, 'a');
      f.where.author = p.ConsumeRandomLengthString(20);
      f.where.email = p.ConsumeRandomLengthString(20);
      f.where.date = "2024-01-01T00:00:00Z";
      f.where.blob = std::string(40, 'b');
    }
    size_t np = p.ConsumeIntegralInRange<size_t>(0, 2);
    for (size_t k = 0; k < np; ++k) {
      FindingPart part;
      part.role = k ? "secret_b" : "secret_a";
      part.rule_id = rs.rules[p.ConsumeIntegralInRange<int>(0, static_cast<int>(rs.rules.size()) - 1)].id;
      bool part_alnum = p.ConsumeBool();
      part.secret = part_alnum ? alnum_secret(p) : p.ConsumeRandomLengthString(60);
      part.line = p.ConsumeIntegralInRange<uint64_t>(1, 1000);
      part.column = 1;
      f.line_text += " " + part.secret;
      // Only long random alphanumerics are checked: a short or repetitive secret can show up
      // in other fields by coincidence (JSON doubles backslashes, ids repeat characters).
      if (part_alnum) secrets.push_back(part.secret);
      f.parts.push_back(part);
    }
    // Printed in text output: escaped like everything else, whatever produced them.
    if (p.ConsumeBool()) f.properties["kind"] = p.ConsumeRandomLengthString(16);
    if (p.ConsumeBool()) f.properties["aws_account_id"] = p.ConsumeRandomLengthString(16);
    if (p.ConsumeBool()) f.properties["note_" + std::to_string(i)] = p.ConsumeRandomLengthString(16);
    f.fingerprint = "fp" + std::to_string(i);
    f.suppressed = p.ConsumeBool();
    if (f.suppressed) {
      f.suppression_kind = p.ConsumeBool() ? SuppressionKind::InSource : SuppressionKind::External;
      f.suppression_reason = p.ConsumeRandomLengthString(20);
    }
    int bs = p.ConsumeIntegralInRange<int>(0, 2);
    f.baseline_state = bs == 0 ? BaselineState::None : bs == 1 ? BaselineState::New : BaselineState::Unchanged;
    if (p.ConsumeBool()) {
      f.verified = Verification::Unknown;
      f.verified_detail = p.ConsumeRandomLengthString(20);
    }
    free_text += f.where.commit + "\x01" + f.where.blob + "\x01" + f.where.date + "\x01";
    free_text += before + "\x01" + after + "\x01" + f.where.path + "\x01" + f.where.author + "\x01" +
                 f.where.email + "\x01" + f.suppression_reason + "\x01" + f.verified_detail + "\x01";
    for (auto& [k, v] : f.properties) free_text += v + "\x01";
    if (alnum) secrets.push_back(f.secret);
    if (f.suppressed) r.summary.suppressed++;
    else r.summary.findings++;
    r.findings.push_back(std::move(f));
  }
  r.summary.files_scanned = p.ConsumeIntegral<uint16_t>();
  // Skip reasons and notes are keyhound's own words, not scanned bytes.
  r.summary.skipped[p.PickValueInArray({keyhound::SkipReason::Symlink, keyhound::SkipReason::SpecialFile,
                                          keyhound::SkipReason::TooLarge, keyhound::SkipReason::Unreadable})] =
      p.ConsumeIntegral<uint16_t>();
  if (p.ConsumeBool()) r.summary.notes["streamed_files"] = std::to_string(p.ConsumeIntegral<uint8_t>());

  ReportOptions o;
  o.show_suppressed = p.ConsumeBool();
  o.color = p.ConsumeBool();
  for (Format fmt : {Format::Text, Format::Json, Format::Jsonl, Format::Sarif}) {
    std::ostringstream os;
    write_report(fmt, r, rs, o, os);
    std::string out = os.str();
    for (auto& s : secrets) {
      // A long random secret can only show up by coincidence if the fuzzer put it in another field.
      if (free_text.find(s) != std::string::npos) continue;
      need(out.find(s) == std::string::npos, "a redacted report holds a full secret: " + s, out);
    }
    if (fmt == Format::Text) {
      // No raw control characters except newline and the reporter's own colour codes.
      for (size_t i = 0; i < out.size(); ++i) {
        unsigned char c = out[i];
        if (c == '\n' || c == '\t') continue;  // tabs are kept on purpose
        if (c == 0x1b && o.color && out.compare(i, 2, "\x1b[") == 0) continue;
        need(c >= 0x20 && c != 0x7f, "text output holds a raw control character", out);
      }
    } else if (fmt == Format::Json) {
      try {
        json j = json::parse(out);
        need(j.is_object() || j.is_array(), "JSON top level", out);
      } catch (const std::exception& e) {
        fail(std::string("JSON does not parse: ") + e.what(), out);
      }
    } else if (fmt == Format::Jsonl) {
      std::istringstream is(out);
      std::string line;
      while (std::getline(is, line)) {
        if (line.empty()) continue;
        try {
          json::parse(line);
        } catch (const std::exception& e) {
          fail(std::string("JSONL line does not parse: ") + e.what(), out);
        }
      }
    } else {
      check_sarif(out, r);
    }
  }
  // Unredacted output must still be well-formed.
  o.redact = false;
  std::ostringstream js, ss;
  write_report(Format::Json, r, rs, o, js);
  write_report(Format::Sarif, r, rs, o, ss);
  try {
    json::parse(js.str());
  } catch (const std::exception& e) {
    fail(std::string("unredacted JSON does not parse: ") + e.what(), js.str());
  }
  check_sarif(ss.str(), r);
  return 0;
}
