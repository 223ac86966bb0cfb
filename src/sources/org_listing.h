// The repositories of a GitHub organisation or a GitLab group, through their REST APIs:
// every page (GitHub's Link rel="next", GitLab's X-Next-Page), waiting when the API says the
// rate limit is spent (Retry-After, or X-RateLimit-Remaining: 0 with X-RateLimit-Reset).
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace keyhound {

struct OrgListingOptions {
  std::string api_url;        // https://api.github.com, https://gitlab.com/api/v4 (or a mock)
  std::string token;          // GITHUB_TOKEN / GITLAB_TOKEN; may be empty (public only)
  bool include_forks = true;
  bool include_archived = true;
  int max_wait_seconds = 3600;  // a rate-limit wait longer than this is an error
  int timeout_ms = 30000;
  // Waits `seconds` (tests pass a recorder); says why on `note` first.
  std::function<void(int seconds)> sleep;
  std::function<void(const std::string&)> note;
};

struct ListedRepository {
  std::string name;       // full name: org/repo, group/sub/project
  std::string clone_url;
  bool fork = false;
  bool archived = false;
};

// Throws std::runtime_error with one line naming the organisation and the HTTP status.
std::vector<ListedRepository> list_github_org(const std::string& org, const OrgListingOptions& o);
std::vector<ListedRepository> list_gitlab_group(const std::string& group, const OrgListingOptions& o);

// The URL with rel="next" in an RFC 8288 Link header, "" when none.
std::string link_next(const std::string& link_header);

}  // namespace keyhound
