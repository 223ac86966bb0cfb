// One fixture per place AWS keys really sit: `keyhound scan` must report exactly the planted pair,
// with its kind, decoded account ID and both values (redacted in text output).
#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "corpus_generator.h"
#include "e2e_util.h"

using nlohmann::json;
using namespace e2e;

namespace {

struct Keys {
  std::string id, secret, token, account;
};

struct Format {
  std::string name;
  std::string file;  // relative path of the fixture
  std::function<std::string(const Keys&)> content;
  bool temporary = false;  // ASIA + session token
};

std::string q(const std::string& s) { return "\"" + s + "\""; }

std::string notebook_source(const std::string& src) {
  std::string esc;
  for (char c : src) {
    if (c == '\n') esc += "\\n";
    else if (c == '"') esc += "\\\"";
    else esc += c;
  }
  return "{\n \"cells\": [\n  {\n   \"cell_type\": \"code\",\n   \"metadata\": {},\n   \"outputs\": [],\n"
         "   \"source\": \"" + esc + "\"\n  }\n ],\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n";
}

const std::vector<Format>& formats() {
  static const std::vector<Format> f = {
      {"rootkey-lines", "rootkey.csv", [](const Keys& k) { return "AWSAccessKeyId=" + k.id + "\nAWSSecretKey=" + k.secret + "\n"; }},
      {"rootkey-csv", "accessKeys.csv", [](const Keys& k) { return "Access key ID,Secret access key\n" + k.id + "," + k.secret + "\n"; }},
      {"credentials-ini", ".aws/credentials", [](const Keys& k) {
         return "[default]\naws_access_key_id = " + k.id + "\naws_secret_access_key = " + k.secret + "\n"; }},
      {"credentials-ini-session", ".aws/credentials", [](const Keys& k) {
         return "[temp]\naws_access_key_id = " + k.id + "\naws_secret_access_key = " + k.secret +
                "\naws_session_token = " + k.token + "\n"; }, true},
      {"config-ini", ".aws/config", [](const Keys& k) {
         return "[profile ci]\nregion = eu-west-1\naws_access_key_id=" + k.id + "\naws_secret_access_key=" + k.secret + "\noutput = json\n"; }},
      {"dotenv", ".env", [](const Keys& k) {
         return "PORT=8080\nAWS_ACCESS_KEY_ID=" + k.id + "\nAWS_SECRET_ACCESS_KEY=" + k.secret + "\nAWS_REGION=us-east-1\n"; }},
      {"shell-export", "deploy.sh", [](const Keys& k) {
         return "#!/bin/sh\nexport AWS_ACCESS_KEY_ID=" + q(k.id) + "\nexport AWS_SECRET_ACCESS_KEY=" + q(k.secret) +
                "\nexport AWS_SESSION_TOKEN=" + q(k.token) + "\naws s3 ls\n"; }, true},
      {"python", "app.py", [](const Keys& k) {
         return "import boto3\ns3 = boto3.client('s3',\n    aws_access_key_id='" + k.id + "',\n    aws_secret_access_key='" +
                k.secret + "')\n"; }},
      {"javascript", "s3.js", [](const Keys& k) {
         return "const c = new S3Client({ credentials: {\n  accessKeyId: '" + k.id + "',\n  secretAccessKey: '" + k.secret + "',\n} });\n"; }},
      {"typescript", "s3.ts", [](const Keys& k) {
         return "const creds: Credentials = {\n  accessKeyId: `" + k.id + "`,\n  secretAccessKey: `" + k.secret +
                "`,\n  sessionToken: `" + k.token + "`,\n};\n"; }, true},
      {"go", "main.go", [](const Keys& k) {
         return "package main\n\nvar creds = credentials.NewStaticCredentials(" + q(k.id) + ", " + q(k.secret) + ", \"\")\n"; }},
      {"java", "S3.java", [](const Keys& k) {
         return "class S3 {\n  static final BasicAWSCredentials C = new BasicAWSCredentials(" + q(k.id) + ", " + q(k.secret) + ");\n}\n"; }},
      {"csharp", "S3.cs", [](const Keys& k) {
         return "var client = new AmazonS3Client(" + q(k.id) + ", " + q(k.secret) + ", RegionEndpoint.USEast1);\n"; }},
      {"ruby", "aws.rb", [](const Keys& k) {
         return "Aws.config.update(credentials: Aws::Credentials.new('" + k.id + "', '" + k.secret + "'))\n"; }},
      {"php", "s3.php", [](const Keys& k) {
         return "<?php\n$s3 = new S3Client(['credentials' => [\n    'key'    => '" + k.id + "',\n    'secret' => '" + k.secret + "',\n]]);\n"; }},
      {"c", "config.h", [](const Keys& k) {
         return "#define AWS_ACCESS_KEY_ID " + q(k.id) + "\n#define AWS_SECRET_ACCESS_KEY " + q(k.secret) + "\n"; }},
      {"cpp", "creds.cpp", [](const Keys& k) {
         return "Aws::Auth::AWSCredentials creds(" + q(k.id) + ",\n                               " + q(k.secret) + ");\n"; }},
      {"json", "key.json", [](const Keys& k) {
         return "{\n  \"AccessKey\": {\n    \"AccessKeyId\": " + q(k.id) + ",\n    \"Status\": \"Active\",\n    \"SecretAccessKey\": " +
                q(k.secret) + "\n  }\n}\n"; }},
      {"json-sts", "sts.json", [](const Keys& k) {
         return "{\"Credentials\": {\n  \"AccessKeyId\": " + q(k.id) + ",\n  \"SecretAccessKey\": " + q(k.secret) +
                ",\n  \"SessionToken\": " + q(k.token) + ",\n  \"Expiration\": \"2024-01-01T00:00:00Z\"\n}}\n"; }, true},
      {"yaml", "values.yaml", [](const Keys& k) {
         return "aws:\n  access_key_id: " + k.id + "\n  secret_access_key: " + k.secret + "\n"; }},
      {"toml", "settings.toml", [](const Keys& k) {
         return "[aws]\naccess_key_id = " + q(k.id) + "\nsecret_access_key = " + q(k.secret) + "\n"; }},
      {"xml", "App.config", [](const Keys& k) {
         return "<appSettings>\n  <add key=\"AWSAccessKey\" value=" + q(k.id) + " />\n  <add key=\"AWSSecretKey\" value=" + q(k.secret) +
                " />\n</appSettings>\n"; }},
      {"properties", "application.properties", [](const Keys& k) {
         return "cloud.aws.credentials.access-key=" + k.id + "\ncloud.aws.credentials.secret-key=" + k.secret + "\n"; }},
      {"terraform", "main.tf", [](const Keys& k) {
         return "provider \"aws\" {\n  region     = \"us-west-2\"\n  access_key = " + q(k.id) + "\n  secret_key = " + q(k.secret) + "\n}\n"; }},
      {"dockerfile-env", "Dockerfile", [](const Keys& k) {
         return "FROM alpine\nENV AWS_ACCESS_KEY_ID=" + k.id + " \\\n    AWS_SECRET_ACCESS_KEY=" + k.secret + "\n"; }},
      {"dockerfile-arg", "build/Dockerfile", [](const Keys& k) {
         return "FROM alpine\nARG AWS_ACCESS_KEY_ID=" + k.id + "\nARG AWS_SECRET_ACCESS_KEY=" + k.secret + "\n"; }},
      {"jupyter", "nb.ipynb", [](const Keys& k) {
         return notebook_source("import boto3\nACCESS_KEY = \"" + k.id + "\"\nSECRET_KEY = \"" + k.secret + "\"\n"); }},
      {"jupyter-csv", "keys.ipynb", [](const Keys& k) {
         return notebook_source("%%writefile accessKeys.csv\nAccess key ID,Secret access key\n" + k.id + "," + k.secret + "\n"); }},
      {"url", "pipeline.yml", [](const Keys& k) { return "source: s3://" + k.id + ":" + k.secret + "@my-bucket/exports/\n"; }},
      {"connection-string", "athena.properties", [](const Keys& k) {
         return "url=jdbc:awsathena://AwsRegion=us-east-1;User=" + k.id + ";Password=" + k.secret + ";S3OutputLocation=s3://b/\n"; }},
      {"markdown", "README.md", [](const Keys& k) {
         return "# Setup\n\n```bash\nexport AWS_ACCESS_KEY_ID=" + k.id + "\nexport AWS_SECRET_ACCESS_KEY=" + k.secret + "\n```\n"; }},
  };
  return f;
}

json scan_json(const std::string& dir, const std::string& extra = "") {
  auto r = run(kh() + " scan --format json --no-redact " + extra + " " + shell_quote(dir));
  EXPECT_NE(r.exit_code, 2) << r.err;
  return json::parse(r.out);
}

std::string part(const json& f, const std::string& role) {
  for (auto& p : f["parts"])
    if (p["role"] == role) return p["secret"];
  return "";
}

class AwsFormat : public ::testing::TestWithParam<size_t> {};

TEST_P(AwsFormat, ReportsExactlyThePlantedPair) {
  const Format& fmt = formats()[GetParam()];
  corpus::KeyGen kg(1000 + GetParam());
  Keys k;
  k.id = kg.key_id(fmt.temporary ? "ASIA" : "AKIA", true, &k.account);
  k.secret = kg.secret();
  if (fmt.temporary) k.token = kg.session_token();
  std::string d = make_temp_dir();
  run("mkdir -p " + shell_quote(d + "/" + fmt.file.substr(0, fmt.file.rfind('/') + 1)));
  write_file(d + "/" + fmt.file, fmt.content(k));

  json rep = scan_json(d);
  ASSERT_EQ(rep["findings"].size(), 1u) << fmt.name << "\n" << rep.dump(2);
  const json& f = rep["findings"][0];
  EXPECT_EQ(f["rule_id"], "aws-access-key-id") << fmt.name;
  EXPECT_EQ(f["secret"], k.id) << fmt.name;
  EXPECT_EQ(part(f, "secret_access_key"), k.secret) << fmt.name;
  EXPECT_EQ(part(f, "session_token"), k.token) << fmt.name;
  EXPECT_EQ(f["kind"], fmt.temporary ? "temporary" : "long-term") << fmt.name;
  EXPECT_EQ(f["aws_account_id"], k.account) << fmt.name;
  EXPECT_EQ(f["example"], false);

  // Text output (the default) shows the finding but neither value in full.
  auto t = run(kh() + " scan " + shell_quote(d));
  EXPECT_EQ(t.exit_code, 1) << t.err;
  EXPECT_NE(t.out.find("aws-access-key-id"), std::string::npos) << t.out;
  EXPECT_EQ(t.out.find(k.id), std::string::npos) << fmt.name << ": key ID not redacted\n" << t.out;
  EXPECT_EQ(t.out.find(k.secret), std::string::npos) << fmt.name << ": secret not redacted\n" << t.out;
  run("rm -rf " + shell_quote(d));
}

INSTANTIATE_TEST_SUITE_P(Formats, AwsFormat, ::testing::Range<size_t>(0, formats().size()),
                         [](const ::testing::TestParamInfo<size_t>& i) {
                           std::string n = formats()[i.param].name;
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

TEST(AwsDetection, OldFormatKeyIdHasNoAccount) {
  corpus::KeyGen kg(5);
  std::string id = kg.key_id("AKIA", false), sec = kg.secret();
  std::string d = make_temp_dir();
  write_file(d + "/credentials", "[default]\naws_access_key_id = " + id + "\naws_secret_access_key = " + sec + "\n");
  json rep = scan_json(d);
  ASSERT_EQ(rep["findings"].size(), 1u);
  EXPECT_EQ(rep["findings"][0]["kind"], "long-term");
  EXPECT_FALSE(rep["findings"][0].contains("aws_account_id"));
  run("rm -rf " + shell_quote(d));
}

TEST(AwsDetection, IdAloneAndSecretWithKeywordAreFindingsBareSecretIsNot) {
  corpus::KeyGen kg(6);
  std::string id = kg.key_id("AKIA"), s1 = kg.secret(), s2 = kg.secret();
  std::string d = make_temp_dir();
  write_file(d + "/a.env", "AWS_ACCESS_KEY_ID=" + id + "\n");
  write_file(d + "/b.env", "\n\n\n\n\n\n\n\nAWS_SECRET_ACCESS_KEY=" + s1 + "\n");
  write_file(d + "/c.env", "TOKEN=" + s2 + "\n");
  json rep = scan_json(d);
  ASSERT_EQ(rep["findings"].size(), 2u) << rep.dump(2);
  EXPECT_EQ(rep["findings"][0]["secret"], id);
  EXPECT_TRUE(rep["findings"][0]["parts"].empty());
  EXPECT_EQ(rep["findings"][1]["rule_id"], "aws-secret-access-key");
  EXPECT_EQ(rep["findings"][1]["secret"], s1);
  run("rm -rf " + shell_quote(d));
}

TEST(AwsDetection, DocumentationExamplesHiddenUnlessAsked) {
  auto ids = corpus::aws_doc_example_ids();
  auto secs = corpus::aws_doc_example_secrets();
  std::string d = make_temp_dir();
  write_file(d + "/credentials", "[default]\naws_access_key_id = " + ids[0] + "\naws_secret_access_key = " + secs[0] + "\n");
  write_file(d + "/README.md", "Use `" + ids[1] + "` and `aws_secret_access_key = " + secs[1] + "` as in the docs.\n");
  auto r = run(kh() + " scan --format json --no-redact " + shell_quote(d));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  json rep = json::parse(r.out);
  EXPECT_TRUE(rep["findings"].empty()) << rep.dump(2);
  EXPECT_GE(rep["summary"]["examples_hidden"].get<int>(), 2);

  json inc = scan_json(d, "--include-examples");
  ASSERT_GE(inc["findings"].size(), 2u) << inc.dump(2);
  bool pair_seen = false;
  for (auto& f : inc["findings"]) {
    EXPECT_EQ(f["example"], true) << f.dump();
    if (f["secret"] == ids[0] && part(f, "secret_access_key") == secs[0]) pair_seen = true;
  }
  EXPECT_TRUE(pair_seen) << inc.dump(2);
  run("rm -rf " + shell_quote(d));
}

TEST(AwsDetection, PrincipalIdsScanCleanUnlessEnabled) {
  corpus::KeyGen kg(8);
  std::string d = make_temp_dir();
  std::string users = "{\n  \"Users\": [\n";
  std::vector<std::string> ids;
  for (const char* p : {"AIDA", "AROA", "ANPA", "AGPA"}) ids.push_back(kg.key_id(p));
  for (size_t i = 0; i < ids.size(); ++i)
    users += "    {\"UserName\": \"u" + std::to_string(i) + "\", \"UserId\": \"" + ids[i] +
             "\", \"Arn\": \"arn:aws:iam::" + kg.account() + ":user/u" + std::to_string(i) + "\"}" +
             (i + 1 < ids.size() ? ",\n" : "\n");
  users += "  ]\n}\n";
  write_file(d + "/users.json", users);
  auto r = run(kh() + " scan --format json " + shell_quote(d));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_TRUE(json::parse(r.out)["findings"].empty()) << r.out;

  json on = scan_json(d, "--enable aws-principal-id");
  ASSERT_EQ(on["findings"].size(), ids.size()) << on.dump(2);
  for (size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(on["findings"][i]["rule_id"], "aws-principal-id");
    EXPECT_EQ(on["findings"][i]["severity"], "note");
    EXPECT_EQ(on["findings"][i]["secret"], ids[i]);
  }
  run("rm -rf " + shell_quote(d));
}

}  // namespace
