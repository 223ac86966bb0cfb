// The built-in rules, compiled into the binary at build time: tools/rulegen.cpp parses and
// checks rules/*.toml and writes them as a table of these rows, so start-up parses no TOML.
// The table holds offsets, not pointers, so it needs no relocation at start-up: a table of
// pointers was 230 KB of memory the dynamic loader wrote (57 page faults) in every run, the
// runs that never read a rule (--version) included.
#pragma once
#include <cstddef>
#include <cstdint>

namespace keyhound {

struct BuiltinRuleRow {
  struct Str {  // builtin_rule_text()[offset, offset + size)
    uint32_t offset;
    uint32_t size;
  };
  struct List {  // builtin_rule_list_items()[first, first + size)
    uint32_t first;
    uint32_t size;
  };
  Str id, name, provider, description, reference, source_file;
  List keywords;
  Str regex;
  int secret_group;
  double min_entropy;
  int window;
  Str checksum, value_check;
  int severity;  // keyhound::Severity
  Str family;
  bool enabled;
  Str context_line, context_nearby;
  int context_lines;
  List reject_shapes, evidence_files, doc_examples, decode;
  int enrich, verify, remediation;  // ProviderFacts' enums
  Str attach_to, attach_role;
  int attach_lines;
  List examples, negative_examples;
};

// The rows of rules/*.toml (files by name, rules in file order), as the rule loader leaves
// them: fields checked, regexes not compiled yet.
const BuiltinRuleRow* builtin_rule_rows(size_t* count);
// The bytes every Str points into, and the Strs every List points into.
const char* builtin_rule_text();
const BuiltinRuleRow::Str* builtin_rule_list_items();

}  // namespace keyhound
