#include "corpus_generator.h"

#include <sys/stat.h>

#include <fstream>
#include <functional>
#include <stdexcept>

namespace corpus {

namespace {
const std::string kB32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const std::string kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const std::string kHex = "0123456789abcdef";
const std::string kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

void mkdirs(const std::string& path) {
  for (size_t i = 1; i <= path.size(); ++i)
    if (i == path.size() || path[i] == '/') ::mkdir(path.substr(0, i).c_str(), 0755);
}

std::string json_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"') o += "\\\"";
    else if (c == '\\') o += "\\\\";
    else if (c == '\n') o += "\\n";
    else if (c == '\t') o += "\\t";
    else o += c;
  }
  return o;
}

// Line of the nth (0-based) occurrence of `needle`.
uint64_t line_of(const std::string& content, const std::string& needle, int nth = 0) {
  size_t at = content.find(needle);
  while (nth-- > 0 && at != std::string::npos) at = content.find(needle, at + needle.size());
  if (at == std::string::npos) throw std::logic_error("corpus: planted value not in file: " + needle);
  uint64_t line = 1;
  for (size_t i = 0; i < at; ++i) line += content[i] == '\n';
  return line;
}

// An AWS credential set planted together.
struct Cred {
  std::string id, secret, token, account;
};

struct Ctx {
  std::string root;
  KeyGen& kg;
  Corpus& out;
  std::map<std::string, int> counter;

  // A fresh relative path under `dir` named like `name` (a counter keeps names unique).
  std::string path(const std::string& dir, const std::string& name) {
    int n = counter[dir + "/" + name]++;
    std::string d = dir + "/" + std::to_string(n);
    return d + "/" + name;
  }
  void write(const std::string& category, const std::string& rel, const std::string& content,
             std::vector<Label> labels = {}) {
    write_labelled(out, root, category, rel, content, std::move(labels));
  }
  Cred cred(const std::string& prefix = "AKIA", bool token = false) {
    Cred c;
    bool fresh = !kg.chance(0.15);
    c.id = kg.key_id(prefix, fresh, &c.account);
    c.secret = kg.secret();
    if (token) c.token = kg.session_token();
    return c;
  }
  Cred temp_cred() { return cred("ASIA", true); }
};

Label pair(const Cred& c) {
  Label l;
  l.rule = "aws-access-key-id";
  l.secret = c.id;
  l.pair_secret = c.secret;
  l.session_token = c.token;
  l.account_id = c.account;
  return l;
}
Label id_only(const Cred& c) {
  Label l;
  l.rule = "aws-access-key-id";
  l.secret = c.id;
  l.account_id = c.account;
  return l;
}
Label secret_only(const std::string& s) {
  Label l;
  l.rule = "aws-secret-access-key";
  l.secret = s;
  return l;
}
Label simple(const std::string& rule, const std::string& s) {
  Label l;
  l.rule = rule;
  l.secret = s;
  return l;
}

const std::vector<std::string> kRegions = {"us-east-1", "us-west-2", "eu-west-1", "eu-central-1",
                                           "ap-southeast-2", "ap-northeast-1", "sa-east-1"};
const std::vector<std::string> kBuckets = {"acme-prod-assets", "data-lake-raw", "backup.example.org",
                                           "ml-models-2023", "logs-archive", "static-site"};

// ---------------------------------------------------------------------------------------------
// AWS: where keys really sit.
// ---------------------------------------------------------------------------------------------

void aws_rootkey_lines(Ctx& c) {
  Cred k = c.cred();
  std::string s = "AWSAccessKeyId=" + k.id + "\n" + "AWSSecretKey=" + k.secret + "\n";
  if (c.kg.chance(0.5)) s = "AWSAccessKeyId=" + k.id + "\r\nAWSSecretKey=" + k.secret + "\r\n";
  c.write("aws/rootkey-lines", c.path("keys", "rootkey.csv"), s, {pair(k)});
}

void aws_rootkey_csv(Ctx& c) {
  Cred k = c.cred();
  std::string s;
  if (c.kg.chance(0.5)) {
    s = "Access key ID,Secret access key\n" + k.id + "," + k.secret + "\n";
  } else {
    s = "User name,Password,Access key ID,Secret access key,Console login link\n"
        "deploy-bot,," + k.id + "," + k.secret + ",https://" + c.kg.account() +
        ".signin.aws.amazon.com/console\n";
  }
  c.write("aws/rootkey-csv", c.path("downloads", c.kg.chance(0.5) ? "accessKeys.csv" : "credentials.csv"), s,
          {pair(k)});
}

void aws_credentials_ini(Ctx& c) {
  std::string s;
  std::vector<Label> ls;
  int n = 1 + c.kg.below(3);
  const std::vector<std::string> profiles = {"default", "prod", "staging", "dev", "ci", "admin"};
  for (int i = 0; i < n; ++i) {
    bool temp = c.kg.chance(0.3);
    Cred k = temp ? c.temp_cred() : c.cred();
    std::string eq = c.kg.chance(0.7) ? " = " : "=";
    s += "[" + profiles[(i + c.kg.below(2)) % profiles.size()] + "]\n";
    if (c.kg.chance(0.3)) s += "region" + eq + c.kg.pick(kRegions) + "\n";
    s += "aws_access_key_id" + eq + k.id + "\n";
    s += "aws_secret_access_key" + eq + k.secret + "\n";
    if (temp) s += "aws_session_token" + eq + k.token + "\n";
    s += "\n";
    ls.push_back(pair(k));
  }
  c.write("aws/credentials-ini", c.path("home/user/.aws", "credentials"), s, ls);
}

void aws_config_ini(Ctx& c) {
  Cred k = c.cred();
  std::string s = "[default]\nregion = " + c.kg.pick(kRegions) + "\noutput = json\n\n";
  s += "[profile deploy]\nregion = " + c.kg.pick(kRegions) + "\n";
  s += "aws_access_key_id = " + k.id + "\naws_secret_access_key = " + k.secret + "\n";
  s += "output = " + std::string(c.kg.chance(0.5) ? "json" : "table") + "\n\n";
  s += "[profile sso]\nsso_start_url = https://my-sso-portal.awsapps.com/start\nsso_account_id = " +
       c.kg.account() + "\nsso_role_name = ReadOnly\n";
  c.write("aws/config-ini", c.path("home/user/.aws", "config"), s, {pair(k)});
}

