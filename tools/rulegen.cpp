// Build-time tool: parses rules/*.toml with the same loader the binary uses for --rules, checks
// every rule (fields and regexes), and writes them as a C++ table, so the binary starts without
// parsing TOML (it took a fifth of a small scan's start-up).
//   keyhound_rulegen OUT.cpp rules/a.toml rules/b.toml ...
// The rule's origin is "rules/<file name>", as the embedded TOML text was named before.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "base/text_file.h"
#include "rules/rule_loader.h"

namespace {

// A C++ string literal holding exactly `s` (any byte, NULs included).
std::string literal(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f && c != '?') {  // '?': no trigraph-like runs
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);  // always 3 digits: a digit may follow
      out += buf;
    }
  }
  return out + "\"";
}

// Every string of the table in one block of text (each distinct string once), and every list
// as a run of consecutive Strs: rows refer to both by offset.
struct Pool {
  std::string text_literals;  // the block, as adjacent literals, one per string
  size_t text_size = 0;
  std::map<std::string, size_t> offset_of;
  std::vector<std::string> list_items;  // "{offset, size}" each

  std::string str(const std::string& s) {
    auto [it, fresh] = offset_of.emplace(s, text_size);
    if (fresh) {
      text_literals += "    " + literal(s) + "\n";
      text_size += s.size();
    }
    return "{" + std::to_string(it->second) + ", " + std::to_string(s.size()) + "}";
  }
  std::string list(const std::vector<std::string>& v) {
    size_t first = list_items.size();
    for (auto& s : v) list_items.push_back(str(s));
    return "{" + std::to_string(v.empty() ? 0 : first) + ", " + std::to_string(v.size()) + "}";
  }
};

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

  Pool pool;
  std::ostringstream rows;
  for (const keyhound::Rule& r : rules) {
    char entropy[64];
    std::snprintf(entropy, sizeof entropy, "%.17g", r.min_entropy);
    rows << "  {" << pool.str(r.id) << ", " << pool.str(r.name) << ", " << pool.str(r.provider) << ", "
         << pool.str(r.description) << ", " << pool.str(r.reference) << ", " << pool.str(r.source_file) << ",\n   "
         << pool.list(r.keywords) << ", " << pool.str(r.regex) << ", " << r.secret_group << ", " << entropy << ", "
         << r.window << ", " << pool.str(r.checksum) << ", " << pool.str(r.value_check) << ", "
         << static_cast<int>(r.severity) << ", " << pool.str(r.family) << ", " << (r.enabled ? "true" : "false")
         << ",\n   " << pool.str(r.context_line) << ", " << pool.str(r.context_nearby) << ", " << r.context_lines
         << ", " << pool.list(r.reject_shapes) << ", " << pool.list(r.evidence_files) << ", "
         << pool.list(r.doc_examples) << ", " << pool.list(r.decode) << ",\n   " << static_cast<int>(r.facts.enrich) << ", "
         << static_cast<int>(r.facts.verify) << ", " << static_cast<int>(r.facts.remediation) << ", "
         << pool.str(r.attach_to) << ", " << pool.str(r.attach_role) << ", " << r.attach_lines << ", "
         << pool.list(r.examples) << ", " << pool.list(r.negative_examples) << "},\n";
  }
  std::ostringstream items;
  for (auto& it : pool.list_items) items << "  " << it << ",\n";
  std::ostringstream out;
  out << "// Generated from rules/*.toml by tools/rulegen.cpp at build time. Do not edit.\n"
         "#include \"rules/builtin_rules.h\"\n"
         "namespace keyhound {\nnamespace {\nusing Str = BuiltinRuleRow::Str;\n"
      << "constexpr char kText[] =\n    \"\"\n" << pool.text_literals << "    ;\n"
      << "constexpr Str kListItems[] = {\n  {0, 0},  // (never empty)\n" << items.str() << "};\n"
      << "constexpr BuiltinRuleRow kRows[] = {\n" << rows.str() << "};\n}  // namespace\n\n"
      << "const BuiltinRuleRow* builtin_rule_rows(size_t* count) {\n  *count = " << rules.size()
      << ";\n  return kRows;\n}\n"
      << "const char* builtin_rule_text() { return kText; }\n"
      << "const BuiltinRuleRow::Str* builtin_rule_list_items() { return kListItems + 1; }\n"
      << "}  // namespace keyhound\n";
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
