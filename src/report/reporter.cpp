#include "report/reporter.h"

namespace keyhound {

bool parse_format(const std::string& s, Format* out) {
  if (s == "text") *out = Format::Text;
  else if (s == "json") *out = Format::Json;
  else if (s == "jsonl") *out = Format::Jsonl;
  else if (s == "sarif") *out = Format::Sarif;
  else return false;
  return true;
}

void write_report(Format f, const ScanResult& r, const RuleSet& rules, const ReportOptions& o,
                  std::ostream& out) {
  switch (f) {
    case Format::Text: write_text(r, rules, o, out); break;
    case Format::Json: write_json(r, rules, o, out); break;
    case Format::Jsonl: write_jsonl(r, rules, o, out); break;
    case Format::Sarif: write_sarif(r, rules, o, out); break;
  }
}

}  // namespace keyhound
