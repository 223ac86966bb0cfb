#include "sources/org_listing.h"

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "base/hex.h"
#include "verify/http.h"

namespace keyhound {

namespace {

// Seconds to wait before retrying, or -1 when the response is not a rate-limit answer.
int rate_limit_wait(const http::Response& r) {
  if (r.status != 403 && r.status != 429) return -1;
  std::string retry = r.header("retry-after");
  if (!retry.empty()) return std::max(1, std::atoi(retry.c_str()));
  std::string remaining = r.header("x-ratelimit-remaining");
  if (remaining.empty()) remaining = r.header("ratelimit-remaining");
  if (remaining != "0") return r.status == 429 ? 60 : -1;
  std::string reset = r.header("x-ratelimit-reset");
  if (reset.empty()) reset = r.header("ratelimit-reset");
  long long at = std::atoll(reset.c_str());
  long long now = static_cast<long long>(std::time(nullptr));
  return static_cast<int>(std::max(1LL, at - now + 1));
}

// GETs `url`, waiting out rate limits; returns the 200 response. `what` names the listing.
http::Response get_page(const std::string& url, const std::vector<std::pair<std::string, std::string>>& headers,
                        const OrgListingOptions& o, const std::string& what) {
  for (int attempt = 0;; ++attempt) {
    http::Request req;
    req.url = url;
    req.headers = headers;
    req.timeout_ms = o.timeout_ms;
    req.max_response_bytes = 64u << 20;
    http::Response r = http::perform(req);
    if (!r.transport_ok) throw std::runtime_error(what + ": " + url + ": " + r.error);
    if (r.status == 200) return r;
    int wait = rate_limit_wait(r);
    if (wait < 0 || attempt >= 5)
      throw std::runtime_error(what + ": HTTP " + std::to_string(r.status) + " from " + url +
                               (r.status == 404 ? " (no such organisation or group, or no access)" : ""));
    if (wait > o.max_wait_seconds)
      throw std::runtime_error(what + ": rate limit resets in " + std::to_string(wait) + " s, more than --max-wait");
    if (o.note) o.note(what + ": rate limit reached, waiting " + std::to_string(wait) + " s");
    if (o.sleep) o.sleep(wait);
    else std::this_thread::sleep_for(std::chrono::seconds(wait));
  }
}

std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

bool keep(const ListedRepository& r, const OrgListingOptions& o) {
  return (o.include_forks || !r.fork) && (o.include_archived || !r.archived);
}

}  // namespace

std::string link_next(const std::string& h) {
  size_t pos = 0;
  while (pos < h.size()) {
    size_t lt = h.find('<', pos), gt = h.find('>', lt == std::string::npos ? pos : lt);
    if (lt == std::string::npos || gt == std::string::npos) return "";
    size_t end = h.find(',', gt);
    std::string params = h.substr(gt + 1, end == std::string::npos ? std::string::npos : end - gt - 1);
    if (params.find("rel=\"next\"") != std::string::npos || params.find("rel=next") != std::string::npos)
      return h.substr(lt + 1, gt - lt - 1);
    if (end == std::string::npos) return "";
    pos = end + 1;
  }
  return "";
}

std::vector<ListedRepository> list_github_org(const std::string& org, const OrgListingOptions& o) {
  std::string what = "GitHub organisation " + org;
  std::vector<std::pair<std::string, std::string>> headers{{"Accept", "application/vnd.github+json"},
                                                           {"X-GitHub-Api-Version", "2022-11-28"}};
  if (!o.token.empty()) headers.emplace_back("Authorization", "Bearer " + o.token);
  std::string url = trim_slash(o.api_url) + "/orgs/" + percent_encode(org) + "/repos?per_page=100&type=all";
  std::vector<ListedRepository> out;
  for (int pages = 0; !url.empty() && pages < 100000; ++pages) {
    http::Response r = get_page(url, headers, o, what);
    nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
    if (!j.is_array()) throw std::runtime_error(what + ": the API did not answer with a list (" + url + ")");
    for (auto& e : j) {
      ListedRepository lr;
      lr.name = e.value("full_name", "");
      lr.clone_url = e.value("clone_url", "");
      lr.fork = e.value("fork", false);
      lr.archived = e.value("archived", false);
      if (!lr.clone_url.empty() && keep(lr, o)) out.push_back(std::move(lr));
    }
    url = link_next(r.header("link"));
  }
  return out;
}

std::vector<ListedRepository> list_gitlab_group(const std::string& group, const OrgListingOptions& o) {
  std::string what = "GitLab group " + group;
  std::vector<std::pair<std::string, std::string>> headers;
  if (!o.token.empty()) headers.emplace_back("PRIVATE-TOKEN", o.token);
  std::string base = trim_slash(o.api_url) + "/groups/" + percent_encode(group) +
                     "/projects?per_page=100&include_subgroups=true&order_by=id&sort=asc";
  std::vector<ListedRepository> out;
  std::string page = "1";
  for (int pages = 0; !page.empty() && pages < 100000; ++pages) {
    http::Response r = get_page(base + "&page=" + page, headers, o, what);
    nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
    if (!j.is_array()) throw std::runtime_error(what + ": the API did not answer with a list");
    for (auto& e : j) {
      ListedRepository lr;
      lr.name = e.value("path_with_namespace", "");
      lr.clone_url = e.value("http_url_to_repo", "");
      lr.fork = e.contains("forked_from_project") && !e["forked_from_project"].is_null();
      lr.archived = e.value("archived", false);
      if (!lr.clone_url.empty() && keep(lr, o)) out.push_back(std::move(lr));
    }
    page = r.header("x-next-page");
  }
  return out;
}

}  // namespace keyhound
