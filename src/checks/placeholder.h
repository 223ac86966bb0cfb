// Filters for values that look like keys but are placeholders or providers' documentation examples.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace keyhound {
// True for template values: XXXX runs, "your-key-here", "changeme", long runs of one character...
bool is_placeholder(std::string_view secret);
// True for documentation examples published by providers (AWS's ...EXAMPLE keys and the like).
// These are reported only with --include-examples, marked example.
bool is_documentation_example(std::string_view secret);
// True for RFC 2606 documentation hosts: example.com/.net/.org, their subdomains, *.example.
bool is_documentation_host(std::string_view host);
// True when `secret` is one of a rule's published documentation keys (doc_examples), a piece of
// one, or a copy of one with its tail changed.
bool is_published_example(const std::vector<std::string>& examples, std::string_view secret);
}  // namespace keyhound