void aws_dotenv(Ctx& c) {
  std::string s = "NODE_ENV=production\nPORT=3000\nDATABASE_URL=postgres://app@db:5432/app\n";
  std::vector<Label> ls;
  std::string q = c.kg.pick(std::vector<std::string>{"", "\"", "'"});
  int v = c.kg.below(4);
  if (v == 0) {  // ID only, the secret comes from elsewhere
    Cred k = c.cred();
    s += "AWS_ACCESS_KEY_ID=" + q + k.id + q + "\nAWS_SECRET_ACCESS_KEY=${VAULT_AWS_SECRET}\n";
    ls.push_back(id_only(k));
  } else if (v == 1) {  // secret only, with its AWS name
    std::string sec = c.kg.secret();
    s += "AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID}\nAWS_SECRET_ACCESS_KEY=" + q + sec + q + "\n";
    ls.push_back(secret_only(sec));
  } else {
    Cred k = c.cred();
    if (v == 2) s += "AWS_ACCESS_KEY_ID=" + q + k.id + q + "\nAWS_SECRET_ACCESS_KEY=" + q + k.secret + q + "\n";
    else s += "AWS_SECRET_ACCESS_KEY=" + q + k.secret + q + "\nAWS_ACCESS_KEY_ID=" + q + k.id + q + "\n";
    ls.push_back(pair(k));
  }
  s += "AWS_DEFAULT_REGION=" + c.kg.pick(kRegions) + "\nS3_BUCKET=" + c.kg.pick(kBuckets) + "\n";
  s += "SESSION_SECRET=" + c.kg.alnum(24) + "\n";
  c.write("aws/dotenv", c.path("app", c.kg.chance(0.5) ? ".env" : ".env.production"), s, ls);
}

void aws_shell_export(Ctx& c) {
  bool temp = c.kg.chance(0.4);
  Cred k = temp ? c.temp_cred() : c.cred();
  std::string q = c.kg.chance(0.5) ? "\"" : "";
  std::string s = "#!/usr/bin/env bash\nset -euo pipefail\n\n# deploy credentials\n";
  s += "export AWS_ACCESS_KEY_ID=" + q + k.id + q + "\n";
  s += "export AWS_SECRET_ACCESS_KEY=" + q + k.secret + q + "\n";
  if (temp) s += "export AWS_SESSION_TOKEN=" + q + k.token + q + "\n";
  s += "export AWS_DEFAULT_REGION=" + c.kg.pick(kRegions) + "\n\n";
  s += "aws s3 sync ./dist s3://" + c.kg.pick(kBuckets) + "/ --delete\n";
  c.write("aws/shell-export", c.path("scripts", "deploy.sh"), s, {pair(k)});
}

void aws_python(Ctx& c) {
  bool temp = c.kg.chance(0.3);
  Cred k = temp ? c.temp_cred() : c.cred();
  std::string q = c.kg.chance(0.5) ? "\"" : "'";
  std::string s = "import boto3\nimport logging\n\nlog = logging.getLogger(__name__)\n\n";
  int v = c.kg.below(3);
  if (v == 0) {
    s += "s3 = boto3.client(\n    " + q + "s3" + q + ",\n    region_name=" + q + c.kg.pick(kRegions) + q + ",\n";
    s += "    aws_access_key_id=" + q + k.id + q + ",\n    aws_secret_access_key=" + q + k.secret + q + ",\n";
    if (temp) s += "    aws_session_token=" + q + k.token + q + ",\n";
    s += ")\n";
  } else if (v == 1) {
    s += "AWS_ACCESS_KEY_ID = " + q + k.id + q + "\nAWS_SECRET_ACCESS_KEY = " + q + k.secret + q + "\n";
    if (temp) s += "AWS_SESSION_TOKEN = " + q + k.token + q + "\n";
    s += "\nsession = boto3.Session(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)\n";
  } else {
    if (temp) {
      s += "session = boto3.Session(aws_access_key_id=" + q + k.id + q + ", aws_secret_access_key=" + q +
           k.secret + q + ", aws_session_token=" + q + k.token + q + ")\n";
    } else {
      s += "session = boto3.Session(aws_access_key_id=" + q + k.id + q + ", aws_secret_access_key=" + q +
           k.secret + q + ")\n";
    }
  }
  s += "\n\ndef upload(path):\n    log.info(\"uploading %s\", path)\n";
  c.write("aws/python", c.path("src", "storage.py"), s, {pair(k)});
}

void aws_js(Ctx& c, bool ts) {
  bool temp = c.kg.chance(0.3);
  Cred k = temp ? c.temp_cred() : c.cred();
  std::string q = c.kg.pick(std::vector<std::string>{"\"", "'", "`"});
  std::string s = ts ? "import { S3Client } from \"@aws-sdk/client-s3\";\n\n"
                     : "const { S3Client } = require(\"@aws-sdk/client-s3\");\n\n";
  if (c.kg.chance(0.5)) {
    s += std::string(ts ? "export const client: S3Client" : "const client") + " = new S3Client({\n";
    s += "  region: " + q + c.kg.pick(kRegions) + q + ",\n  credentials: {\n";
    s += "    accessKeyId: " + q + k.id + q + ",\n    secretAccessKey: " + q + k.secret + q + ",\n";
    if (temp) s += "    sessionToken: " + q + k.token + q + ",\n";
    s += "  },\n});\n";
  } else {
    s += "AWS.config.update({ accessKeyId: " + q + k.id + q + ", secretAccessKey: " + q + k.secret + q +
         (temp ? ", sessionToken: " + q + k.token + q : std::string()) + " });\n";
  }
  s += ts ? "\nexport default client;\n" : "\nmodule.exports = client;\n";
  c.write(ts ? "aws/typescript" : "aws/javascript", c.path("web", ts ? "s3.ts" : "s3.js"), s, {pair(k)});
}

void aws_go(Ctx& c) {
  Cred k = c.cred();
  std::string s = "package storage\n\nimport (\n\t\"github.com/aws/aws-sdk-go/aws\"\n"
                  "\t\"github.com/aws/aws-sdk-go/aws/credentials\"\n)\n\n";
  if (c.kg.chance(0.5)) {
    s += "var creds = credentials.NewStaticCredentials(\"" + k.id + "\", \"" + k.secret + "\", \"\")\n";
  } else {
    s += "const (\n\tawsAccessKeyID     = \"" + k.id + "\"\n\tawsSecretAccessKey = \"" + k.secret + "\"\n)\n";
  }
  s += "\nvar cfg = aws.NewConfig().WithRegion(\"" + c.kg.pick(kRegions) + "\")\n";
  c.write("aws/go", c.path("pkg/storage", "client.go"), s, {pair(k)});
}

void aws_java(Ctx& c) {
  Cred k = c.cred();
  std::string s = "package com.acme.storage;\n\nimport com.amazonaws.auth.BasicAWSCredentials;\n\n"
                  "public class S3Config {\n";
  int v = c.kg.below(3);
  if (v == 0) {
    s += "    private static final BasicAWSCredentials CREDS =\n        new BasicAWSCredentials(\"" + k.id +
         "\", \"" + k.secret + "\");\n";
  } else if (v == 1) {
    s += "    private static final String ACCESS_KEY = \"" + k.id + "\";\n";
    s += "    private static final String SECRET_KEY = \"" + k.secret + "\";\n";
  } else {
    s += "    AwsBasicCredentials creds = AwsBasicCredentials.create(\n        \"" + k.id + "\",\n        \"" +
         k.secret + "\");\n";
  }
  s += "}\n";
  c.write("aws/java", c.path("src/main/java/com/acme/storage", "S3Config.java"), s, {pair(k)});
}

