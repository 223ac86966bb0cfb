// Helpers for end-to-end tests: temp dirs, running the built binary, fake keys made at run time.
#pragma once
#include <cstdint>
#include <string>

#include "fake_keys.h"

namespace e2e {
struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs `cmd` through /bin/sh with stdout/stderr captured; `stdin_data` is fed on stdin.
RunResult run(const std::string& cmd, const std::string& stdin_data = "");
// The keyhound binary under test, with the db cache pointed at a private temp dir.
std::string kh();
// A fresh temporary directory, removed by the caller (or left for debugging).
std::string make_temp_dir();
void write_file(const std::string& path, const std::string& content);
std::string read_file(const std::string& path);
// Line `n` (1-based) of a file, without its newline; "" past the end.
std::string read_line(const std::string& path, uint64_t n);
// Random-looking but fake keys, built at run time so the repo holds no key literals.
using keyhound_test::fake_key_id;
using keyhound_test::fake_secret;
std::string shell_quote(const std::string& s);
// Base64 of `s`, standard or URL-safe alphabet, with or without '=' padding (test inputs).
std::string base64(const std::string& s, bool url_safe = false, bool pad = true);
// True when python3 with the jsonschema module is there to validate reports.
bool have_jsonschema();
// A published schema kept in tests/schemas/ (see its README), by file name.
std::string schema_path(const std::string& name);
// Validates the JSON file `doc` against tests/schemas/`schema_name` with python3-jsonschema (the
// validator the schema's draft names); exit code 0 when valid, the first error in `out` when not.
RunResult validate_json(const std::string& doc, const std::string& schema_name);
}  // namespace e2e
