#include "verify/verifier.h"

#include <nlohmann/json.hpp>
#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <thread>

#include "verify/http.h"
#include "verify/sigv4.h"

namespace keyhound {

namespace {

constexpr const char* kStsBody = "Action=GetCallerIdentity&Version=2011-06-15";
constexpr const char* kStsRegion = "us-east-1";
constexpr const char* kStsService = "sts";

struct Url {
  bool ok = false;
  bool https = false;
  std::string authority;  // host[:port], as the Host header carries it
  std::string host;       // without port and brackets
  std::string path = "/";
  std::string query;
};

Url parse_url(const std::string& url) {
  Url u;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    u.https = true;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
  } else {
    return u;
  }
  size_t slash = rest.find_first_of("/?#");
  u.authority = rest.substr(0, slash);
  std::string tail = slash == std::string::npos ? "" : rest.substr(slash);
  if (size_t hash = tail.find('#'); hash != std::string::npos) tail.resize(hash);
  if (u.authority.empty() || u.authority.find('@') != std::string::npos) return u;
  if (u.authority[0] == '[') {
    size_t close = u.authority.find(']');
    if (close == std::string::npos) return u;
    u.host = u.authority.substr(1, close - 1);
  } else {
    u.host = u.authority.substr(0, u.authority.find(':'));
  }
  size_t q = tail.find('?');
  u.path = q == std::string::npos ? tail : tail.substr(0, q);
  if (u.path.empty()) u.path = "/";
  if (q != std::string::npos) u.query = tail.substr(q + 1);
  u.ok = !u.host.empty();
  return u;
}

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// Why an endpoint may not receive secrets, or "" when it may.
std::string endpoint_problem(const Url& u) {
  if (!u.ok) return "invalid verification endpoint URL";
  if (!u.https && !is_loopback(u.host))
    return "refusing to send a secret over plain HTTP to a non-loopback host";
  return "";
}

std::string xml_text(const std::string& xml, const std::string& tag) {
  std::string open = "<" + tag + ">", close = "</" + tag + ">";
  size_t a = xml.find(open);
  if (a == std::string::npos) return "";
  a += open.size();
  size_t b = xml.find(close, a);
  if (b == std::string::npos) return "";
  std::string v = xml.substr(a, b - a);
  // Trim whitespace; these are plain tokens (ARNs, IDs, codes, short messages).
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  v.erase(v.begin(), std::find_if(v.begin(), v.end(), not_space));
  v.erase(std::find_if(v.rbegin(), v.rend(), not_space).base(), v.end());
  return v;
}

// Keeps provider text printable and short in reports.
std::string clip(std::string s, size_t max = 200) {
  for (auto& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  if (s.size() > max) s = s.substr(0, max) + "...";
  return s;
}

struct Outcome {
  Verification verified = Verification::Unknown;
  std::string detail;
  std::map<std::string, std::string> props;
};

enum class Provider { Aws, Cloudflare };

struct Job {
  Provider provider;
  std::string id;         // AWS access key ID
  std::string secret;     // AWS secret access key / Cloudflare token
  std::string session;    // AWS session token (temporary keys)
  Outcome outcome;
};

// ---- AWS STS ------------------------------------------------------------------------------

std::string aws_error_meaning(const std::string& code) {
  if (code == "InvalidClientTokenId" || code == "InvalidAccessKeyId" ||
      code == "UnrecognizedClientException")
    return "AWS does not accept this access key ID: the key was deleted or made inactive (or it "
           "belongs to another partition such as AWS China or GovCloud)";
  if (code == "SignatureDoesNotMatch")
    return "AWS knows this access key ID but the secret found with it is wrong (not this key's "
           "secret, or altered); the key ID itself may still be live";
  if (code == "ExpiredToken" || code == "ExpiredTokenException")
    return "these temporary credentials have expired";
  if (code == "InvalidToken")
    return "the session token is invalid for these temporary credentials";
  return "";
}

Outcome interpret_sts(const http::Response& r) {
  Outcome o;
  if (!r.transport_ok) {
    o.verified = Verification::Unknown;
    o.detail = std::string(r.timed_out ? "timeout: " : "network error: ") + clip(r.error);
    return o;
  }
  if (r.status == 200) {
    std::string arn = xml_text(r.body, "Arn");
    std::string account = xml_text(r.body, "Account");
    std::string user_id = xml_text(r.body, "UserId");
    if (r.body.find("GetCallerIdentityResult") == std::string::npos || arn.empty()) {
      o.verified = Verification::Unknown;
      o.detail = "HTTP 200 but not a GetCallerIdentity response";
      return o;
    }
    o.verified = Verification::Valid;
    o.detail = "STS GetCallerIdentity accepted the key: " + clip(arn);
    o.props["verified_arn"] = clip(arn);
    if (!account.empty()) o.props["verified_account"] = clip(account);
    if (!user_id.empty()) o.props["verified_user_id"] = clip(user_id);
    return o;
  }
  std::string code = xml_text(r.body, "Code");
  std::string message = xml_text(r.body, "Message");
  std::string meaning = aws_error_meaning(code);
  std::string what = "HTTP " + std::to_string(r.status) + (code.empty() ? "" : " " + clip(code, 80)) +
                     (message.empty() ? "" : " (" + clip(message) + ")");
  if (r.status >= 400 && r.status < 500 && !meaning.empty()) {
    o.verified = Verification::Rejected;
    o.detail = what + ": " + meaning;
    o.props["verified_error_code"] = clip(code, 80);
    return o;
  }
  o.verified = Verification::Unknown;
  o.detail = what + (r.status >= 500 ? ": AWS-side error, try again later"
                                     : ": answer does not tell whether the key works");
  if (!code.empty()) o.props["verified_error_code"] = clip(code, 80);
  return o;
}

http::Request sts_request(const Job& job, const Url& u, int timeout_ms) {
  sigv4::Request sreq;
  sreq.method = "POST";
  sreq.path = u.path;
  sreq.query = sigv4::parse_query(u.query);
  std::string amz_date = sigv4::amz_date_now();
  sreq.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                  {"Host", u.authority},
                  {"X-Amz-Date", amz_date}};
  if (!job.session.empty()) sreq.headers.emplace_back("X-Amz-Security-Token", job.session);
  sreq.body = kStsBody;
  sigv4::Credentials creds{job.id, job.secret, job.session};
  sigv4::Signature sig = sigv4::sign(sreq, creds, kStsRegion, kStsService, amz_date);

  http::Request req;
  req.method = "POST";
  req.url = (u.https ? "https://" : "http://") + u.authority + u.path +
            (u.query.empty() ? "" : "?" + u.query);
  req.headers = sreq.headers;
  req.headers.emplace_back("Authorization", sig.authorization);
  req.headers.emplace_back("Accept", "text/xml");
  req.body = sreq.body;
  req.timeout_ms = timeout_ms;
  return req;
}

// ---- Cloudflare ---------------------------------------------------------------------------

Outcome interpret_cloudflare(const http::Response& r) {
  Outcome o;
  if (!r.transport_ok) {
    o.verified = Verification::Unknown;
    o.detail = std::string(r.timed_out ? "timeout: " : "network error: ") + clip(r.error);
    return o;
  }
  nlohmann::json j = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  std::string errors;
  int first_code = 0;
  if (j.is_object() && j.contains("errors") && j["errors"].is_array()) {
    for (const auto& e : j["errors"]) {
      if (!e.is_object()) continue;
      int code = e.value("code", 0);
      if (first_code == 0) first_code = code;
      if (!errors.empty()) errors += "; ";
      errors += std::to_string(code) + " " + (e.contains("message") && e["message"].is_string()
                                                  ? e["message"].get<std::string>()
                                                  : std::string());
    }
  }
  std::string what = "HTTP " + std::to_string(r.status) + (errors.empty() ? "" : " (" + clip(errors) + ")");
  if (r.status == 200 && j.is_object() && j.value("success", false) && j.contains("result") &&
      j["result"].is_object()) {
    const auto& res = j["result"];
    std::string status = res.contains("status") && res["status"].is_string()
                             ? res["status"].get<std::string>() : "";
    if (res.contains("id") && res["id"].is_string())
      o.props["verified_token_id"] = clip(res["id"].get<std::string>(), 80);
    if (!status.empty()) o.props["verified_token_status"] = clip(status, 40);
    if (res.contains("expires_on") && res["expires_on"].is_string())
      o.props["verified_expires_on"] = clip(res["expires_on"].get<std::string>(), 40);
    if (status == "active") {
      o.verified = Verification::Valid;
      o.detail = "Cloudflare token verify: token is active";
    } else if (status == "disabled" || status == "expired") {
      o.verified = Verification::Rejected;
      o.detail = "Cloudflare token verify: token exists but is " + status;
    } else {
      o.verified = Verification::Unknown;
      o.detail = "Cloudflare token verify: unexpected status '" + clip(status, 40) + "'";
    }
    return o;
  }
  // 401/403: the token is not accepted. 400 with the token-format errors (6003 invalid request
  // headers, 6111 invalid Authorization header format) means it cannot be a working token.
  if (r.status == 401 || r.status == 403 ||
      (r.status == 400 && (first_code == 6003 || first_code == 6111 || first_code == 1000))) {
    o.verified = Verification::Rejected;
    o.detail = what + ": Cloudflare does not accept this user API token (rolled, deleted, expired "
               "or never valid; an account-owned token is checked at its account's endpoint "
               "instead)";
    if (first_code) o.props["verified_error_code"] = std::to_string(first_code);
    return o;
  }
  o.verified = Verification::Unknown;
  o.detail = what + (r.status >= 500 ? ": Cloudflare-side error, try again later"
                                     : ": answer does not tell whether the token works");
  return o;
}

http::Request cloudflare_request(const Job& job, const std::string& endpoint, int timeout_ms) {
  http::Request req;
  req.method = "GET";
  req.url = endpoint;
  req.headers = {{"Authorization", "Bearer " + job.secret}, {"Accept", "application/json"}};
  req.timeout_ms = timeout_ms;
  return req;
}

// ---- Runner -------------------------------------------------------------------------------

struct Runner {
  const VerifyOptions& opts;
  Url sts, cloudflare;
  std::string sts_problem, cloudflare_problem;
  std::atomic<int> requests{0};