void aws_csharp(Ctx& c) {
  Cred k = c.cred();
  std::string s = "using Amazon.S3;\nusing Amazon.Runtime;\n\nnamespace Acme.Storage\n{\n    public static class S3Factory\n    {\n";
  if (c.kg.chance(0.5)) {
    s += "        static readonly BasicAWSCredentials Creds = new BasicAWSCredentials(\"" + k.id + "\", \"" +
         k.secret + "\");\n";
  } else {
    s += "        public static AmazonS3Client Create() =>\n            new AmazonS3Client(\"" + k.id + "\", \"" +
         k.secret + "\", Amazon.RegionEndpoint.USEast1);\n";
  }
  s += "    }\n}\n";
  c.write("aws/csharp", c.path("src/Storage", "S3Factory.cs"), s, {pair(k)});
}

void aws_ruby(Ctx& c) {
  Cred k = c.cred();
  std::string s = "require 'aws-sdk-s3'\n\n";
  if (c.kg.chance(0.5)) {
    s += "Aws.config.update(\n  region: '" + c.kg.pick(kRegions) + "',\n  credentials: Aws::Credentials.new('" +
         k.id + "', '" + k.secret + "')\n)\n";
  } else {
    s += "s3 = Aws::S3::Client.new(\n  access_key_id: '" + k.id + "',\n  secret_access_key: '" + k.secret +
         "'\n)\n";
  }
  c.write("aws/ruby", c.path("config/initializers", "aws.rb"), s, {pair(k)});
}

void aws_php(Ctx& c) {
  Cred k = c.cred();
  std::string s = "<?php\nuse Aws\\S3\\S3Client;\n\n$s3 = new S3Client([\n    'version' => 'latest',\n"
                  "    'region'  => '" + c.kg.pick(kRegions) + "',\n    'credentials' => [\n"
                  "        'key'    => '" + k.id + "',\n        'secret' => '" + k.secret + "',\n    ],\n]);\n";
  c.write("aws/php", c.path("app/Services", "Storage.php"), s, {pair(k)});
}

void aws_cpp(Ctx& c) {
  Cred k = c.cred();
  std::string s;
  if (c.kg.chance(0.5)) {
    s = "#include <aws/core/auth/AWSCredentials.h>\n\nAws::Auth::AWSCredentials make_creds() {\n"
        "  return Aws::Auth::AWSCredentials(\"" + k.id + "\",\n                                   \"" + k.secret +
        "\");\n}\n";
    c.write("aws/c-cpp", c.path("src", "creds.cpp"), s, {pair(k)});
  } else {
    s = "#ifndef UPLOADER_CONFIG_H\n#define UPLOADER_CONFIG_H\n\n#define AWS_ACCESS_KEY_ID \"" + k.id +
        "\"\n#define AWS_SECRET_ACCESS_KEY \"" + k.secret + "\"\n#define AWS_REGION \"" + c.kg.pick(kRegions) +
        "\"\n\n#endif\n";
    c.write("aws/c-cpp", c.path("firmware", "config.h"), s, {pair(k)});
  }
}

void aws_json(Ctx& c) {
  bool sts = c.kg.chance(0.5);
  Cred k = sts ? c.temp_cred() : c.cred();
  std::string s;
  if (sts) {
    s = "{\n    \"Credentials\": {\n        \"AccessKeyId\": \"" + k.id + "\",\n        \"SecretAccessKey\": \"" +
        k.secret + "\",\n        \"SessionToken\": \"" + k.token +
        "\",\n        \"Expiration\": \"2024-05-01T12:00:00+00:00\"\n    },\n    \"AssumedRoleUser\": {\n"
        "        \"AssumedRoleId\": \"" + c.kg.key_id("AROA") + ":deploy\",\n        \"Arn\": \"arn:aws:sts::" +
        c.kg.account() + ":assumed-role/Deploy/deploy\"\n    }\n}\n";
  } else {
    s = "{\n    \"AccessKey\": {\n        \"UserName\": \"ci-bot\",\n        \"AccessKeyId\": \"" + k.id +
        "\",\n        \"Status\": \"Active\",\n        \"SecretAccessKey\": \"" + k.secret +
        "\",\n        \"CreateDate\": \"2023-03-14T09:26:53+00:00\"\n    }\n}\n";
  }
  c.write("aws/json", c.path("out", sts ? "assume-role.json" : "create-access-key.json"), s, {pair(k)});
}

void aws_yaml(Ctx& c) {
  Cred k = c.cred();
  std::string s;
  if (c.kg.chance(0.5)) {
    s = "storage:\n  provider: s3\n  bucket: " + c.kg.pick(kBuckets) + "\n  aws:\n    access_key_id: " + k.id +
        "\n    secret_access_key: " + k.secret + "\n    region: " + c.kg.pick(kRegions) + "\n";
  } else {
    s = "env:\n  - name: AWS_ACCESS_KEY_ID\n    value: \"" + k.id + "\"\n  - name: AWS_SECRET_ACCESS_KEY\n"
        "    value: \"" + k.secret + "\"\n";
  }
  c.write("aws/yaml", c.path("deploy", "values.yaml"), s, {pair(k)});
}

void aws_toml(Ctx& c) {
  Cred k = c.cred();
  std::string s = "[server]\nport = 8080\n\n[aws]\nregion = \"" + c.kg.pick(kRegions) + "\"\naccess_key_id = \"" +
                  k.id + "\"\nsecret_access_key = \"" + k.secret + "\"\n";
  c.write("aws/toml", c.path("conf", "settings.toml"), s, {pair(k)});
}

void aws_xml(Ctx& c) {
  Cred k = c.cred();
  std::string s;
  if (c.kg.chance(0.5)) {
    s = "<?xml version=\"1.0\"?>\n<configuration>\n  <property>\n    <name>fs.s3a.access.key</name>\n"
        "    <value>" + k.id + "</value>\n  </property>\n  <property>\n    <name>fs.s3a.secret.key</name>\n"
        "    <value>" + k.secret + "</value>\n  </property>\n</configuration>\n";
    c.write("aws/xml", c.path("hadoop", "core-site.xml"), s, {pair(k)});
  } else {
    s = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <appSettings>\n"
        "    <add key=\"AWSAccessKey\" value=\"" + k.id + "\" />\n    <add key=\"AWSSecretKey\" value=\"" + k.secret +
        "\" />\n    <add key=\"AWSRegion\" value=\"" + c.kg.pick(kRegions) + "\" />\n  </appSettings>\n</configuration>\n";
    c.write("aws/xml", c.path("web", "App.config"), s, {pair(k)});
  }
}

