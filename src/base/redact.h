// Redaction of secrets for output: keep a few characters at each end so a person can recognise
// the key, hide the rest.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace keyhound {
// "AKIAIOSFODNN7EXAMPLE" -> "AKIA************MPLE"; shorter secrets keep less; newlines never kept.
std::string redact(std::string_view secret);
// Replaces every occurrence of each secret in `text` with its redacted form.
std::string redact_all(std::string text, const std::vector<std::string>& secrets);
}  // namespace keyhound
