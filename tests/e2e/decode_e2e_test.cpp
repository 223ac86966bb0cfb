// End-to-end: secrets written encoded (a Kubernetes Secret, a .dockerconfigjson, a
// percent-encoded URL, a JSON string with escapes, base64 in a CI log) are found at the
// encoded span with the decoder chain in JSON and SARIF, counted once, and --decode-depth
// bounds (or turns off) the decoding.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "base/hex.h"
#include "e2e_util.h"

using namespace e2e;
using nlohmann::json;

namespace {

json scan_json(const std::string& args, int want_exit = 1) {
  auto r = run(kh() + " scan --no-progress --format json " + args);
  EXPECT_EQ(r.exit_code, want_exit) << r.err;
  return json::parse(r.out);
}

std::string docker_pat(unsigned seed) {
  // dckr_pat_ + 27 base64url symbols, built at run time.
  std::string t = fake_secret(seed);
  for (auto& c : t)
    if (c == '/' || c == '+') c = 'x';
  return std::string("dckr_") + "pat_" + t.substr(0, 27);
}

}  // namespace

TEST(DecodeE2e, KubernetesSecretAndDockerConfigAndUrlAndJson) {
  std::string d = make_temp_dir();
  std::string id = fake_key_id(301), sec = fake_secret(301);
  write_file(d + "/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: aws\ndata:\n"
                                 "  AWS_ACCESS_KEY_ID: " + base64(id) + "\n"
                                 "  AWS_SECRET_ACCESS_KEY: " + base64(sec) + "\n");
  std::string pat = docker_pat(302);
  std::string cfg = "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + base64("ci-bot:" + pat) + "\"}}}";
  write_file(d + "/pull.yaml", "kind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: " +
                                   base64(cfg) + "\n");
  std::string id2 = fake_key_id(303), sec2 = fake_secret(303);
  write_file(d + "/hook.txt", "callback=https://hooks.example.com/x?aws_access_key_id=" + id2 +
                                  "&aws_secret_access_key=" + keyhound::percent_encode(sec2) + "&v=1\n");
  std::string id3 = fake_key_id(304), sec3 = fake_secret(304);
  std::string esc3 = sec3;
  for (size_t p = 0; (p = esc3.find('/', p)) != std::string::npos; p += 2) esc3.replace(p, 1, "\\/");
  if (esc3 == sec3) esc3 = sec3.substr(0, 10) + "\\u00" + keyhound::hex_encode(sec3.substr(10, 1)) + sec3.substr(11);
  write_file(d + "/app.json", "{\"aws_access_key_id\":\"" + id3 + "\",\"aws_secret_access_key\":\"" + esc3 + "\"}\n");

  json j = scan_json(d);
  std::map<std::string, json> by_file;
  for (auto& f : j["findings"]) by_file[f["path"].get<std::string>().substr(d.size() + 1)] = f;
  ASSERT_EQ(by_file.size(), 4u) << j.dump(1);
  // The Kubernetes Secret: one pair, at the encoded key ID (line 6, after "  AWS_ACCESS_KEY_ID: ").
  auto& k = by_file["secret.yaml"];
  EXPECT_EQ(k["rule_id"], "aws-access-key-id");
  EXPECT_EQ(k["line"], 6);
  EXPECT_EQ(k["column"], 22);
  EXPECT_EQ(k["decoded"], json::array({"base64"}));
  ASSERT_EQ(k["parts"].size(), 1u);
  EXPECT_EQ(k["parts"][0]["line"], 7);
  // The docker config: base64 inside base64.
  auto& p = by_file["pull.yaml"];
  EXPECT_EQ(p["rule_id"], "dockerhub-pat");
  EXPECT_EQ(p["line"], 4);
  EXPECT_EQ(p["decoded"], json::array({"base64", "base64"}));
  // The URL: the key ID is plain, its secret percent-encoded: one finding with both.
  auto& h = by_file["hook.txt"];
  EXPECT_EQ(h["rule_id"], "aws-access-key-id");
  ASSERT_EQ(h["parts"].size(), 1u);
  EXPECT_EQ(h["decoded"], json::array({"percent"}));
  auto& a = by_file["app.json"];
  ASSERT_EQ(a["parts"].size(), 1u);
  EXPECT_EQ(a["decoded"], json::array({"escape"}));
  // Secrets stay redacted, and the context never shows the encoded form of a redacted one.
  for (auto& [_, f] : by_file) EXPECT_EQ(f["context"].get<std::string>().find(sec.substr(0, 12)), std::string::npos);

  // Off: only the plain key IDs of the URL and the JSON file remain.
  json off = scan_json("--decode-depth 0 " + d);
  EXPECT_EQ(off["findings"].size(), 2u);
  for (auto& f : off["findings"]) {
    EXPECT_FALSE(f.contains("decoded"));
    EXPECT_TRUE(f["parts"].empty());
  }
  // Depth 1: the docker config's inner base64 stays encoded.
  json one = scan_json("--decode-depth 1 " + d);
  for (auto& f : one["findings"]) EXPECT_NE(f["rule_id"], "dockerhub-pat") << f.dump();
}

