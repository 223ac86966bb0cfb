// `--verify` end to end: the built binary against the mock STS and mock Cloudflare endpoints
// (tests/unit/mock_providers.h) on 127.0.0.1. The mocks check the SigV4 signature for real.
// Fixtures hold fake keys generated at run time: one pair the mock knows (valid), one whose
// secret is wrong (rejected), one whose request stalls (unknown after the timeout), one ID
// without a secret (unverifiable), and the same three outcomes for Cloudflare tokens.
// Also: without --verify, no connection is made at all (scan, git --staged, the pre-commit hook).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "mock_providers.h"
#include "e2e_util.h"
#include "git_e2e_util.h"
#include "fake_keys.h"

using namespace e2e;
using nlohmann::json;

namespace {

// A listening socket on 127.0.0.1 that never accepts on its own: any connection attempt stays
// in its backlog, so connected() tells, without timing, whether anyone connected.
class Tripwire {
 public:
  Tripwire() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0)
      throw std::runtime_error("tripwire socket");
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
  }
  ~Tripwire() {
    for (int c : accepted_) ::close(c);
    ::close(fd_);
  }
  std::string url(const std::string& path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int port() const { return port_; }
  // Connections made so far (drains the backlog).
  int connections() {
    for (;;) {
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) break;
      accepted_.push_back(c);
    }
    return static_cast<int>(accepted_.size());
  }

 private:
  int fd_ = -1, port_ = 0;
  std::vector<int> accepted_;
};

std::string cf_token(unsigned seed) { return keyhound_test::fake_token(seed); }

std::string pair_file(const std::string& id, const std::string& secret) {
  return "[default]\naws_access_key_id = " + id + "\naws_secret_access_key = " + secret + "\n";
}

// The fixture set and the mocks that know its keys.
struct World {
  std::string dir = make_temp_dir();
  std::string valid_id = fake_key_id(901), valid_secret = fake_secret(901);
  std::string wrong_id = fake_key_id(902), wrong_secret = fake_secret(902);
  std::string stall_id = fake_key_id(903), stall_secret = fake_secret(903);
  std::string lone_id = fake_key_id(904);
  std::string cf_valid = cf_token(905), cf_rejected = cf_token(906), cf_stall = cf_token(907);
  keyhound_test::MockSts sts;
  keyhound_test::MockCloudflare cf;

  World() {
    sts.add(valid_id, {valid_secret, "", "123456789012", "arn:aws:iam::123456789012:user/deploy-bot"});
    // The mock knows this key with another secret: the signature does not match.
    sts.add(wrong_id, {fake_secret(999), "", "123456789012", "arn:aws:iam::123456789012:user/old"});
    keyhound_test::MockSts::Identity stalled{stall_secret, "", "123456789012", "arn:aws:iam::123456789012:user/x"};
    stalled.stall = true;
    sts.add(stall_id, stalled);
    cf.add(cf_valid, "active");
    cf.stall(cf_stall);
    write_file(dir + "/valid.ini", pair_file(valid_id, valid_secret));
    write_file(dir + "/rejected.ini", pair_file(wrong_id, wrong_secret));
    write_file(dir + "/stalled.ini", pair_file(stall_id, stall_secret));
    write_file(dir + "/lone.txt", "aws_access_key_id = " + lone_id + "\n");
    write_file(dir + "/cf_valid.env", "CLOUDFLARE_API_TOKEN=" + cf_valid + "\n");
    write_file(dir + "/cf_rejected.env", "CLOUDFLARE_API_TOKEN=" + cf_rejected + "\n");
    write_file(dir + "/cf_stalled.env", "CLOUDFLARE_API_TOKEN=" + cf_stall + "\n");
  }
  ~World() { run("rm -rf " + shell_quote(dir)); }

  std::string verify_args() const {
    return " --verify --verify-timeout-ms 800 --verify-endpoint-sts " + sts.endpoint() +
           " --verify-endpoint-cloudflare " + cf.endpoint() + " ";
  }
};

std::string file_of(const json& f) {
  std::string p = f["path"];
  return p.substr(p.rfind('/') + 1);
}

std::map<std::string, json> by_file(const json& report) {
  std::map<std::string, json> m;
  for (const auto& f : report["findings"]) m[file_of(f)] = f;
  return m;
}

}  // namespace