  explicit Runner(const VerifyOptions& o)
      : opts(o), sts(parse_url(o.sts_endpoint)), cloudflare(parse_url(o.cloudflare_endpoint)) {
    sts_problem = endpoint_problem(sts);
    cloudflare_problem = endpoint_problem(cloudflare);
  }

  bool take_slot() { return requests.fetch_add(1) < std::max(0, opts.max_requests); }

  void run(Job& job) {
    const std::string& problem = job.provider == Provider::Aws ? sts_problem : cloudflare_problem;
    if (!problem.empty()) {
      job.outcome = {Verification::Unknown, problem, {}};
      return;
    }
    int timeout = std::max(1, opts.timeout_ms);
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!take_slot()) {
        if (attempt == 0) job.outcome = {Verification::Unknown, "request cap reached", {}};
        return;  // on a retry: keep the first attempt's network error
      }
      http::Request req = job.provider == Provider::Aws
                              ? sts_request(job, sts, timeout)
                              : cloudflare_request(job, opts.cloudflare_endpoint, timeout);
      http::Response resp = http::perform(req);
      std::fill(req.headers.begin(), req.headers.end(), std::pair<std::string, std::string>{});
      job.outcome = job.provider == Provider::Aws ? interpret_sts(resp) : interpret_cloudflare(resp);
      if (resp.transport_ok) return;  // retry only on a network error
    }
    job.outcome.detail += " (after one retry)";
  }
};