void aws_properties(Ctx& c) {
  Cred k = c.cred();
  std::string s;
  if (c.kg.chance(0.5)) {
    s = "spring.application.name=orders\ncloud.aws.region.static=" + c.kg.pick(kRegions) +
        "\ncloud.aws.credentials.access-key=" + k.id + "\ncloud.aws.credentials.secret-key=" + k.secret + "\n";
  } else {
    s = "# system properties for the AWS SDK\naws.accessKeyId=" + k.id + "\naws.secretKey=" + k.secret + "\n";
  }
  c.write("aws/properties", c.path("src/main/resources", "application.properties"), s, {pair(k)});
}

void aws_terraform(Ctx& c) {
  Cred k = c.cred();
  std::string s = "terraform {\n  required_providers {\n    aws = {\n      source  = \"hashicorp/aws\"\n"
                  "      version = \"~> 5.0\"\n    }\n  }\n}\n\nprovider \"aws\" {\n  region     = \"" +
                  c.kg.pick(kRegions) + "\"\n  access_key = \"" + k.id + "\"\n  secret_key = \"" + k.secret +
                  "\"\n}\n\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"" + c.kg.pick(kBuckets) + "\"\n}\n";
  c.write("aws/terraform", c.path("infra", "main.tf"), s, {pair(k)});
}

void aws_dockerfile(Ctx& c) {
  Cred k = c.cred();
  std::string s = "FROM python:3.12-slim\nWORKDIR /app\n";
  if (c.kg.chance(0.5)) {
    s += "ENV AWS_ACCESS_KEY_ID=" + k.id + " \\\n    AWS_SECRET_ACCESS_KEY=" + k.secret + " \\\n    AWS_DEFAULT_REGION=" +
         c.kg.pick(kRegions) + "\n";
  } else {
    s += "ARG AWS_ACCESS_KEY_ID=" + k.id + "\nARG AWS_SECRET_ACCESS_KEY=" + k.secret + "\n";
  }
  s += "COPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"main.py\"]\n";
  c.write("aws/dockerfile", c.path("svc", "Dockerfile"), s, {pair(k)});
}

std::string notebook(const std::vector<std::string>& cells_json) {
  std::string s = "{\n \"cells\": [\n";
  for (size_t i = 0; i < cells_json.size(); ++i) s += cells_json[i] + (i + 1 < cells_json.size() ? ",\n" : "\n");
  s += " ],\n \"metadata\": {\n  \"kernelspec\": {\"display_name\": \"Python 3\", \"language\": \"python\", "
       "\"name\": \"python3\"}\n },\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n";
  return s;
}
std::string code_cell_lines(const std::vector<std::string>& lines) {
  std::string s = "  {\n   \"cell_type\": \"code\",\n   \"execution_count\": 1,\n   \"metadata\": {},\n   \"outputs\": [],\n   \"source\": [\n";
  for (size_t i = 0; i < lines.size(); ++i)
    s += "    \"" + json_escape(lines[i] + (i + 1 < lines.size() ? "\n" : "")) + "\"" + (i + 1 < lines.size() ? ",\n" : "\n");
  return s + "   ]\n  }";
}
std::string code_cell_string(const std::string& src) {
  return "  {\n   \"cell_type\": \"code\",\n   \"execution_count\": 2,\n   \"metadata\": {},\n   \"outputs\": [],\n"
         "   \"source\": \"" + json_escape(src) + "\"\n  }";
}

void aws_jupyter(Ctx& c) {
  Cred k = c.cred();
  std::vector<std::string> cells;
  cells.push_back(code_cell_lines({"import boto3", "import pandas as pd"}));
  int v = c.kg.below(3);
  if (v == 0) {
    cells.push_back(code_cell_lines({"s3 = boto3.client('s3',", "    aws_access_key_id='" + k.id + "',",
                                     "    aws_secret_access_key='" + k.secret + "')"}));
  } else if (v == 1) {
    cells.push_back(code_cell_string("ACCESS_KEY = \"" + k.id + "\"\nSECRET_KEY = \"" + k.secret +
                                     "\"\ns3 = boto3.client(\"s3\", aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY)\n"));
  } else {
    cells.push_back(code_cell_string("%%writefile accessKeys.csv\nAccess key ID,Secret access key\n" + k.id + "," +
                                     k.secret + "\n"));
  }
  cells.push_back(code_cell_lines({"df = pd.read_csv('s3://" + c.kg.pick(kBuckets) + "/data.csv')", "df.head()"}));
  c.write("aws/jupyter", c.path("notebooks", "analysis.ipynb"), notebook(cells), {pair(k)});
}

void aws_url(Ctx& c) {
  Cred k = c.cred();
  std::string s;
  int v = c.kg.below(3);
  if (v == 0) {
    s = "source: s3://" + k.id + ":" + k.secret + "@" + c.kg.pick(kBuckets) + "/exports/\n";
    c.write("aws/url", c.path("etl", "pipeline.yml"), s, {pair(k)});
  } else if (v == 1) {
    s = "jdbc.url=jdbc:awsathena://AwsRegion=" + c.kg.pick(kRegions) + ";User=" + k.id + ";Password=" + k.secret +
        ";S3OutputLocation=s3://" + c.kg.pick(kBuckets) + "/athena/\n";
    c.write("aws/url", c.path("etl", "athena.properties"), s, {pair(k)});
  } else {
    s = "spark.read.parquet(\"s3a://" + k.id + ":" + k.secret + "@" + c.kg.pick(kBuckets) + "/events/\")\n";
    c.write("aws/url", c.path("etl", "job.scala"), s, {pair(k)});
  }
}

void aws_markdown(Ctx& c) {
  Cred k = c.cred();
  std::string s = "# Deploying\n\nConfigure the CLI with the deploy user's key:\n\n";
  if (c.kg.chance(0.5)) {
    s += "```bash\nexport AWS_ACCESS_KEY_ID=" + k.id + "\nexport AWS_SECRET_ACCESS_KEY=" + k.secret + "\n```\n";
  } else {
    s += "| Setting | Value |\n|---|---|\n| Access key ID | `" + k.id + "` |\n| Secret access key | `" + k.secret + "` |\n";
  }
  s += "\nThen run `make deploy`.\n";
  c.write("aws/markdown", c.path("docs", "DEPLOY.md"), s, {pair(k)});
}