TEST(VerifyE2E, JsonReportsValidRejectedUnknownAndUnverifiable) {
  World w;
  auto r = run(kh() + " scan --format json" + w.verify_args() + w.dir);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json rep = json::parse(r.out);
  auto m = by_file(rep);
  ASSERT_EQ(m.size(), 7u) << rep.dump(1);

  const json& v = m["valid.ini"];
  EXPECT_EQ(v["verified"], "valid") << v.dump(1);
  EXPECT_EQ(v["verified_arn"], "arn:aws:iam::123456789012:user/deploy-bot");
  EXPECT_EQ(v["verified_account"], "123456789012");
  EXPECT_EQ(m["rejected.ini"]["verified"], "rejected");
  EXPECT_EQ(m["rejected.ini"]["verified_error_code"], "SignatureDoesNotMatch");
  EXPECT_NE(m["rejected.ini"]["verified_detail"].get<std::string>().find("SignatureDoesNotMatch"), std::string::npos);
  EXPECT_EQ(m["stalled.ini"]["verified"], "unknown");
  EXPECT_NE(m["stalled.ini"]["verified_detail"].get<std::string>().find("timeout"), std::string::npos)
      << m["stalled.ini"].dump(1);
  EXPECT_EQ(m["lone.txt"]["verified"], "unverifiable");
  EXPECT_EQ(m["cf_valid.env"]["verified"], "valid") << m["cf_valid.env"].dump(1);
  EXPECT_EQ(m["cf_rejected.env"]["verified"], "rejected");
  EXPECT_EQ(m["cf_stalled.env"]["verified"], "unknown");

  // Valid findings first, in report order.
  ASSERT_GE(rep["findings"].size(), 2u);
  EXPECT_EQ(rep["findings"][0]["verified"], "valid");
  EXPECT_EQ(rep["findings"][1]["verified"], "valid");
  for (size_t i = 2; i < rep["findings"].size(); ++i) EXPECT_NE(rep["findings"][i]["verified"], "valid");

  // Remediation: an object, with the key redacted like everywhere else (default output).
  const json& rem = v["remediation"];
  ASSERT_TRUE(rem.is_object()) << v.dump(1);
  EXPECT_EQ(rem["kind"], "aws-long-term");
  EXPECT_TRUE(rem["commands"].is_array());
  EXPECT_FALSE(v.contains("remediation_summary"));
  EXPECT_FALSE(v.contains("remediation_kind"));
  EXPECT_EQ(r.out.find(w.valid_id), std::string::npos) << "key ID must stay redacted";
  EXPECT_EQ(r.out.find(w.valid_secret), std::string::npos);
  // Verification learned the IAM user name: it is in the commands.
  bool has_update = false;
  for (const auto& c : rem["commands"])
    if (c.get<std::string>().find("update-access-key") != std::string::npos &&
        c.get<std::string>().find("--user-name deploy-bot") != std::string::npos)
      has_update = true;
  EXPECT_TRUE(has_update) << rem.dump(1);
  EXPECT_EQ(m["cf_valid.env"]["remediation"]["kind"], "cloudflare-api-token");

  // The mocks saw correctly signed requests, each distinct credential once (the stalled ones
  // may be retried once after a network error).
  EXPECT_TRUE(w.sts.failures().empty());
  EXPECT_GE(w.sts.server().requests(), 3);
  EXPECT_LE(w.sts.server().requests(), 4);
}

TEST(VerifyE2E, NoRedactFillsTheKeyIdIntoTheCommands) {
  World w;
  auto r = run(kh() + " scan --no-redact --format jsonl" + w.verify_args() + w.dir + "/valid.ini");
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json f = json::parse(r.out.substr(0, r.out.find('\n')));
  EXPECT_EQ(f["verified"], "valid");
  std::string cmds = f["remediation"]["commands"].dump();
  EXPECT_NE(cmds.find("aws iam update-access-key --access-key-id " + w.valid_id +
                      " --status Inactive --user-name deploy-bot"),
            std::string::npos)
      << cmds;
  EXPECT_NE(cmds.find("aws iam delete-access-key --access-key-id " + w.valid_id), std::string::npos) << cmds;
  EXPECT_NE(cmds.find("aws iam create-access-key"), std::string::npos) << cmds;
  EXPECT_NE(cmds.find("AttributeKey=AccessKeyId,AttributeValue=" + w.valid_id), std::string::npos) << cmds;
}

