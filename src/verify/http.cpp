#include "verify/http.h"

#include <curl/curl.h>

#include <cctype>
#include <memory>
#include <mutex>

#ifdef KEYHOUND_VERSION
#define KEYHOUND_UA_VERSION KEYHOUND_VERSION
#else
#define KEYHOUND_UA_VERSION "dev"
#endif

namespace keyhound::http {

namespace {

struct Sink {
  std::string* body;
  size_t limit;
  bool overflow = false;
};

size_t write_cb(char* ptr, size_t size, size_t nmemb, void* userdata) {
  auto* sink = static_cast<Sink*>(userdata);
  size_t n = size * nmemb;
  if (sink->body->size() + n > sink->limit) {
    sink->overflow = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  sink->body->append(ptr, n);
  return n;
}

// Collects "Name: value" lines; a redirect or 100-continue starts a new header block.
size_t header_cb(char* ptr, size_t size, size_t nmemb, void* userdata) {
  auto* out = static_cast<std::vector<std::pair<std::string, std::string>>*>(userdata);
  size_t n = size * nmemb;
  std::string line(ptr, n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (line.rfind("HTTP/", 0) == 0) {
    out->clear();
    return n;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos) return n;
  std::string name = line.substr(0, colon), value = line.substr(colon + 1);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  while (!value.empty() && value.front() == ' ') value.erase(0, 1);
  out->emplace_back(std::move(name), std::move(value));
  return n;
}

bool has_scheme(const std::string& url, const char* scheme) {
  return url.rfind(scheme, 0) == 0;
}

}  // namespace

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string Response::header(const std::string& name) const {
  for (auto& [k, v] : headers)
    if (k == name) return v;
  return "";
}

Response perform(const Request& req) {
  global_init();
  Response resp;
  if (!has_scheme(req.url, "https://") && !has_scheme(req.url, "http://")) {
    resp.error = "unsupported URL scheme";
    return resp;
  }
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) {
    resp.error = "curl_easy_init failed";
    return resp;
  }
  CURL* h = curl.get();
  char errbuf[CURL_ERROR_SIZE] = {0};
  Sink sink{&resp.body, req.max_response_bytes};

  struct curl_slist* list = nullptr;
  for (const auto& [name, value] : req.headers)
    list = curl_slist_append(list, (name + ": " + value).c_str());
  // Drop curl's default "Expect: 100-continue" (it would stall small POSTs).
  list = curl_slist_append(list, "Expect:");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(list, &curl_slist_free_all);

  curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85.0
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(h, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);  // a secret never follows a redirect
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);        // threads: no SIGALRM-based timeouts
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout_ms));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(req.timeout_ms));
  curl_easy_setopt(h, CURLOPT_NOPROXY, "127.0.0.1,localhost,::1");  // loopback never proxied
  curl_easy_setopt(h, CURLOPT_USERAGENT, "keyhound-verify/" KEYHOUND_UA_VERSION);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_cb);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &resp.headers);
  if (req.method == "POST") {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, req.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  } else if (req.method == "GET") {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    resp.error = "unsupported method " + req.method;
    return resp;
  }

  CURLcode rc = curl_easy_perform(h);
  if (rc != CURLE_OK) {
    resp.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    if (sink.overflow)
      resp.error = "response larger than " + std::to_string(req.max_response_bytes) + " bytes";
    else
      resp.error = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
    resp.body.clear();
    return resp;
  }
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp.status);
  resp.transport_ok = true;
  return resp;
}

}  // namespace keyhound::http