void aws_debug_log(Ctx& c) {
  // botocore debug output: the signing key ID appears alone (a finding), next to hex signatures,
  // request IDs and x-amz-id-2 base64 values (none of them findings).
  Cred k = c.cred();
  std::string s;
  for (int i = 0; i < 3; ++i) {
    s += "2024-03-0" + std::to_string(i + 1) + " 10:0" + std::to_string(i) + ":11,482 botocore.auth [DEBUG] Signature:\n" +
         c.kg.hex(64) + "\n";
    s += "2024-03-0" + std::to_string(i + 1) + " 10:0" + std::to_string(i) +
         ":11,483 botocore.endpoint [DEBUG] Sending http request: <AWSPreparedRequest method=GET, headers={"
         "'Authorization': b'AWS4-HMAC-SHA256 Credential=" + k.id + "/2024030" + std::to_string(i + 1) + "/" +
         c.kg.pick(kRegions) + "/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" +
         c.kg.hex(64) + "', 'X-Amz-Content-SHA256': b'" + c.kg.hex(64) + "'}>\n";
    s += "2024-03-0" + std::to_string(i + 1) + " 10:0" + std::to_string(i) +
         ":11,601 botocore.parsers [DEBUG] Response headers: {'x-amz-id-2': '" + c.kg.b64(76) +
         "', 'x-amz-request-id': '" + c.kg.alnum(16) + "'}\n";
  }
  // The same ID signs three requests: three findings, one per line.
  c.write("aws/debug-log", c.path("logs", "boto.log"), s, {id_only(k), id_only(k), id_only(k)});
}

// ---------------------------------------------------------------------------------------------
// AWS look-alikes: none of these is a finding.
// ---------------------------------------------------------------------------------------------

void lk_git_sha(Ctx& c) {
  std::string s;
  for (int i = 0; i < 6; ++i) {
    s += "commit " + c.kg.hex(40) + "\nAuthor: Dev <dev@acme.io>\nDate:   Mon Mar 4 10:11:12 2024 +0100\n\n    " +
         c.kg.pick(std::vector<std::string>{"Rotate aws_secret_access_key handling in deploy",
                                            "Read AWS_SECRET_ACCESS_KEY from the environment",
                                            "Bump aws-sdk", "Fix secret_key lookup for s3"}) + "\n\n";
  }
  c.write("aws-lookalike/git-sha", c.path("git", "log.txt"), s);
  std::string refs = "# pack-refs with: peeled fully-peeled sorted\n";
  for (int i = 0; i < 5; ++i) refs += c.kg.hex(40) + " refs/heads/feature/aws-secret-" + std::to_string(i) + "\n";
  c.write("aws-lookalike/git-sha", c.path("git", "packed-refs"), refs);
  std::string wf = "jobs:\n  deploy:\n    steps:\n      - uses: actions/checkout@" + c.kg.hex(40) +
                   "\n      - uses: aws-actions/configure-aws-credentials@" + c.kg.hex(40) +
                   "\n        with:\n          aws-access-key-id: ${{ secrets.AWS_ACCESS_KEY_ID }}\n"
                   "          aws-secret-access-key: ${{ secrets.AWS_SECRET_ACCESS_KEY }}\n";
  c.write("aws-lookalike/git-sha", c.path(".github/workflows", "deploy.yml"), wf);
}

void lk_hashes(Ctx& c) {
  std::string lock = "# This file is automatically @generated by Cargo.\nversion = 3\n\n";
  for (int i = 0; i < 6; ++i)
    lock += "[[package]]\nname = \"aws-sigv4-" + std::to_string(i) + "\"\nversion = \"1.0." + std::to_string(i) +
            "\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"" + c.kg.hex(64) +
            "\"\n\n";
  c.write("aws-lookalike/lockfile-hash", c.path("rust", "Cargo.lock"), lock);
  std::string gosum;
  for (int i = 0; i < 6; ++i)
    gosum += "github.com/aws/aws-sdk-go-v2/service/s" + std::to_string(i) + " v1.4" + std::to_string(i) + ".0 h1:" +
             c.kg.b64(43) + "=\n";
  c.write("aws-lookalike/lockfile-hash", c.path("go", "go.sum"), gosum);
  std::string yarn;
  for (int i = 0; i < 5; ++i)
    yarn += "\"@aws-sdk/credential-provider-" + std::to_string(i) + "@^3.0.0\":\n  version \"3.4" + std::to_string(i) +
            "0.0\"\n  resolved \"https://registry.yarnpkg.com/x/-/x-3.4.0.tgz#" + c.kg.hex(40) + "\"\n  integrity sha512-" +
            c.kg.b64(86) + "==\n\n";
  c.write("aws-lookalike/lockfile-hash", c.path("web", "yarn.lock"), yarn);
  std::string pip;
  for (int i = 0; i < 5; ++i)
    pip += "boto" + std::to_string(i) + "==1.34." + std::to_string(i) + " \\\n    --hash=sha256:" + c.kg.hex(64) + "\n";
  c.write("aws-lookalike/lockfile-hash", c.path("py", "requirements.txt"), pip);
  std::string cl = "# Changelog\n\n";
  for (int i = 0; i < 6; ++i)
    cl += "- Support aws_secret_access_key from profiles (" + c.kg.hex(40) + ")\n- fix secret key parsing (" +
          c.kg.hex(12) + ")\n";
  c.write("aws-lookalike/changelog-hash", c.path("docs", "CHANGELOG.md"), cl);
  std::string log;
  for (int i = 0; i < 8; ++i)
    log += "2024-01-0" + std::to_string(i + 1) + "T00:00:00Z INFO uploaded key=uploads/" + c.kg.hex(40) +
           " etag=\"" + c.kg.hex(32) + "\" sha1=" + c.kg.hex(40) + " aws_secret_access_key_fingerprint=" + c.kg.hex(40) +
           "\n";
  c.write("aws-lookalike/log-hash", c.path("logs", "uploader.log"), log);
}

void lk_sri(Ctx& c) {
  std::string s = "<!doctype html>\n<html>\n<head>\n";
  for (int i = 0; i < 4; ++i)
    s += "  <script src=\"https://cdn.jsdelivr.net/npm/lib" + std::to_string(i) + "@1.0/dist/lib.min.js\" integrity=\"sha384-" +
         c.kg.b64(64) + "\" crossorigin=\"anonymous\"></script>\n";
  s += "  <link rel=\"stylesheet\" href=\"https://cdn.example.net/x.css\" integrity=\"sha256-" + c.kg.b64(43) +
       "=\" crossorigin=\"anonymous\">\n";
  s += "  <script>window.AWS_SECRET_ACCESS_KEY = undefined;</script>\n</head>\n</html>\n";
  c.write("aws-lookalike/sri", c.path("site", "index.html"), s);
}