TEST(VerifyE2E, TextShowsOutcomesAndFixLines) {
  World w;
  auto r = run(kh() + " scan --color never" + w.verify_args() + w.dir);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  // Each finding block: location line first.
  std::map<std::string, std::string> block;
  size_t pos = 0;
  while (pos < r.out.size()) {
    size_t end = r.out.find("\n\n", pos);
    if (end == std::string::npos) end = r.out.size();
    std::string b = r.out.substr(pos, end - pos);
    for (const char* name : {"valid.ini", "rejected.ini", "stalled.ini", "lone.txt", "cf_valid.env",
                             "cf_rejected.env", "cf_stalled.env"})
      if (b.find(std::string("/") + name + ":") != std::string::npos && b.find("fingerprint:") != std::string::npos)
        block[name] = b;
    pos = end + 2;
  }
  ASSERT_EQ(block.size(), 7u) << r.out;
  EXPECT_NE(block["valid.ini"].find("verified: valid"), std::string::npos) << block["valid.ini"];
  EXPECT_NE(block["valid.ini"].find("VERIFIED LIVE"), std::string::npos) << block["valid.ini"];
  EXPECT_NE(block["valid.ini"].find("deploy-bot"), std::string::npos);
  EXPECT_NE(block["rejected.ini"].find("verified: rejected"), std::string::npos) << block["rejected.ini"];
  EXPECT_NE(block["rejected.ini"].find("SignatureDoesNotMatch"), std::string::npos);
  EXPECT_NE(block["stalled.ini"].find("verified: unknown"), std::string::npos) << block["stalled.ini"];
  EXPECT_NE(block["lone.txt"].find("verified: unverifiable"), std::string::npos);
  EXPECT_NE(block["cf_valid.env"].find("verified: valid"), std::string::npos);
  EXPECT_NE(block["cf_rejected.env"].find("verified: rejected"), std::string::npos);
  EXPECT_NE(block["cf_stalled.env"].find("verified: unknown"), std::string::npos);
  for (auto& [name, b] : block) EXPECT_NE(b.find("\n  fix: "), std::string::npos) << name << "\n" << b;
  EXPECT_NE(block["valid.ini"].find("fix: Rotate AWS access key"), std::string::npos) << block["valid.ini"];
  // Valid ones come first.
  size_t last_valid = std::max(r.out.find("/valid.ini:"), r.out.find("/cf_valid.env:"));
  for (const char* name : {"/rejected.ini:", "/stalled.ini:", "/lone.txt:", "/cf_rejected.env:", "/cf_stalled.env:"})
    EXPECT_LT(last_valid, r.out.find(name)) << name;
  EXPECT_EQ(r.out.find(w.valid_id), std::string::npos);
}

TEST(VerifyE2E, SarifMarksOutcomesAndValidates) {
  World w;
  std::string out = make_temp_dir();
  std::string sarif = out + "/r.sarif";
  auto r = run(kh() + " scan --format sarif -o " + sarif + w.verify_args() + w.dir);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json s = json::parse(read_file(sarif));
  std::map<std::string, json> res;
  for (auto& x : s["runs"][0]["results"]) {
    std::string uri = x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    res[uri.substr(uri.rfind('/') + 1)] = x;
  }
  ASSERT_EQ(res.size(), 7u) << s.dump(1);
  EXPECT_EQ(res["valid.ini"]["level"], "error");
  EXPECT_EQ(res["valid.ini"]["properties"]["verified"], "valid");
  EXPECT_EQ(res["rejected.ini"]["properties"]["verified"], "rejected");
  EXPECT_EQ(res["stalled.ini"]["properties"]["verified"], "unknown");
  EXPECT_EQ(res["cf_valid.env"]["properties"]["verified"], "valid");
  EXPECT_EQ(res["cf_valid.env"]["level"], "error");
  EXPECT_EQ(res["cf_stalled.env"]["properties"]["verified"], "unknown");
  EXPECT_EQ(res["valid.ini"]["properties"]["remediation"]["kind"], "aws-long-term");
  EXPECT_EQ(s["runs"][0]["results"][0]["properties"]["verified"], "valid");
  // Rule help: Markdown remediation with placeholders.
  bool aws_help = false;
  for (auto& rule : s["runs"][0]["tool"]["driver"]["rules"])
    if (rule["id"] == "aws-access-key-id") {
      std::string md = rule["help"]["markdown"];
      aws_help = md.find("update-access-key") != std::string::npos && md.find("## Remediation") != std::string::npos;
      EXPECT_FALSE(rule["help"]["text"].get<std::string>().empty());
    }
  EXPECT_TRUE(aws_help) << s["runs"][0]["tool"]["driver"]["rules"].dump(1);
  EXPECT_EQ(read_file(sarif).find(w.valid_id), std::string::npos);

  if (!have_jsonschema()) {
    run("rm -rf " + shell_quote(out));
    GTEST_SKIP() << "python3-jsonschema not installed";
  }
  auto v = validate_json(sarif, "sarif-schema-2.1.0.json");
  EXPECT_EQ(v.exit_code, 0) << v.out;
  run("rm -rf " + shell_quote(out));
}

