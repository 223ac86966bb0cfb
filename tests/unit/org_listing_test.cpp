// GitHub / GitLab enumeration against a mock API on 127.0.0.1: paging and rate-limit waits.
#include <gtest/gtest.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "mock_http_server.h"
#include "sources/org_listing.h"

namespace {

using namespace keyhound;
using keyhound_test::HttpReq;
using keyhound_test::HttpResp;
using keyhound_test::MockServer;

nlohmann::json gh_repo(int i, bool fork, bool archived) {
  return {{"full_name", "acme/r" + std::to_string(i)},
          {"clone_url", "https://example.invalid/acme/r" + std::to_string(i) + ".git"},
          {"fork", fork},
          {"archived", archived}};
}

TEST(OrgListing, LinkNextIsFoundAmongOtherRelations) {
  EXPECT_EQ(link_next("<https://a/x?page=1>; rel=\"prev\", <https://a/x?page=3>; rel=\"next\""), "https://a/x?page=3");
  EXPECT_EQ(link_next("<https://a/x?page=1>; rel=\"first\""), "");
  EXPECT_EQ(link_next(""), "");
}

TEST(OrgListing, GithubPagesRateLimitAndFilters) {
  int calls = 0;
  std::string auth;
  MockServer* self = nullptr;
  MockServer srv([&](const HttpReq& r) {
    HttpResp resp;
    resp.content_type = "application/json";
    ++calls;
    auth = r.header("Authorization");
    if (calls == 2) {  // the second request hits the rate limit once
      resp.status = 403;
      resp.headers = {{"X-RateLimit-Remaining", "0"},
                      {"X-RateLimit-Reset", std::to_string(std::time(nullptr) + 2)}};
      resp.body = "{\"message\":\"API rate limit exceeded\"}";
      return resp;
    }
    nlohmann::json page = nlohmann::json::array();
    std::string base = "http://127.0.0.1:" + std::to_string(self->port()) + "/orgs/acme/repos";
    if (r.query.find("page=2") == std::string::npos) {
      page.push_back(gh_repo(1, false, false));
      page.push_back(gh_repo(2, true, false));
      resp.headers = {{"Link", "<" + base + "?page=2>; rel=\"next\", <" + base + "?page=2>; rel=\"last\""}};
    } else {
      page.push_back(gh_repo(3, false, true));
    }
    resp.body = page.dump();
    return resp;
  });
  self = &srv;
  std::vector<int> waits;
  OrgListingOptions o;
  o.api_url = "http://127.0.0.1:" + std::to_string(srv.port());
  o.token = "test-token";
  o.sleep = [&](int s) { waits.push_back(s); };
  auto all = list_github_org("acme", o);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].name, "acme/r3");
  EXPECT_TRUE(all[1].fork);
  EXPECT_TRUE(all[2].archived);
  ASSERT_EQ(waits.size(), 1u);
  EXPECT_GE(waits[0], 1);
  EXPECT_LE(waits[0], 4);
  EXPECT_EQ(auth, "Bearer test-token");
  calls = 10;  // no more rate limit
  o.include_forks = false;
  o.include_archived = false;
  auto some = list_github_org("acme", o);
  ASSERT_EQ(some.size(), 1u);
  EXPECT_EQ(some[0].name, "acme/r1");
}

TEST(OrgListing, GitlabNextPageAndRetryAfter) {
  int calls = 0;
  std::string token;
  MockServer srv([&](const HttpReq& r) {
    HttpResp resp;
    resp.content_type = "application/json";
    token = r.header("PRIVATE-TOKEN");
    if (++calls == 1) {
      resp.status = 429;
      resp.headers = {{"Retry-After", "3"}};
      return resp;
    }
    nlohmann::json page = nlohmann::json::array();
    bool second = r.query.find("page=2") != std::string::npos;
    page.push_back({{"path_with_namespace", second ? "grp/sub/b" : "grp/a"},
                    {"http_url_to_repo", second ? "https://example.invalid/grp/sub/b.git" : "https://example.invalid/grp/a.git"},
                    {"archived", false},
                    {"forked_from_project", second ? nlohmann::json{{"id", 1}} : nlohmann::json(nullptr)}});
    if (!second) resp.headers = {{"X-Next-Page", "2"}};
    else resp.headers = {{"X-Next-Page", ""}};
    resp.body = page.dump();
    return resp;
  });
  std::vector<int> waits;
  OrgListingOptions o;
  o.api_url = "http://127.0.0.1:" + std::to_string(srv.port()) + "/api/v4/";
  o.token = "gl-token";
  o.sleep = [&](int s) { waits.push_back(s); };
  auto all = list_gitlab_group("grp", o);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].name, "grp/sub/b");
  EXPECT_TRUE(all[1].fork);
  EXPECT_FALSE(all[0].fork);
  EXPECT_EQ(waits, std::vector<int>{3});
  EXPECT_EQ(token, "gl-token");
}

TEST(OrgListing, ErrorsNameTheOrganisationAndStatus) {
  MockServer srv([](const HttpReq&) {
    HttpResp r;
    r.status = 404;
    r.body = "{}";
    return r;
  });
  OrgListingOptions o;
  o.api_url = "http://127.0.0.1:" + std::to_string(srv.port());
  try {
    list_github_org("nope", o);
    FAIL();
  } catch (const std::runtime_error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("nope"), std::string::npos) << m;
    EXPECT_NE(m.find("404"), std::string::npos) << m;
  }
}

}  // namespace