void lk_base64(Ctx& c) {
  std::string s = ".logo {\n  background-image: url(\"data:image/png;base64," + c.kg.b64(4000 + c.kg.below(4000)) +
                  "\");\n}\n";
  c.write("aws-lookalike/base64-image", c.path("site", "style.css"), s);
  std::string pem = "-----BEGIN CERTIFICATE-----\n";
  std::string body = c.kg.b64(900 + c.kg.below(400));
  for (size_t i = 0; i < body.size(); i += 64) pem += body.substr(i, 64) + "\n";
  pem += "-----END CERTIFICATE-----\n";
  c.write("aws-lookalike/base64-run", c.path("certs", "ca.pem"), pem);
  std::string mime = "Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n";
  body = c.kg.b64(2000);
  for (size_t i = 0; i < body.size(); i += 76) mime += body.substr(i, 76) + "\n";
  c.write("aws-lookalike/base64-run", c.path("mail", "attachment.eml"), mime);
  std::string js = "var AWS_BUNDLE=\"" + c.kg.b64(3000) + "\";var s3={secretAccessKey:undefined};\n";
  c.write("aws-lookalike/base64-run", c.path("dist", "bundle.min.js"), js);
}

void lk_uuid(Ctx& c) {
  std::string s = "{\n  \"requests\": [\n";
  for (int i = 0; i < 8; ++i)
    s += "    {\"RequestId\": \"" + c.kg.uuid() + "\", \"aws_secret_access_key_id\": \"" + c.kg.uuid() + "\"}" +
         (i < 7 ? ",\n" : "\n");
  s += "  ]\n}\n";
  c.write("aws-lookalike/uuid", c.path("logs", "requests.json"), s);
}

void lk_arn(Ctx& c) {
  std::string acct = c.kg.account();
  std::string s = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n"
                  "      \"Principal\": {\"AWS\": \"arn:aws:iam::" + acct + ":role/service-role/AWSLambdaBasicExecutionRoleForSecretsAccess\"},\n"
                  "      \"Action\": [\"secretsmanager:GetSecretValue\", \"s3:GetObject\"],\n"
                  "      \"Resource\": [\"arn:aws:secretsmanager:us-east-1:" + acct + ":secret:prod/AwsSecretAccessKeyRotation/Xy12Ab\",\n"
                  "                   \"arn:aws:s3:::" + c.kg.pick(kBuckets) + "/SecretAccessKeyBackups2024/archive/*\"]\n    }\n  ]\n}\n";
  c.write("aws-lookalike/arn-account", c.path("iam", "policy.json"), s);
  std::string id = "{\n    \"UserId\": \"" + c.kg.key_id("AIDA") + "\",\n    \"Account\": \"" + acct +
                   "\",\n    \"Arn\": \"arn:aws:iam::" + acct + ":user/ci-deployer\"\n}\n";
  c.write("aws-lookalike/arn-account", c.path("iam", "caller-identity.json"), id);
  std::string tf = "locals {\n  account_id = \"" + acct + "\"\n  secret_arn = \"arn:aws:secretsmanager:eu-west-1:" + acct +
                   ":secret:aws/secret_access_key-AbCdEf\"\n}\n";
  c.write("aws-lookalike/arn-account", c.path("infra", "locals.tf"), tf);
}

void lk_principal(Ctx& c) {
  std::string s = "{\n    \"Users\": [\n";
  for (int i = 0; i < 5; ++i) {
    std::string acct = c.kg.account();
    s += "        {\n            \"Path\": \"/\",\n            \"UserName\": \"user" + std::to_string(i) +
         "\",\n            \"UserId\": \"" + c.kg.key_id("AIDA") + "\",\n            \"Arn\": \"arn:aws:iam::" + acct +
         ":user/user" + std::to_string(i) + "\",\n            \"CreateDate\": \"2022-11-0" + std::to_string(i + 1) +
         "T10:00:00+00:00\"\n        }" + (i < 4 ? ",\n" : "\n");
  }
  s += "    ]\n}\n";
  c.write("aws-lookalike/principal-id", c.path("iam", "list-users.json"), s);
  std::string r = "{\n    \"Role\": {\n        \"RoleName\": \"Deploy\",\n        \"RoleId\": \"" + c.kg.key_id("AROA") +
                  "\",\n        \"AttachedPolicies\": [{\"PolicyId\": \"" + c.kg.key_id("ANPA") +
                  "\"}, {\"PolicyId\": \"" + c.kg.key_id("ANVA") + "\"}],\n        \"Groups\": [{\"GroupId\": \"" +
                  c.kg.key_id("AGPA") + "\"}],\n        \"InstanceProfileId\": \"" + c.kg.key_id("AIPA") +
                  "\",\n        \"SSHPublicKeyId\": \"" + c.kg.key_id("APKA") + "\",\n        \"ServerCertificateId\": \"" +
                  c.kg.key_id("ASCA") + "\"\n    }\n}\n";
  c.write("aws-lookalike/principal-id", c.path("iam", "get-role.json"), r);
}

void lk_varref(Ctx& c) {
  std::vector<std::string> lines = {
      "aws_access_key_id = ${AWS_ACCESS_KEY_ID}",
      "aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}",
      "AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}",
      "  secret_key = var.aws_secret_access_key",
      "s3 = boto3.client('s3', aws_secret_access_key=os.environ[\"AWS_SECRET_ACCESS_KEY\"])",
      "  secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,",
      "aws_secret_access_key = <SECRET>",
      "AWS_SECRET_ACCESS_KEY=\"$(aws configure get aws_secret_access_key --profile prod)\"",
      "String secret = System.getenv(\"AWS_SECRET_ACCESS_KEY\");",
      "aws_secret_access_key: \"{{ vault_aws_secret_access_key }}\"",
      "set AWS_SECRET_ACCESS_KEY=%AWS_SECRET_ACCESS_KEY_PROD%",
      "$awsSecretAccessKey = getenv('AWS_SECRET_ACCESS_KEY');",
      "secret_access_key: !Ref AwsSecretAccessKeyParameterForProduction",
      "aws_secret_access_key = settings.AWS_SECRET_ACCESS_KEY_FOR_UPLOADS",
      "config.secretAccessKey = credentialsProvider.getAwsSecretAccessKey();",
  };
  std::string s;
  for (int i = 0; i < 12; ++i) s += c.kg.pick(lines) + "\n";
  c.write("aws-lookalike/varref", c.path("conf", "vars.txt"), s);
}

