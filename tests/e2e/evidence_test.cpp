// End-to-end: evidence that is not on the secret's line (issue 14): the name half of a
// name/value item on the lines around it, and files that are a provider's by their name.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "e2e_util.h"

using namespace e2e;
using nlohmann::json;

namespace {
json scan_json(const std::string& path) {
  auto r = run(kh() + " scan --format json --no-redact " + path);
  EXPECT_LE(r.exit_code, 1) << r.err;
  return json::parse(r.out);
}
std::string hex32(unsigned seed) {
  std::string s;
  unsigned x = seed * 2654435761u + 12345;
  while (s.size() < 32) {
    x = x * 1103515245u + 12345u;
    s += "0123456789abcdef"[(x >> 16) & 15];
  }
  return s;
}
}  // namespace

TEST(Evidence, NameOnTheLineBeforeTheValue) {
  std::string d = make_temp_dir();
  std::string sec = fake_secret(31), other = fake_secret(32);
  write_file(d + "/taskdef.json", "{\"environment\": [\n  {\n    \"name\": \"AWS_SECRET_ACCESS_KEY\",\n    \"value\": \"" +
                                      sec + "\"\n  }\n]}\n");
  write_file(d + "/deploy.yaml", "env:\n  - name: AWS_SECRET_ACCESS_KEY\n    value: \"" + other + "\"\n");
  // Another item's value is not evidence: the name above belongs to a database password.
  write_file(d + "/other.yaml", "env:\n  - name: AWS_SECRET_ACCESS_KEY\n    valueFrom: vault\n  - name: DB_PASSWORD\n    value: \"" +
                                    fake_secret(33) + "\"\n");
  json j = scan_json(d);
  std::multiset<std::string> found;
  for (auto& f : j["findings"]) found.insert(f["secret"].get<std::string>());
  EXPECT_EQ(found.count(sec), 1u) << j.dump();
  EXPECT_EQ(found.count(other), 1u) << j.dump();
  EXPECT_EQ(found.size(), 2u) << j.dump();
}

TEST(Evidence, FileNamedInTheRuleIsEvidence) {
  std::string d = make_temp_dir();
  std::string key = hex32(1);
  run("mkdir -p " + d + "/etc/datadog-agent " + d + "/app " + d + "/home/ops");
  write_file(d + "/etc/datadog-agent/datadog.yaml", "site: datadoghq.eu\napi_key: " + key + "\n");
  write_file(d + "/app/settings.yaml", "api_key: " + hex32(2) + "\n");  // no provider anywhere
  std::string sec = fake_secret(34);
  write_file(d + "/home/ops/.s3cfg", "[default]\nhost_base = s3.amazonaws.com\nsecret_key = " + sec + "\n");
  write_file(d + "/home/ops/notes.ini", "secret_key = " + fake_secret(35) + "\n");
  json j = scan_json(d);
  ASSERT_EQ(j["findings"].size(), 2u) << j.dump();
  std::set<std::string> rules;
  for (auto& f : j["findings"]) {
    rules.insert(f["rule_id"].get<std::string>());
    EXPECT_TRUE(f["secret"] == key || f["secret"] == sec) << f.dump();
  }
  EXPECT_TRUE(rules.count("datadog-api-key"));
  EXPECT_TRUE(rules.count("aws-secret-access-key"));
}
