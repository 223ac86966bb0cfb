// The built-in rules, compiled into the binary at build time: tools/rulegen.cpp parses and
// checks rules/*.toml and writes them as a table of these rows, so start-up parses no TOML.
#pragma once
#include <cstddef>

namespace keyhound {

struct BuiltinRuleRow {
  struct Str {
    const char* data;
    size_t size;
  };
  struct List {
    const Str* items;
    size_t size;
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
  List reject_shapes, evidence_files, doc_examples;
  int enrich, verify, remediation;  // ProviderFacts' enums
  Str attach_to, attach_role;
  int attach_lines;
  List examples, negative_examples;
};

// The rows of rules/*.toml (files by name, rules in file order), as the rule loader leaves
// them: fields checked, regexes not compiled yet.
const BuiltinRuleRow* builtin_rule_rows(size_t* count);

}  // namespace keyhound