void lk_placeholder(Ctx& c) {
  std::vector<std::string> lines = {
      "aws_access_key_id = AKIAXXXXXXXXXXXXXXXX",
      "aws_secret_access_key = XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
      "AWS_SECRET_ACCESS_KEY=your-secret-key-here",
      "AWS_ACCESS_KEY_ID=AKIAAAAAAAAAAAAAAAAA",
      "aws_secret_access_key = 0000000000000000000000000000000000000000",
      "aws_secret_access_key = ****************************************",
      "AWS_SECRET_ACCESS_KEY=abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN",
      "AWS_ACCESS_KEY_ID=AKIA_REPLACE_ME",
      "aws_secret_access_key = <your-aws-secret-access-key>",
      "aws_access_key_id = AKIA1234567890123456",
      "aws_access_key_id = AKIAREDACTEDREDACTED",
      "aws_secret_access_key = REDACTED",
      "aws_access_key_id = AKIA" + std::string("XXXX") + c.kg.key_id("AKIA").substr(8),
      "aws_secret_access_key = " + c.kg.secret().substr(0, 8) + std::string(32, 'x'),
      "aws_secret_access_key = " + c.kg.secret().substr(0, 4) + "..." + c.kg.secret().substr(0, 4),
      "AWS_ACCESS_KEY_ID=AKIAYOURACCESSKEYID",
  };
  std::string s = "[default]\n";
  for (int i = 0; i < 12; ++i) s += c.kg.pick(lines) + "\n";
  c.write("aws-lookalike/placeholder", c.path("templates", "credentials.template"), s);
}

void lk_doc_example(Ctx& c) {
  auto ids = aws_doc_example_ids();
  auto secs = aws_doc_example_secrets();
  std::string id = c.kg.pick(ids), sec = c.kg.pick(secs);
  std::string s = "To configure the CLI:\n\n```\n$ aws configure\nAWS Access Key ID [None]: " + id +
                  "\nAWS Secret Access Key [None]: " + sec + "\nDefault region name [None]: us-west-2\n```\n\n"
                  "Or in ~/.aws/credentials:\n\n```ini\n[default]\naws_access_key_id = " + id +
                  "\naws_secret_access_key = " + sec + "\n```\n";
  c.out.doc_examples.push_back(id);
  c.out.doc_examples.push_back(sec);
  c.write("aws-lookalike/doc-example", c.path("docs", "setup.md"), s);
}

void lk_bare40(Ctx& c) {
  // 40-character base64 values with no AWS evidence: not AWS secrets.
  std::string s = "[app]\ntoken = " + c.kg.secret() + "\nclient_secret = " + c.kg.secret() + "\nSECRET_KEY = \"" +
                  c.kg.secret() + "\"\netag = \"" + c.kg.secret() + "\"\n\n# a sha1 in base64url-ish form\nnonce=" +
                  c.kg.secret() + "\n";
  c.write("aws-lookalike/bare-40", c.path("conf", "app.ini"), s);
}

// ---------------------------------------------------------------------------------------------
// Cloudflare.
// ---------------------------------------------------------------------------------------------

void cf_api_token(Ctx& c) {
  std::string tok = c.kg.alnum(40, "_-");
  std::string s;
  int v = c.kg.below(4);
  if (v == 0) {
    s = "CLOUDFLARE_API_TOKEN=" + tok + "\nCLOUDFLARE_ACCOUNT_ID=" + c.kg.hex(32) + "\n";
    c.write("cloudflare/api-token", c.path("cf", ".env"), s, {simple("cloudflare-api-token", tok)});
  } else if (v == 1) {
    s = "provider \"cloudflare\" {\n  api_token = \"" + tok + "\"\n}\n\nresource \"cloudflare_record\" \"www\" {\n"
        "  zone_id = \"" + c.kg.hex(32) + "\"\n  name    = \"www\"\n}\n";
    c.write("cloudflare/api-token", c.path("cf", "main.tf"), s, {simple("cloudflare-api-token", tok)});
  } else if (v == 2) {
    s = "curl -X GET \"https://api.cloudflare.com/client/v4/user/tokens/verify\" \\\n     -H \"Authorization: Bearer " +
        tok + "\" \\\n     -H \"Content-Type:application/json\"\n";
    c.write("cloudflare/api-token", c.path("cf", "verify.sh"), s, {simple("cloudflare-api-token", tok)});
  } else {
    s = "name = \"worker\"\nmain = \"src/index.ts\"\naccount_id = \"" + c.kg.hex(32) + "\"\n\n[vars]\nCF_API_TOKEN = \"" +
        tok + "\"\n";
    c.write("cloudflare/api-token", c.path("cf", "wrangler.toml"), s, {simple("cloudflare-api-token", tok)});
  }
}

void cf_scannable(Ctx& c) {
  std::string pfx = c.kg.pick(std::vector<std::string>{"cfk_", "cfut_", "cfat_"});
  std::string tok = pfx + c.kg.alnum(40 + c.kg.below(9));
  std::string s = "export CLOUDFLARE_API_TOKEN=" + tok + "\n";
  c.write("cloudflare/scannable-token", c.path("cf", "env.sh"), s, {simple("cloudflare-scannable-token", tok)});
}

void cf_global_key(Ctx& c) {
  std::string key = c.kg.hex(37);
  std::string s;
  if (c.kg.chance(0.5)) {
    s = "curl https://api.cloudflare.com/client/v4/zones \\\n  -H \"X-Auth-Email: ops@acme.io\" \\\n  -H \"X-Auth-Key: " +
        key + "\"\n";
  } else {
    s = c.kg.pick(std::vector<std::string>{"CLOUDFLARE_API_KEY", "CF_API_KEY"}) + "=" + key +
        "\nCLOUDFLARE_EMAIL=ops@acme.io\n";
  }
  c.write("cloudflare/global-api-key", c.path("cf", "purge.sh"), s, {simple("cloudflare-global-api-key", key)});
}

void cf_origin_ca(Ctx& c) {
  std::string key = "v1.0-" + c.kg.hex(24) + "-" + c.kg.hex(146);
  std::string s = "CF_ORIGIN_CA_KEY=" + key + "\n";
  c.write("cloudflare/origin-ca-key", c.path("cf", "origin.env"), s, {simple("cloudflare-origin-ca-key", key)});
}

void cf_r2(Ctx& c) {
  std::string id = c.kg.hex(32), sec = c.kg.hex(64), acct = c.kg.hex(32);
  Label l = simple("cloudflare-r2-access-key-id", id);
  l.pair_secret = sec;
  std::string s;
  int v = c.kg.below(3);
  if (v == 0) {
    s = "R2_ACCOUNT_ID=" + acct + "\nR2_ACCESS_KEY_ID=" + id + "\nR2_SECRET_ACCESS_KEY=" + sec + "\nR2_BUCKET=media\n";
    c.write("cloudflare/r2-pair", c.path("r2", ".env"), s, {l});
  } else if (v == 1) {
    s = "[r2]\ntype = s3\nprovider = Cloudflare\naccess_key_id = " + id + "\nsecret_access_key = " + sec +
        "\nendpoint = https://" + acct + ".r2.cloudflarestorage.com\nacl = private\n";
    c.write("cloudflare/r2-pair", c.path("r2", "rclone.conf"), s, {l});
  } else {
    s = "s3 = boto3.client(\n    \"s3\",\n    endpoint_url=\"https://" + acct + ".r2.cloudflarestorage.com\",\n"
        "    aws_access_key_id=\"" + id + "\",\n    aws_secret_access_key=\"" + sec + "\",\n    region_name=\"auto\",\n)\n";
    c.write("cloudflare/r2-pair", c.path("r2", "r2_client.py"), s, {l});
  }
}