TEST(DecodeE2e, CountedOnceWhenAlsoPlainAndSarifCarriesTheChain) {
  std::string d = make_temp_dir();
  std::string id = fake_key_id(311), sec = fake_secret(311);
  std::string plain = "aws_access_key_id = " + id + "\naws_secret_access_key = " + sec + "\n";
  // A CI log echoing the same credentials file base64-encoded, and the file itself.
  write_file(d + "/ci.log", "step 3: restoring credentials\n" + plain + "debug: payload=" + base64(plain) + "\n");
  json j = scan_json(d);
  ASSERT_EQ(j["findings"].size(), 1u) << j.dump(1);
  EXPECT_FALSE(j["findings"][0].contains("decoded"));
  EXPECT_EQ(j["findings"][0]["line"], 2);
  // Only encoded: found, with the chain in SARIF result properties.
  write_file(d + "/ci.log", "step 3\ndebug: payload=" + base64(plain) + "\n");
  auto r = run(kh() + " scan --no-progress --format sarif " + d);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json s = json::parse(r.out);
  auto& res = s["runs"][0]["results"];
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0]["properties"]["decoded"], json::array({"base64"}));
  EXPECT_EQ(res[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 2);
  EXPECT_EQ(res[0]["locations"][0]["physicalLocation"]["region"]["startColumn"], 16);
  // Text output says it was decoded.
  r = run(kh() + " scan --no-progress " + d);
  EXPECT_NE(r.out.find("decoded: base64"), std::string::npos) << r.out;
}

TEST(DecodeE2e, LookAlikesStayQuiet) {
  std::string d = make_temp_dir();
  // Random base64 (an embedded image, a hash), a long identifier, a path, format strings.
  std::string blob;
  for (int i = 0; i < 40; ++i) blob += fake_secret(400 + i);
  write_file(d + "/look.txt", "img=data:image/png;base64," + blob + "\nsha=" + base64(fake_secret(500)) +
                                  "\nname=ThisIsAVeryLongCamelCaseIdentifierName\npath=/usr/include/x86_64-linux-gnu/sys\n"
                                  "printf(\"%02x%02x\\n\", a, b);\n");
  json j = scan_json(d, 0);
  EXPECT_TRUE(j["findings"].empty()) << j.dump(1);
}

// Files past --stream-threshold (and stdin) are decoded too, chunk by chunk: every encoded
// secret is found at the same path, line, column and offset as when the file is held whole,
// those near a 1 MiB chunk edge and those at the end of a 40 KiB line included.
TEST(DecodeE2e, StreamedFilesAreDecodedChunkByChunkAtTheSamePlaces) {
  std::string d = make_temp_dir();
  std::string text;
  int planted = 0;
  auto plant = [&](unsigned seed) {
    std::string inner = "aws_access_key_id=" + fake_key_id(seed) + "\naws_secret_access_key=" + fake_secret(seed) + "\n";
    text += "2024-05-01T10:00:00Z debug: env=" + base64(inner) + "\n";
    ++planted;
  };
  std::string filler = "2024-05-01T10:00:00Z info: step ran in 12 ms, nothing to report here\n";
  for (unsigned seed = 801; text.size() < (3u << 20) + 200000; ++seed) {
    // Up to a chunk edge (1 MiB plus the 64 KiB overlap kept) and past it, then on.
    size_t edge = (text.size() / (1u << 20) + 1) * (1u << 20) + (64u << 10) - 150 + (seed % 3) * 40;
    while (text.size() < edge) text += filler;
    plant(seed);
    if (seed % 4 == 0) text += std::string(40000, 'x') + " ";  // a long line: columns past the chunk start
    plant(seed + 100);
  }
  write_file(d + "/big.log", text);
  auto key = [](const json& f) {
    return f["rule_id"].get<std::string>() + "@" + std::to_string(f["line"].get<int>()) + ":" +
           std::to_string(f["column"].get<int>()) + "+" + std::to_string(f["offset"].get<long>());
  };
  json whole = scan_json(d + "/big.log");
  json streamed = scan_json("--stream-threshold 65536 " + d + "/big.log");
  std::set<std::string> a, b;
  for (auto& f : whole["findings"]) a.insert(key(f));
  for (auto& f : streamed["findings"]) {
    b.insert(key(f));
    EXPECT_EQ(f["decoded"], json::array({"base64"}));
  }
  EXPECT_EQ(a.size(), static_cast<size_t>(planted));
  EXPECT_EQ(a, b);
  auto r = run("cat " + d + "/big.log | " + kh() + " scan --no-progress --format json -");
  json piped = json::parse(r.out);
  EXPECT_EQ(piped["findings"].size(), static_cast<size_t>(planted)) << r.err;
}
