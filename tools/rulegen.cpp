// Build-time tool: parses rules/*.toml with the same loader the binary uses for --rules, checks
// every rule (fields and regexes), and writes them as a C++ table, so the binary starts without
// parsing TOML (it took a fifth of a small scan's start-up).
//   keyhound_rulegen OUT.cpp rules/a.toml rules/b.toml ...
// The rule's origin is "rules/<file name>", as the embedded TOML text was named before.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "base/text_file.h"
#include "rules/rule_loader.h"

namespace {

// A C++ string literal holding exactly `s` (any byte, NULs included), with its length.
std::string literal(const std::string& s) {
  std::string out = "{\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f && c != '?') {  // '?': no trigraph-like runs
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    }
  }
  return out + "\", " + std::to_string(s.size()) + "}";
}

std::string list(const std::vector<std::string>& v, const std::string& name, std::ostream& decls) {
  if (v.empty()) return "{nullptr, 0}";
  decls << "constexpr Str " << name << "[] = {";
  for (size_t i = 0; i < v.size(); ++i) decls << (i ? ", " : "") << literal(v[i]);
  decls << "};\n";
  return "{" + name + ", " + std::to_string(v.size()) + "}";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: keyhound_rulegen OUT.cpp RULES.toml...\n";
    return 2;
  }
  std::vector<std::string> files(argv + 2, argv + argc);
  std::sort(files.begin(), files.end(), [](const std::string& a, const std::string& b) {
    return a.substr(a.find_last_of('/') + 1) < b.substr(b.find_last_of('/') + 1);
  });
  std::vector<keyhound::Rule> rules;
  try {
    for (auto& f : files) {
      std::string origin = "rules/" + f.substr(f.find_last_of('/') + 1);
      for (auto& r : keyhound::parse_rule_file(keyhound::read_text_file(f, "rule file"), origin, true)) {
        keyhound::Rule check = r;
        keyhound::compile_rule_regexes(check);  // a broken built-in regex fails the build
        rules.push_back(std::move(r));
      }
    }
    keyhound::make_rule_set(rules);  // duplicate ids, unknown attach_to targets
  } catch (const std::exception& e) {
    std::cerr << "keyhound_rulegen: " << e.what() << "\n";
    return 1;
  }

  std::ostringstream decls, rows;
  for (size_t i = 0; i < rules.size(); ++i) {
    const keyhound::Rule& r = rules[i];
    std::string n = std::to_string(i);
    char entropy[64];
    std::snprintf(entropy, sizeof entropy, "%.17g", r.min_entropy);
    rows << "  {" << literal(r.id) << ", " << literal(r.name) << ", " << literal(r.provider) << ",\n   "
         << literal(r.description) << ",\n   " << literal(r.reference) << ", " << literal(r.source_file) << ",\n   "
         << list(r.keywords, "kw" + n, decls) << ", " << literal(r.regex) << ",\n   " << r.secret_group << ", "
         << entropy << ", " << r.window << ", " << literal(r.checksum) << ", " << literal(r.value_check) << ", "
         << static_cast<int>(r.severity) << ", "
         << literal(r.family) << ", " << (r.enabled ? "true" : "false") << ",\n   " << literal(r.context_line)
         << ", " << literal(r.context_nearby) << ", " << r.context_lines << ",\n   "
         << list(r.reject_shapes, "rs" + n, decls) << ", " << list(r.evidence_files, "ef" + n, decls) << ", "
         << list(r.doc_examples, "de" + n, decls) << ",\n   " << static_cast<int>(r.facts.enrich) << ", "
         << static_cast<int>(r.facts.verify) << ", " << static_cast<int>(r.facts.remediation) << ", "
         << literal(r.attach_to) << ", "
         << literal(r.attach_role) << ", " << r.attach_lines << ",\n   " << list(r.examples, "ex" + n, decls)
         << ", " << list(r.negative_examples, "ne" + n, decls) << "},\n";
  }
  std::ostringstream out;
  out << "// Generated from rules/*.toml by tools/rulegen.cpp at build time. Do not edit.\n"
         "#include \"rules/builtin_rules.h\"\n"
         "namespace keyhound {\nnamespace {\nusing Str = BuiltinRuleRow::Str;\n"
      << decls.str() << "constexpr BuiltinRuleRow kRows[] = {\n" << rows.str() << "};\n}  // namespace\n\n"
      << "const BuiltinRuleRow* builtin_rule_rows(size_t* count) {\n  *count = " << rules.size()
      << ";\n  return kRows;\n}\n}  // namespace keyhound\n";
  std::string text = out.str();
  // Rewritten only when it changes, so an unchanged rule set recompiles nothing.
  if (auto old = keyhound::try_read_file(argv[1]); old && *old == text) return 0;
  std::ofstream f(argv[1], std::ios::binary | std::ios::trunc);
  f << text;
  if (!f.flush()) {
    std::cerr << "keyhound_rulegen: cannot write " << argv[1] << "\n";
    return 1;
  }
  return 0;
}