void cf_lookalikes(Ctx& c) {
  std::string s = "CLOUDFLARE_ZONE_ID=" + c.kg.hex(32) + "\nCLOUDFLARE_ACCOUNT_ID=" + c.kg.hex(32) +
                  "\nCLOUDFLARE_API_TOKEN=${CF_TOKEN}\ncf_api_token: \"{{ cloudflare_api_token }}\"\n";
  c.write("cloudflare-lookalike/ids", c.path("cf", "ids.env"), s);
  std::string log;
  for (int i = 0; i < 6; ++i)
    log += "GET https://api.cloudflare.com/client/v4/zones/" + c.kg.hex(32) + "/dns_records/" + c.kg.hex(32) +
           " 200 cf-ray=" + c.kg.hex(16) + "-SJC request_id=" + c.kg.uuid() + "\n";
  c.write("cloudflare-lookalike/ids", c.path("cf", "api.log"), log);
  std::string wf = "      - uses: cloudflare/wrangler-action@" + c.kg.hex(40) +
                   "\n        with:\n          apiToken: ${{ secrets.CLOUDFLARE_API_TOKEN }}\n"
                   "          # cloudflare key rotation commit " + c.kg.hex(40) + "\n";
  c.write("cloudflare-lookalike/hashes", c.path(".github/workflows", "cf.yml"), wf);
  std::string h = "cloudflare-r2 object etag: " + c.kg.hex(32) + "\nr2 object sha256: " + c.kg.hex(64) +
                  "\nX-Auth-Key checksum md5 " + c.kg.hex(32) + "\ncloudflare_api_key_sha1 = " + c.kg.hex(40) + "\n";
  c.write("cloudflare-lookalike/hashes", c.path("cf", "objects.txt"), h);
}

}  // namespace

// --------------------------------------------------------------------------------------------

std::string KeyGen::key_id(const std::string& prefix, bool new_format, std::string* account) {
  std::string s = prefix;
  if (new_format) {
    // Current IDs: base32 of 10 bytes whose first 6 hold 1 bit set, the 40-bit account ID, 7 bits.
    std::string acct = this->account();
    uint64_t a = std::stoull(acct);
    uint64_t hi = (1ull << 47) | (a << 7) | below(128);  // 48 bits
    uint64_t lo = rng_() & 0xffffffffull;                // 32 bits
    // 80 bits -> 16 base32 characters.
    for (int i = 0; i < 16; ++i) {
      int bit = 79 - 5 * i - 4;  // low bit index of this 5-bit group
      uint64_t v;
      if (bit >= 32) v = (hi >> (bit - 32)) & 31;
      else if (bit + 4 < 32) v = (lo >> bit) & 31;
      else v = ((hi << (32 - bit)) | (lo >> bit)) & 31;
      s += kB32[v];
    }
    if (account) *account = acct;
  } else {
    s += below(2) ? 'I' : 'J';
    while (s.size() < 20) s += kB32[below(32)];
    if (account) account->clear();
  }
  return s;
}

std::string KeyGen::secret() { return b64(40); }

std::string KeyGen::session_token() {
  std::string p = chance(0.5) ? "IQoJb3JpZ2luX2VjE" : "FwoGZXIvYXdzE";
  return p + b64(400 + below(400));
}

std::string KeyGen::hex(size_t n) {
  std::string s;
  while (s.size() < n) s += kHex[below(16)];
  return s;
}
std::string KeyGen::b64(size_t n) {
  std::string s;
  while (s.size() < n) s += kB64[below(64)];
  return s;
}
std::string KeyGen::alnum(size_t n, const std::string& extra) {
  std::string a = kAlnum + extra;
  std::string s;
  while (s.size() < n) s += a[below(a.size())];
  return s;
}
std::string KeyGen::uuid() {
  return hex(8) + "-" + hex(4) + "-4" + hex(3) + "-" + std::string(1, "89ab"[below(4)]) + hex(3) + "-" + hex(12);
}
std::string KeyGen::account() {
  std::string s(1, static_cast<char>('1' + below(9)));
  while (s.size() < 12) s += static_cast<char>('0' + below(10));
  return s;
}

std::vector<std::string> aws_doc_example_ids() {
  const std::string ex = std::string("EXA") + "MPLE";
  return {"AKIA" + std::string("IOSFODNN7") + ex, "ASIA" + std::string("IOSFODNN7") + ex,
          "AKIA" + std::string("I44QH8DHB") + ex};
}
std::vector<std::string> aws_doc_example_secrets() {
  const std::string ex = std::string("EXA") + "MPLEKEY";
  return {std::string("wJalrXUtnFEMI/K7MDENG/bPxRfiCY") + ex, std::string("je7MtGbClwBF/2Zp9Utk/h3yCo8nvb") + ex};
}

void write_labelled(Corpus& out, const std::string& root, const std::string& category, const std::string& rel,
                    const std::string& content, std::vector<Label> labels) {
  mkdirs(root + "/" + rel.substr(0, rel.rfind('/')));
  std::ofstream f(root + "/" + rel, std::ios::binary);
  f << content;
  out.file_category[rel] = category;
  std::map<std::string, int> seen;  // a value planted twice is labelled at each place
  for (auto& l : labels) {
    l.category = category;
    l.file = rel;
    l.line = line_of(content, l.secret, seen[l.secret]++);
    out.labels.push_back(l);
  }
}

Corpus generate_corpus(const std::string& root, uint64_t seed) {
  Corpus out;
  KeyGen kg(seed);
  Ctx c{root, kg, out, {}};
  mkdirs(root);
  const int n = 8;  // files per format
  std::vector<std::function<void(Ctx&)>> gens = {
      aws_rootkey_lines, aws_rootkey_csv, aws_credentials_ini, aws_config_ini, aws_dotenv, aws_shell_export,
      aws_python, [](Ctx& x) { aws_js(x, false); }, [](Ctx& x) { aws_js(x, true); }, aws_go, aws_java,
      aws_csharp, aws_ruby, aws_php, aws_cpp, aws_json, aws_yaml, aws_toml, aws_xml, aws_properties,
      aws_terraform, aws_dockerfile, aws_jupyter, aws_url, aws_markdown, aws_debug_log,
      lk_git_sha, lk_hashes, lk_sri, lk_base64, lk_uuid, lk_arn, lk_principal, lk_varref, lk_placeholder,
      lk_doc_example, lk_bare40,
      cf_api_token, cf_scannable, cf_global_key, cf_origin_ca, cf_r2, cf_lookalikes};
  for (int i = 0; i < n; ++i) {
    for (auto& g : gens) g(c);
    generate_table_forms(root, kg, out, i);
  }
  return out;
}

}  // namespace corpus