TEST(VerifyE2E, RootKeyIsCriticalInEveryFormat) {
  std::string d = make_temp_dir();
  std::string id = fake_key_id(911), sec = fake_secret(911);
  write_file(d + "/rootkey.csv", "AWSAccessKeyId=" + id + "\nAWSSecretKey=" + sec + "\n");
  auto j = run(kh() + " scan --format json " + d);
  ASSERT_EQ(j.exit_code, 1) << j.err;
  json f = json::parse(j.out)["findings"][0];
  EXPECT_EQ(f["severity"], "critical");
  EXPECT_EQ(f["remediation"]["kind"], "aws-root");
  auto s = run(kh() + " scan --format sarif " + d);
  json r = json::parse(s.out)["runs"][0]["results"][0];
  EXPECT_EQ(r["level"], "error");
  EXPECT_EQ(r["properties"]["severity"], "critical");
  EXPECT_EQ(r["properties"]["security-severity"], "9.5");
  auto t = run(kh() + " scan --color never " + d);
  EXPECT_NE(t.out.find("[critical]"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("fix: CRITICAL: AWS root user access key"), std::string::npos) << t.out;
  run("rm -rf " + shell_quote(d));
}

TEST(VerifyE2E, OnlyVerifiedReportsJustTheValidOnes) {
  World w;
  // The world holds keys whose check stalls (unknown): --only-verified hides them, says so, and
  // does not let the run pass as if they were dead (exit 2).
  auto r = run(kh() + " scan --format json --only-verified" + w.verify_args() + w.dir);
  ASSERT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("could not be checked"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2 unknown"), std::string::npos) << r.err;
  json rep = json::parse(r.out);
  ASSERT_EQ(rep["findings"].size(), 2u) << rep.dump(1);
  for (auto& f : rep["findings"]) EXPECT_EQ(f["verified"], "valid");
  EXPECT_EQ(rep["summary"]["findings"], 2);
  EXPECT_NE(rep["summary"].value("hidden by --only-verified", "").find("2 unknown"), std::string::npos) << rep.dump(1);
  // Hiding the unknown ones, chosen explicitly: the findings decide the status.
  r = run(kh() + " scan --format json --results verified" + w.verify_args() + w.dir);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(json::parse(r.out)["findings"].size(), 2u);
  // Showing them: valid and unknown, nothing else.
  r = run(kh() + " scan --format json --results verified,unknown" + w.verify_args() + w.dir);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  rep = json::parse(r.out);
  EXPECT_EQ(rep["findings"].size(), 4u) << rep.dump(1);
  for (auto& f : rep["findings"]) EXPECT_TRUE(f["verified"] == "valid" || f["verified"] == "unknown") << f.dump();
  EXPECT_EQ(run(kh() + " scan --results live " + w.dir).exit_code, 2);

  // Nothing valid: clean exit.
  World w2;
  auto c = run(kh() + " scan --format json --only-verified" + w2.verify_args() + w2.dir + "/rejected.ini " +
               w2.dir + "/lone.txt");
  EXPECT_EQ(c.exit_code, 0) << c.err << c.out;
  EXPECT_EQ(json::parse(c.out)["findings"].size(), 0u);
}

TEST(VerifyE2E, WithoutVerifyNoConnectionIsMade) {
  World w;
  Tripwire sts, cf;
  // The endpoints point at the tripwires, but --verify is not given.
  std::string args = " --verify-endpoint-sts " + sts.url() + " --verify-endpoint-cloudflare " +
                     cf.url("/client/v4/user/tokens/verify") + " ";
  for (const char* fmt : {"text", "json", "sarif"}) {
    auto r = run(kh() + " scan --format " + std::string(fmt) + args + w.dir);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.out.find("verified"), std::string::npos) << fmt << "\n" << r.out;
    // Remediation is offline and always there.
    EXPECT_NE(r.out.find(std::string(fmt) == "text" ? "fix: " : "\"remediation\""), std::string::npos) << fmt;
  }
  EXPECT_EQ(sts.connections(), 0);
  EXPECT_EQ(cf.connections(), 0);
  EXPECT_EQ(w.sts.server().connections(), 0);

  // Positive control: the same tripwire does see a connection when --verify is given.
  auto r = run(kh() + " scan --format json --verify --verify-timeout-ms 300" + args + w.dir + "/valid.ini");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(json::parse(r.out)["findings"][0]["verified"], "unknown");
  EXPECT_GE(sts.connections(), 1);
}

TEST(VerifyE2E, GitStagedVerifiesOnlyWhenAsked) {
  if (run(kh() + " git --help").exit_code != 0) GTEST_SKIP() << "keyhound git not built";
  if (run("git --version").exit_code != 0) GTEST_SKIP() << "git not installed";
  World w;
  Tripwire trip;
  std::string d = gite2e::new_repo();
  gite2e::commit_file(d, "README", "hi\n");
  write_file(d + "/creds", pair_file(w.valid_id, w.valid_secret));
  gite2e::git(d, "add creds");

  int rc = 0;
  json j = gite2e::kh_git_json("--staged --verify-endpoint-sts " + trip.url() + " " + d, &rc);
  EXPECT_EQ(rc, 1);
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump(1);
  EXPECT_FALSE(j["findings"][0].contains("verified"));
  EXPECT_TRUE(j["findings"][0]["remediation"].is_object());
  EXPECT_EQ(trip.connections(), 0);

  // Asked explicitly: verified against the mock.
  j = gite2e::kh_git_json("--staged --verify --verify-endpoint-sts " + w.sts.endpoint() + " " + d, &rc);
  EXPECT_EQ(rc, 1);
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump(1);
  EXPECT_EQ(j["findings"][0]["verified"], "valid");
  EXPECT_EQ(w.sts.server().requests(), 1);

  // The installed pre-commit hook uses the default (official) endpoint. Route everything
  // through a proxy that is a tripwire: a verification attempt would have to connect to it.
  std::string proxy = "http://127.0.0.1:" + std::to_string(trip.port());
  std::string penv = " https_proxy=" + proxy + " HTTPS_PROXY=" + proxy + " http_proxy=" + proxy +
                     " HTTP_PROXY=" + proxy + " ALL_PROXY=" + proxy + " NO_PROXY= no_proxy= ";
  auto inst = run(kh() + " hook install " + d);
  ASSERT_EQ(inst.exit_code, 0) << inst.err;
  auto c = run(gite2e::kh_env() + penv + " GIT_CONFIG_NOSYSTEM=1 HOME=" + shell_quote(d) +
               " git -c user.name=T -c user.email=t@example.com -c commit.gpgsign=false -C " + shell_quote(d) +
               " commit -q -m test");
  EXPECT_NE(c.exit_code, 0) << "the hook must block the key";
  EXPECT_NE(c.err.find("commit blocked"), std::string::npos) << c.err;
  EXPECT_EQ(trip.connections(), 0);
  // Positive control for the proxy route: an explicit --verify to the official endpoint goes
  // to the tripwire (and, never answered, ends unknown).
  auto v = run(gite2e::kh_env() + penv + " " + kh() + " git --staged --format json --verify --verify-timeout-ms 300 " + d);
  EXPECT_EQ(v.exit_code, 1) << v.err;
  EXPECT_EQ(json::parse(v.out)["findings"][0]["verified"], "unknown") << v.out;
  EXPECT_GE(trip.connections(), 1);
  run("rm -rf " + shell_quote(d));
}
