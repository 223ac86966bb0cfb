#include "verify/http.h"

#include <curl/curl.h>
#include <dlfcn.h>

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

// libcurl is loaded when the first request is made, not when keyhound starts: with the TLS,
// LDAP and Kerberos libraries it pulls in it was a quarter of every run's start-up, and only
// --verify uses it. The headers still come from libcurl4-openssl-dev (types and constants).
struct Curl {
  decltype(&::curl_global_init) global_init = nullptr;
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_setopt) easy_setopt = nullptr;
  decltype(&::curl_easy_perform) easy_perform = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&::curl_slist_append) slist_append = nullptr;
  decltype(&::curl_slist_free_all) slist_free_all = nullptr;
  std::string error;  // why libcurl could not be loaded ("" when it was)
};

const Curl& curl_lib() {
  static Curl c;
  static std::once_flag once;
  std::call_once(once, [] {
    const char* name = "libcurl.so.4";
    void* h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      const char* e = dlerror();
      c.error = std::string("cannot load ") + name + " (install libcurl4): " + (e ? e : "unknown error");
      return;
    }
    bool ok = true;
    auto sym = [&](auto& fn, const char* s) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(h, s));
      if (!fn) ok = false;
    };
    sym(c.global_init, "curl_global_init");
    sym(c.easy_init, "curl_easy_init");
    sym(c.easy_cleanup, "curl_easy_cleanup");
    sym(c.easy_setopt, "curl_easy_setopt");
    sym(c.easy_perform, "curl_easy_perform");
    sym(c.easy_strerror, "curl_easy_strerror");
    sym(c.easy_getinfo, "curl_easy_getinfo");
    sym(c.slist_append, "curl_slist_append");
    sym(c.slist_free_all, "curl_slist_free_all");
    if (!ok) {
      c.error = std::string(name) + " lacks a function keyhound needs";
      return;
    }
    c.global_init(CURL_GLOBAL_DEFAULT);  // never unloaded: libcurl cannot be re-initialised
  });
  return c;
}

}  // namespace

void global_init() { curl_lib(); }

std::string Response::header(const std::string& name) const {
  for (auto& [k, v] : headers)
    if (k == name) return v;
  return "";
}

Response perform(const Request& req) {
  const Curl& lib = curl_lib();
  Response resp;
  if (!lib.error.empty()) {
    resp.error = lib.error;
    return resp;
  }
  if (!has_scheme(req.url, "https://") && !has_scheme(req.url, "http://")) {
    resp.error = "unsupported URL scheme";
    return resp;
  }
  auto curl_easy_setopt = lib.easy_setopt;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(lib.easy_init(), lib.easy_cleanup);
  if (!curl) {
    resp.error = "curl_easy_init failed";
    return resp;
  }
  CURL* h = curl.get();
  char errbuf[CURL_ERROR_SIZE] = {0};
  Sink sink{&resp.body, req.max_response_bytes};

  struct curl_slist* list = nullptr;
  for (const auto& [name, value] : req.headers)
    list = lib.slist_append(list, (name + ": " + value).c_str());
  // Drop curl's default "Expect: 100-continue" (it would stall small POSTs).
  list = lib.slist_append(list, "Expect:");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(list, lib.slist_free_all);

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

  CURLcode rc = lib.easy_perform(h);
  if (rc != CURLE_OK) {
    resp.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    if (sink.overflow)
      resp.error = "response larger than " + std::to_string(req.max_response_bytes) + " bytes";
    else
      resp.error = errbuf[0] ? std::string(errbuf) : std::string(lib.easy_strerror(rc));
    resp.body.clear();
    return resp;
  }
  lib.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp.status);
  resp.transport_ok = true;
  return resp;
}

}  // namespace keyhound::http
