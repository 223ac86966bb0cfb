// A tiny libcurl wrapper for the verifiers: one request, bounded in time and size, TLS
// verification always on, no redirects, no cookies, nothing read from config files.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace keyhound::http {

struct Request {
  std::string method = "GET";  // "GET" or "POST"
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // sent as given ("Name: value")
  std::string body;                                          // POST body
  int timeout_ms = 5000;                                     // whole request, connect included
  size_t max_response_bytes = 1 << 20;                       // larger bodies are an error
};

struct Response {
  bool transport_ok = false;  // false: no HTTP status (DNS, connect, TLS, timeout, ...)
  bool timed_out = false;
  long status = 0;            // HTTP status when transport_ok
  std::string body;
  std::string error;          // transport error text when !transport_ok
  // Response headers, names lowercased, in arrival order (paging and rate-limit headers).
  std::vector<std::pair<std::string, std::string>> headers;
  // The first header named `name` (lowercase), "" when absent.
  std::string header(const std::string& name) const;
};

// Performs one request. Thread-safe (curl_global_init is done once, before any thread uses it).
// Only http:// and https:// URLs are accepted; https peers and host names are verified.
Response perform(const Request& req);

// Call once from the main thread before starting threads (perform() also calls it).
void global_init();

}  // namespace keyhound::http