const FindingPart* find_part(const Finding& f, const std::string& role) {
  for (const auto& p : f.parts)
    if (p.role == role) return &p;
  return nullptr;
}

std::string aws_kind(const Finding& f) {
  auto it = f.properties.find("kind");
  if (it != f.properties.end() && !it->second.empty()) return it->second;
  if (f.secret.rfind("ASIA", 0) == 0) return "temporary";
  if (f.secret.rfind("AKIA", 0) == 0) return "long-term";
  return "";
}

void apply(Finding& f, const Outcome& o) {
  f.verified = o.verified;
  f.verified_detail = o.detail;
  for (const auto& [k, v] : o.props) f.properties[k] = v;
}

}  // namespace

void verify_findings(std::vector<Finding>& findings, const VerifyOptions& opts) {
  if (!opts.enabled) return;

  std::vector<Job> jobs;
  std::map<std::string, size_t> by_key;           // distinct credential -> job
  std::vector<std::pair<size_t, size_t>> assign;  // finding index -> job index

  for (size_t i = 0; i < findings.size(); ++i) {
    Finding& f = findings[i];
    if (f.suppressed) continue;
    bool aws = f.facts.verify == VerifyWith::AwsSts;
    bool cf = f.facts.verify == VerifyWith::CloudflareToken;
    if (f.facts.verify == VerifyWith::CloudflareScannable) {
      // cfut_ = user API token: same verify endpoint. cfat_ (account-owned token) is verified
      // at /accounts/{account_id}/tokens/verify and cfk_ (Global API Key) needs the account
      // e-mail: asking the user endpoint would wrongly look like a rejection.
      if (f.secret.rfind("cfut_", 0) == 0) {
        cf = true;
      } else if (!f.suppressed) {
        apply(f, {Verification::Unverifiable,
                  f.secret.rfind("cfk_", 0) == 0
                      ? "Cloudflare Global API Key: checking it needs the account e-mail"
                      : "Cloudflare account-owned token: checking it needs the account ID",
                  {}});
        continue;
      }
    }
    if (!aws && !cf) continue;
    if (f.example) {
      apply(f, {Verification::Unverifiable, "documentation example key, not a real credential", {}});
      continue;
    }
    Job job;
    if (aws) {
      const FindingPart* secret = find_part(f, "secret_access_key");
      if (!secret || secret->secret.empty()) {
        apply(f, {Verification::Unverifiable,
                  "access key ID without its secret access key: nothing to verify with", {}});
        continue;
      }
      const FindingPart* session = find_part(f, "session_token");
      if (aws_kind(f) == "temporary" && (!session || session->secret.empty())) {
        apply(f, {Verification::Unverifiable,
                  "temporary (ASIA) key without its session token: STS cannot check it", {}});
        continue;
      }
      job.provider = Provider::Aws;
      job.id = f.secret;
      job.secret = secret->secret;
      if (session) job.session = session->secret;
    } else {
      if (f.secret.empty()) {
        apply(f, {Verification::Unverifiable, "empty token", {}});
        continue;
      }
      job.provider = Provider::Cloudflare;
      job.secret = f.secret;
    }
    std::string key = std::string(aws ? "aws" : "cf") + '\0' + job.id + '\0' + job.secret + '\0' +
                      job.session;
    auto [it, inserted] = by_key.emplace(key, jobs.size());
    if (inserted) jobs.push_back(std::move(job));
    assign.emplace_back(i, it->second);
  }
  if (jobs.empty()) return;

  http::global_init();
  Runner runner(opts);
  std::atomic<size_t> next{0};
  auto worker = [&] {
    // A TLS write to a peer that hung up must not kill the process: block SIGPIPE in this
    // thread only (the write then fails with EPIPE; a pending thread-directed signal is
    // dropped when the thread exits). The main thread's disposition is left alone.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    for (size_t j; (j = next.fetch_add(1)) < jobs.size();) runner.run(jobs[j]);
  };
  size_t n = std::min<size_t>(jobs.size(), static_cast<size_t>(std::max(1, opts.max_in_flight)));
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (size_t t = 0; t < n; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();

  for (const auto& [fi, ji] : assign) apply(findings[fi], jobs[ji].outcome);
}

}  // namespace keyhound
