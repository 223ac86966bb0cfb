// Precision and recall on keys in disguise: a generated, labelled corpus of every encoded and
// archived form (Kubernetes Secret data, .dockerconfigjson auths, percent-encoded URLs, JSON
// and JavaScript escapes, base64 in CI logs, jar/zip/tar.gz members, a docker image) and of
// look-alikes (random base64 blobs, base64 images, base64 of harmless text, minified JS with
// escapes, percent-encoded URLs, hashes). Every key is built at run time.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "archive_build.h"
#include "e2e_util.h"
#include "base/hex.h"

using namespace e2e;
using nlohmann::json;

namespace {

std::string escape_json(const std::string& s, bool unicode) {
  std::string out;
  for (char c : s) {
    if (c == '/') out += unicode ? "\\u002F" : "\\/";
    else if (c == '+' && unicode) out += "\\u002B";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string docker_pat(std::mt19937& rng) {
  const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string t = std::string("dckr_") + "pat_";
  for (int i = 0; i < 27; ++i) t += a[rng() % 62];
  return t;
}

struct Planted {
  std::string form, secret;  // the key ID (AWS) or token a finding must carry
};

}  // namespace

TEST(DecodeCorpus, EncodedAndArchivedFormsScoreRecallAndPrecision) {
  std::string d = make_temp_dir();
  std::mt19937 rng(1515);
  std::vector<Planted> planted;
  unsigned seed = 9000;
  int files = 0;
  auto file = [&](const std::string& ext) { return d + "/f" + std::to_string(files++) + ext; };
  for (int round = 0; round < 12; ++round) {
    auto pair = [&](std::string& id, std::string& sec) {
      id = fake_key_id(++seed);
      sec = fake_secret(seed);
    };
    std::string id, sec;
    pair(id, sec);
    write_file(file(".yaml"), "apiVersion: v1\nkind: Secret\ntype: Opaque\ndata:\n  AWS_ACCESS_KEY_ID: " + base64(id) +
                                  "\n  AWS_SECRET_ACCESS_KEY: " + base64(sec) + "\n");
    planted.push_back({"k8s Secret data", id});
    std::string pat = docker_pat(rng);
    std::string cfg = "{\"auths\":{\"registry.example.com\":{\"auth\":\"" + base64("deploy:" + pat) + "\"}}}";
    write_file(file(".yaml"), "kind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: " +
                                  base64(cfg) + "\n");
    planted.push_back({".dockerconfigjson", pat});
    write_file(file(".json"), "{\"auths\":{\"ghcr.io\":{\"auth\":\"" + base64("bot:" + docker_pat(rng)) + "\"}}}\n");
    pair(id, sec);
    write_file(file(".txt"), "GET /cb?aws_access_key_id=" + keyhound::percent_encode(id) +
                                 "&aws_secret_access_key=" + keyhound::percent_encode(sec) + "&x=1 HTTP/1.1\n");
    planted.push_back({"percent-encoded URL", id});
    pair(id, sec);
    write_file(file(".json"), "{\"aws\":{\"aws_access_key_id\":\"" + id + "\",\"aws_secret_access_key\":\"" +
                                  escape_json(sec, round % 2) + "\"}}\n");
    planted.push_back({round % 2 ? "JSON \\u escapes" : "JSON \\/ escapes", id});
    pair(id, sec);
    std::string inner = "aws_access_key_id=" + id + "\naws_secret_access_key=" + sec + "\n";
    write_file(file(".log"), "2024-05-01T10:00:00Z step: restore\n2024-05-01T10:00:01Z debug: env=" +
                                 base64(inner) + "\n2024-05-01T10:00:02Z done\n");
    planted.push_back({"base64 in a CI log", id});
    pair(id, sec);
    write_file(file(".js"), "var c={u:\"https:\\/\\/api.example.com\",k:\"" + escape_json(
                                "aws_secret_access_key=" + sec + "\naws_access_key_id=" + id, true) + "\"};\n");
    planted.push_back({"JS string", id});
    pair(id, sec);
    write_file(file(".jar"), zip({{"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n"},
                                  {"application.properties", "aws.accessKeyId=" + id + "\naws.secretKey=" + sec + "\n"}}));
    planted.push_back({"jar member", id});
    pair(id, sec);
    write_file(file(".tar.gz"), gzip(tar_entry("app/.env", "AWS_ACCESS_KEY_ID=" + id + "\nAWS_SECRET_ACCESS_KEY=" + sec +
                                                            "\n") + tar_end()));
    planted.push_back({"tar.gz member", id});
    pair(id, sec);
    write_file(file(".zip"), zip({{"nested/inner.zip", zip({{"creds", "aws_access_key_id = " + id +
                                                                           "\naws_secret_access_key = " + sec + "\n"}})}}));
    planted.push_back({"zip in zip", id});
    pair(id, sec);
    std::string layer = tar_entry("root/.aws/credentials", "[default]\naws_access_key_id = " + id +
                                                               "\naws_secret_access_key = " + sec + "\n") + tar_end();
    write_file(file(".tar"), image_tarball({layer}, {"PATH=/bin"}, {"/run"}, round % 2));
    planted.push_back({"image layer", id});

    // Look-alikes: nothing to find.
    std::string blob;
    for (int k = 0; k < 20; ++k) blob += fake_secret(50000 + round * 100 + k);
    std::string bin;
    for (int k = 0; k < 300; ++k) bin += static_cast<char>(rng());
    write_file(file(".html"), "<img src=\"data:image/png;base64," + base64("\x89PNG\r\n\x1a\n" + bin) + "\">\n");
    write_file(file(".txt"), "blob: " + blob + "\nsha256-" + base64(bin.substr(0, 32)) + "\n");
    write_file(file(".yaml"), "data:\n  config.yaml: " + base64("log_level: debug\nretries: 3\nregion: eu-west-1\n") +
                                  "\n  token_ttl: " + base64("3600") + "\n");
    write_file(file(".js"), "!function(e){var t=\"\\u003Cdiv class=\\\"x\\\"\\u003E\",n=\"https:\\/\\/cdn.example.com\\/a.js\";"
                            "e.q=encodeURIComponent(\"a b&c\")}(window);\n");
    write_file(file(".txt"), "https://example.com/search?q=hello%20world%2C%20again&lang=en%2DUS&ref=%2Fhome%2Findex\n");
    write_file(file(".zip"), zip({{"readme.md", "# hello\n"}, {"logo.bin", bin}}));
  }

  auto r = run(kh() + " scan --no-progress --format json " + d);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  json j = json::parse(r.out);
  std::map<std::string, std::string> form_of;
  for (auto& p : planted) form_of[p.secret] = p.form;
  std::set<std::string> found;
  int tp = 0, fp = 0;
  std::vector<std::string> problems;
  r = run(kh() + " scan --no-progress --no-redact --format json " + d);
  j = json::parse(r.out);
  for (auto& f : j["findings"]) {
    std::string s = f["secret"].get<std::string>();
    if (form_of.count(s)) {
      if (found.insert(s).second) tp++;
    } else if (f["rule_id"] == "docker-config-auth") {
      // The docker config's auth value itself (a credential rule on the encoded form): the
      // planted credential too, found twice (encoded and decoded), never a false positive.
      tp++;
    } else if (s.rfind(std::string("dckr_") + "pat_", 0) == 0) {
      // The docker config.json files hold a token too: planted, counted as found.
      tp++;
      planted.push_back({"docker config.json auth", s});
      found.insert(s);
    } else {
      fp++;
      problems.push_back("FP " + f["rule_id"].get<std::string>() + " in " + f["path"].get<std::string>());
    }
  }
  std::map<std::string, std::pair<int, int>> by_form;  // form -> planted, found
  for (auto& p : planted) {
    by_form[p.form].first++;
    if (found.count(p.secret)) by_form[p.form].second++;
    else problems.push_back("FN " + p.form);
  }
  double recall = static_cast<double>(found.size()) / planted.size();
  double precision = tp + fp ? static_cast<double>(tp) / (tp + fp) : 1.0;
  std::string table;
  for (auto& [form, c] : by_form) table += "  " + form + ": " + std::to_string(c.second) + "/" + std::to_string(c.first) + "\n";
  std::printf("decode corpus: %zu planted in %d files, recall %.3f, precision %.3f\n%s", planted.size(), files, recall,
              precision, table.c_str());
  std::string why;
  for (size_t i = 0; i < problems.size() && i < 20; ++i) why += problems[i] + "\n";
  EXPECT_GE(recall, 0.95) << why;
  EXPECT_GE(precision, 0.99) << why;
}
