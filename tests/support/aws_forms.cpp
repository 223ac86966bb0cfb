// More AWS forms and look-alike kinds for the labelled corpus, written from how SDK docs, config
// systems, CI systems and IaC tools spell credentials (not from keyhound's regexes). Each form is
// a template: {ID} and {SECRET} are replaced by a fresh fake key pair, {REGION}, {BUCKET} and
// {ACCOUNT} by plausible values.
#include <string>
#include <vector>

#include "corpus_generator.h"

namespace corpus {
namespace {

enum class Plant { Pair, SecretOnly, None };

struct Form {
  const char* category;
  const char* file;
  Plant plant;
  const char* text;
};

// Where real projects put AWS keys.
const std::vector<Form>& aws_forms() {
  static const std::vector<Form> f = {
      // SDK constructors, positional arguments.
      {"aws/python-boto3-positional", "src/clients.py", Plant::Pair,
       "import boto3\n\n# region, api_version, use_ssl, verify, endpoint_url, key id, secret\n"
       "s3 = boto3.client('s3', '{REGION}', None, True, None, None, '{ID}', '{SECRET}')\n"},
      {"aws/python-botocore-credentials", "lib/creds.py", Plant::Pair,
       "from botocore.credentials import Credentials\n\nCREDS = Credentials(\n    '{ID}',\n    '{SECRET}',\n)\n"},
      {"aws/java-sdk-v1-basic", "src/main/java/com/acme/Aws.java", Plant::Pair,
       "package com.acme;\n\nimport com.amazonaws.auth.BasicAWSCredentials;\n\nclass Aws {\n"
       "  static final BasicAWSCredentials CREDS = new BasicAWSCredentials(\"{ID}\", \"{SECRET}\");\n}\n"},
      {"aws/java-sdk-v2-basic", "src/main/java/com/acme/S3.java", Plant::Pair,
       "AwsBasicCredentials creds = AwsBasicCredentials.create(\n        \"{ID}\",\n        \"{SECRET}\");\n"
       "S3Client s3 = S3Client.builder().region(Region.of(\"{REGION}\"))\n"
       "        .credentialsProvider(StaticCredentialsProvider.create(creds)).build();\n"},
      {"aws/kotlin-constants", "app/src/main/kotlin/Upload.kt", Plant::Pair,
       "private const val ACCESS = \"{ID}\"\nprivate const val SECRET = \"{SECRET}\"\n\n"
       "val client = S3Client { region = \"{REGION}\"; credentialsProvider = StaticCredentialsProvider { accessKeyId = ACCESS; secretAccessKey = SECRET } }\n"},
      {"aws/go-static-provider", "internal/store/s3.go", Plant::Pair,
       "cfg, err := config.LoadDefaultConfig(ctx,\n\tconfig.WithRegion(\"{REGION}\"),\n"
       "\tconfig.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(\"{ID}\", \"{SECRET}\", \"\")),\n)\n"},
      {"aws/node-sdk-v3", "src/s3.mjs", Plant::Pair,
       "import { S3Client } from '@aws-sdk/client-s3';\n\nexport const s3 = new S3Client({\n  region: '{REGION}',\n"
       "  credentials: {\n    accessKeyId: '{ID}',\n    secretAccessKey: '{SECRET}',\n  },\n});\n"},
      {"aws/rust-credentials-new", "src/aws.rs", Plant::Pair,
       "let creds = Credentials::new(\n    \"{ID}\",\n    \"{SECRET}\",\n    None,\n    None,\n    \"static\",\n);\n"},
      {"aws/csharp-basic-credentials", "src/Infra/Storage.cs", Plant::Pair,
       "var credentials = new BasicAWSCredentials(\"{ID}\", \"{SECRET}\");\n"
       "var client = new AmazonS3Client(credentials, RegionEndpoint.USEast1);\n"},
      {"aws/php-credentials", "src/Storage/Client.php", Plant::Pair,
       "<?php\n$credentials = new Aws\\Credentials\\Credentials('{ID}', '{SECRET}');\n"
       "$s3 = new Aws\\S3\\S3Client(['version' => 'latest', 'region' => '{REGION}', 'credentials' => $credentials]);\n"},
      {"aws/ruby-credentials-new", "lib/uploader.rb", Plant::Pair,
       "Aws.config.update(\n  region: '{REGION}',\n  credentials: Aws::Credentials.new('{ID}', '{SECRET}')\n)\n"},
      {"aws/swift-static-credential", "Sources/App/Storage.swift", Plant::Pair,
       "let client = AWSClient(\n    credentialProvider: .static(accessKeyId: \"{ID}\", secretAccessKey: \"{SECRET}\"),\n"
       "    httpClientProvider: .createNew\n)\n"},
      {"aws/powershell-set-credential", "scripts/setup.ps1", Plant::Pair,
       "Set-AWSCredential -AccessKey {ID} -SecretKey {SECRET} -StoreAs deploy\n"
       "Set-DefaultAWSRegion -Region {REGION}\n"},
      {"aws/powershell-env", "scripts/env.ps1", Plant::Pair,
       "$env:AWS_ACCESS_KEY_ID = \"{ID}\"\n$env:AWS_SECRET_ACCESS_KEY = \"{SECRET}\"\n$env:AWS_DEFAULT_REGION = \"{REGION}\"\n"},
      {"aws/windows-cmd-set", "scripts/deploy.cmd", Plant::Pair,
       "@echo off\nset AWS_ACCESS_KEY_ID={ID}\nset AWS_SECRET_ACCESS_KEY={SECRET}\naws s3 sync build s3://{BUCKET}\n"},
      {"aws/fish-set", "config/fish/conf.d/aws.fish", Plant::Pair,
       "set -gx AWS_ACCESS_KEY_ID {ID}\nset -gx AWS_SECRET_ACCESS_KEY {SECRET}\n"},
      {"aws/cli-configure-set", "bootstrap.sh", Plant::Pair,
       "#!/bin/sh\naws configure set aws_access_key_id {ID} --profile ci\n"
       "aws configure set aws_secret_access_key {SECRET} --profile ci\naws configure set region {REGION} --profile ci\n"},
      {"aws/spark-hadoop-conf", "jobs/etl.scala", Plant::Pair,
       "val hc = spark.sparkContext.hadoopConfiguration\nhc.set(\"fs.s3a.access.key\", \"{ID}\")\n"
       "hc.set(\"fs.s3a.secret.key\", \"{SECRET}\")\n"},
      {"aws/r-sys-setenv", "analysis/load.R", Plant::Pair,
       "Sys.setenv(\"AWS_ACCESS_KEY_ID\" = \"{ID}\",\n           \"AWS_SECRET_ACCESS_KEY\" = \"{SECRET}\",\n"
       "           \"AWS_DEFAULT_REGION\" = \"{REGION}\")\n"},
      {"aws/elixir-config", "config/prod.exs", Plant::Pair,
       "config :ex_aws,\n  access_key_id: \"{ID}\",\n  secret_access_key: \"{SECRET}\",\n  region: \"{REGION}\"\n"},
      // Configuration systems and name/value lists.
      {"aws/compose-environment-list", "docker-compose.yml", Plant::Pair,
       "services:\n  worker:\n    image: acme/worker:1.4\n    environment:\n      - AWS_ACCESS_KEY_ID={ID}\n"
       "      - AWS_SECRET_ACCESS_KEY={SECRET}\n      - AWS_REGION={REGION}\n"},
      {"aws/k8s-secret-stringdata", "k8s/aws-secret.yaml", Plant::Pair,
       "apiVersion: v1\nkind: Secret\nmetadata:\n  name: aws-creds\ntype: Opaque\nstringData:\n"
       "  AWS_ACCESS_KEY_ID: {ID}\n  AWS_SECRET_ACCESS_KEY: {SECRET}\n"},
      {"aws/k8s-env-name-value", "k8s/deployment.yaml", Plant::SecretOnly,
       "spec:\n  containers:\n    - name: app\n      image: acme/app:2.0\n      env:\n        - name: AWS_REGION\n"
       "          value: {REGION}\n        - name: AWS_SECRET_ACCESS_KEY\n          value: \"{SECRET}\"\n"
       "        - name: LOG_LEVEL\n          value: info\n"},
      {"aws/ecs-task-definition", "ecs/taskdef.json", Plant::SecretOnly,
       "{\n  \"family\": \"web\",\n  \"containerDefinitions\": [\n    {\n      \"name\": \"web\",\n      \"environment\": [\n"
       "        {\n          \"name\": \"AWS_SECRET_ACCESS_KEY\",\n          \"value\": \"{SECRET}\"\n        },\n"
       "        {\n          \"name\": \"PORT\",\n          \"value\": \"8080\"\n        }\n      ]\n    }\n  ]\n}\n"},
      {"aws/cloudformation-parameters-json", "cfn/params-prod.json", Plant::SecretOnly,
       "[\n  {\n    \"ParameterKey\": \"Environment\",\n    \"ParameterValue\": \"prod\"\n  },\n  {\n"
       "    \"ParameterKey\": \"AwsSecretAccessKey\",\n    \"ParameterValue\": \"{SECRET}\"\n  }\n]\n"},
      {"aws/cloudformation-parameter-default", "cfn/template.yaml", Plant::SecretOnly,
       "Parameters:\n  AwsSecretAccessKey:\n    Type: String\n    NoEcho: true\n    Default: {SECRET}\nResources: {}\n"},
      {"aws/helm-values-nested", "charts/app/values.yaml", Plant::Pair,
       "aws:\n  region: {REGION}\n  accessKeyId: {ID}\n  secretAccessKey: {SECRET}\n"},
      {"aws/ansible-vars", "group_vars/all.yml", Plant::Pair,
       "---\naws_access_key: {ID}\naws_secret_key: {SECRET}\naws_region: {REGION}\n"},
      {"aws/terraform-tfvars", "env/prod.tfvars", Plant::Pair,
       "region         = \"{REGION}\"\naws_access_key = \"{ID}\"\naws_secret_key = \"{SECRET}\"\n"},
      {"aws/terraform-variable-default", "infra/variables.tf", Plant::SecretOnly,
       "variable \"aws_secret_key\" {\n  type      = string\n  sensitive = true\n  default   = \"{SECRET}\"\n}\n"},
      {"aws/spring-application-yml", "src/main/resources/application.yml", Plant::Pair,
       "cloud:\n  aws:\n    credentials:\n      access-key: {ID}\n      secret-key: {SECRET}\n    region:\n      static: {REGION}\n"},
      {"aws/dotnet-appsettings", "appsettings.Production.json", Plant::Pair,
       "{\n  \"AWS\": {\n    \"Region\": \"{REGION}\",\n    \"AccessKey\": \"{ID}\",\n    \"SecretKey\": \"{SECRET}\"\n  }\n}\n"},
      {"aws/serverless-yml", "serverless.yml", Plant::Pair,
       "service: api\nprovider:\n  name: aws\n  environment:\n    AWS_KEY: {ID}\n    AWS_SECRET: {SECRET}\n"},
      {"aws/packer-json", "packer/ami.json", Plant::Pair,
       "{\n  \"builders\": [{\n    \"type\": \"amazon-ebs\",\n    \"access_key\": \"{ID}\",\n    \"secret_key\": \"{SECRET}\",\n"
       "    \"region\": \"{REGION}\"\n  }]\n}\n"},
      {"aws/pulumi-config", "Pulumi.prod.yaml", Plant::Pair,
       "config:\n  aws:region: {REGION}\n  aws:accessKey: {ID}\n  aws:secretKey: {SECRET}\n"},
      {"aws/vagrantfile", "Vagrantfile", Plant::Pair,
       "config.vm.provider :aws do |aws, override|\n  aws.access_key_id = \"{ID}\"\n  aws.secret_access_key = \"{SECRET}\"\nend\n"},
      {"aws/s3cfg", "home/ops/.s3cfg", Plant::SecretOnly,
       "[default]\naccess_key = \nbucket_location = US\nhost_base = s3.amazonaws.com\nsecret_key = {SECRET}\nuse_https = True\n"},
      {"aws/rclone-conf", "home/ops/.config/rclone/rclone.conf", Plant::Pair,
       "[s3remote]\ntype = s3\nprovider = AWS\naccess_key_id = {ID}\nsecret_access_key = {SECRET}\nregion = {REGION}\n"},
      {"aws/passwd-s3fs", "etc/passwd-s3fs", Plant::Pair, "{ID}:{SECRET}\n"},
      {"aws/logstash-s3-output", "pipeline/out.conf", Plant::Pair,
       "output {\n  s3 {\n    access_key_id => \"{ID}\"\n    secret_access_key => \"{SECRET}\"\n    bucket => \"{BUCKET}\"\n  }\n}\n"},
      {"aws/fluentd-s3", "fluent/fluent.conf", Plant::Pair,
       "<match app.**>\n  @type s3\n  aws_key_id {ID}\n  aws_sec_key {SECRET}\n  s3_bucket {BUCKET}\n</match>\n"},
      {"aws/snowflake-stage-sql", "sql/stage.sql", Plant::Pair,
       "CREATE OR REPLACE STAGE raw_stage\n  URL = 's3://{BUCKET}/raw/'\n"
       "  CREDENTIALS = (AWS_KEY_ID = '{ID}' AWS_SECRET_KEY = '{SECRET}');\n"},
      {"aws/redshift-copy-sql", "sql/load.sql", Plant::Pair,
       "COPY events FROM 's3://{BUCKET}/events/'\nACCESS_KEY_ID '{ID}'\nSECRET_ACCESS_KEY '{SECRET}'\nFORMAT AS JSON 'auto';\n"},
      {"aws/lambda-environment-json", "lambda/config.json", Plant::Pair,
       "{\"FunctionName\": \"thumbnailer\", \"Environment\": {\"Variables\": {\"UPLOAD_KEY_ID\": \"{ID}\", \"UPLOAD_SECRET\": \"{SECRET}\"}}}\n"},
      {"aws/vault-write", "ops/vault-setup.sh", Plant::Pair,
       "vault write aws/config/root \\\n    access_key={ID} \\\n    secret_key={SECRET} \\\n    region={REGION}\n"},
      {"aws/maven-settings-xml", "settings.xml", Plant::Pair,
       "<settings>\n  <servers>\n    <server>\n      <id>s3-releases</id>\n      <username>{ID}</username>\n"
       "      <password>{SECRET}</password>\n    </server>\n  </servers>\n</settings>\n"},
      // CI systems.
      {"aws/github-actions-env", ".github/workflows/deploy.yml", Plant::Pair,
       "jobs:\n  deploy:\n    runs-on: ubuntu-latest\n    env:\n      AWS_ACCESS_KEY_ID: {ID}\n"
       "      AWS_SECRET_ACCESS_KEY: {SECRET}\n    steps:\n      - run: aws s3 sync dist s3://{BUCKET}\n"},
      {"aws/gitlab-ci-variables", ".gitlab-ci.yml", Plant::Pair,
       "variables:\n  AWS_DEFAULT_REGION: {REGION}\n  AWS_ACCESS_KEY_ID: \"{ID}\"\n  AWS_SECRET_ACCESS_KEY: \"{SECRET}\"\n"
       "deploy:\n  script:\n    - aws s3 cp site s3://{BUCKET} --recursive\n"},
      {"aws/jenkinsfile-withenv", "Jenkinsfile", Plant::Pair,
       "pipeline {\n  agent any\n  stages {\n    stage('Deploy') {\n      steps {\n"
       "        withEnv(['AWS_ACCESS_KEY_ID={ID}', 'AWS_SECRET_ACCESS_KEY={SECRET}']) {\n          sh 'make deploy'\n"
       "        }\n      }\n    }\n  }\n}\n"},
      {"aws/circleci-environment", ".circleci/config.yml", Plant::Pair,
       "jobs:\n  build:\n    docker:\n      - image: cimg/python:3.12\n    environment:\n      AWS_ACCESS_KEY_ID: {ID}\n"
       "      AWS_SECRET_ACCESS_KEY: {SECRET}\n"},
      {"aws/travis-env-global", ".travis.yml", Plant::Pair,
       "language: python\nenv:\n  global:\n    - AWS_ACCESS_KEY_ID={ID}\n    - AWS_SECRET_ACCESS_KEY={SECRET}\n"},
      {"aws/bitbucket-pipelines", "bitbucket-pipelines.yml", Plant::Pair,
       "pipelines:\n  default:\n    - step:\n        script:\n          - pipe: atlassian/aws-s3-deploy:1.1.0\n"
       "            variables:\n              AWS_ACCESS_KEY_ID: '{ID}'\n              AWS_SECRET_ACCESS_KEY: '{SECRET}'\n"},
      {"aws/docker-run-env", "scripts/run.sh", Plant::Pair,
       "docker run --rm \\\n  -e AWS_ACCESS_KEY_ID={ID} \\\n  -e AWS_SECRET_ACCESS_KEY={SECRET} \\\n  amazon/aws-cli s3 ls\n"},
      {"aws/makefile-export", "Makefile", Plant::Pair,
       "export AWS_ACCESS_KEY_ID ?= {ID}\nexport AWS_SECRET_ACCESS_KEY ?= {SECRET}\n\ndeploy:\n\taws s3 sync public s3://{BUCKET}\n"},
      {"aws/systemd-environment", "etc/systemd/system/backup.service", Plant::Pair,
       "[Service]\nEnvironment=AWS_ACCESS_KEY_ID={ID}\nEnvironment=AWS_SECRET_ACCESS_KEY={SECRET}\nExecStart=/usr/local/bin/backup\n"},
      // Logs and exports.
      {"aws/log-credentials-dump", "logs/app.log", Plant::Pair,
       "2024-03-02T10:15:01Z INFO starting uploader\n"
       "2024-03-02T10:15:01Z DEBUG loaded credentials AccessKeyId={ID} SecretAccessKey={SECRET} source=env\n"},
      {"aws/csv-user-export", "exports/iam-users.csv", Plant::Pair,
       "user,access_key_id,secret_access_key,created\nci-bot,{ID},{SECRET},2023-11-02\n"},
      {"aws/tsv-export", "exports/keys.tsv", Plant::Pair, "user\taccess key\tsecret key\nbuild\t{ID}\t{SECRET}\n"},
      {"aws/sts-yaml-output", "out/session.yaml", Plant::Pair,
       "Credentials:\n  AccessKeyId: {ID}\n  Expiration: '2024-05-01T12:00:00+00:00'\n  SecretAccessKey: {SECRET}\n"},
      {"aws/ssm-put-parameter", "ops/params.sh", Plant::SecretOnly,
       "aws ssm put-parameter --name /prod/app/AWS_SECRET_ACCESS_KEY --type SecureString \\\n  --value '{SECRET}'\n"},
      {"aws/markdown-table", "docs/ACCESS.md", Plant::Pair,
       "| name | value |\n|---|---|\n| Access key ID | `{ID}` |\n| Secret access key | `{SECRET}` |\n"},
  };
  return f;
}

// Values that sit where AWS secrets sit, next to AWS names, and are not secrets.
const std::vector<Form>& aws_lookalikes() {
  static const std::vector<Form> f = {
      {"aws-lookalike/java-type-name", "src/main/java/com/acme/Config.java", Plant::None,
       "private final AbstractSingletonProxyFactoryBeanHandler secretAccessKey;\n"
       "@Value(\"${aws.secretAccessKey}\") String secretAccessKeyDefaultsToEnvironmentVal;\n"
       "secretAccessKey = new AbstractSingletonProxyFactoryBeanHandler();\n"},
      {"aws-lookalike/csharp-constant", "src/Settings.cs", Plant::None,
       "public const string SecretAccessKey = nameof(AwsSecretAccessKeyFromParameterStoreProd);\n"
       "var awsSecretAccessKey = Configuration[\"AwsSecretAccessKeyConfigurationSection01\"];\n"},
      {"aws-lookalike/screaming-name", "config/names.go", Plant::None,
       "const AwsSecretEnv = \"AWSSECRETACCESSKEYENVIRONMENTVARIABLENAM\"\n"},
      {"aws-lookalike/secret-file-path", "deploy/.env", Plant::None,
       "AWS_SECRET_ACCESS_KEY_FILE=/run/secrets/aws/production/secretKey01\n"
       "aws_secret_access_key_path: /var/lib/deploy/credentials/awsSecretKey\n"},
      {"aws-lookalike/ssm-parameter-path", "infra/ssm.tf", Plant::None,
       "aws_secret_access_key = \"/prod/payments/aws/secretAccessKey/2024\"\n"
       "secret_key_parameter  = \"/aws/reference/secretsmanager/prodAppKey\"\n"},
      {"aws-lookalike/s3-object-path", "etl/job.yaml", Plant::None,
       "aws_secret_access_key_object: reports/2024/01/quarterly/summary.csv\n"
       "secret_key_location: backups/daily/database/2024/export.tar\n"},
      {"aws-lookalike/cdk-logical-id", "cdk.out/Stack.template.json", Plant::None,
       "{\"AwsSecretAccessKeyParameterStore5F3A1B2C\": {\"Type\": \"AWS::SSM::Parameter\"},\n"
       " \"secretAccessKey\": {\"Ref\": \"SecretAccessKeyParameterResourceC0FFEE12\"}}\n"},
      {"aws-lookalike/template-github-actions", ".github/workflows/ci.yml", Plant::None,
       "env:\n  AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}\n"
       "  aws-secret-access-key: ${{ secrets.awsSecretAccessKeyForProductionBuildJobs }}\n"},
      {"aws-lookalike/template-helm", "charts/app/templates/secret.yaml", Plant::None,
       "  AWS_SECRET_ACCESS_KEY: {{ .Values.aws.secretAccessKeyForProductionAlt | b64enc }}\n"
       "  awsSecretAccessKey: {{ include \"app.awsSecretAccessKeyFromValuesFile\" . }}\n"},
      {"aws-lookalike/template-jinja-ansible", "roles/app/templates/env.j2", Plant::None,
       "AWS_SECRET_ACCESS_KEY={{ vault_aws_secret_access_key_production }}\n"
       "aws_secret_key: \"{{ lookup('env', 'AWS_SECRET_ACCESS_KEY') }}\"\n"},
      {"aws-lookalike/template-terraform", "infra/provider.tf", Plant::None,
       "provider \"aws\" {\n  secret_key = var.awsSecretAccessKeyForTheProductionAccoun\n"
       "  access_key = data.vault_generic_secret.aws.data[\"access_key\"]\n}\n"},
      {"aws-lookalike/template-cloudformation", "cfn/stack.yaml", Plant::None,
       "SecretAccessKey: !Ref AwsSecretAccessKeyParameterForProduction\n"
       "AwsSecret: '{{resolve:secretsmanager:prod/aws:SecretString:secretKey}}'\n"},
      {"aws-lookalike/template-erb-spring-shell", "config/storage.yml", Plant::None,
       "secret_access_key: <%= ENV['AWS_SECRET_ACCESS_KEY'] %>\n"
       "aws.secretKey=${awsSecretAccessKeyFromEnvironmentVariabl}\n"
       "export AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY_PRODUCTION\n"
       "set AWS_SECRET_ACCESS_KEY=%AWS_SECRET_ACCESS_KEY_FROM_VAULT%\n"
       "AWS_SECRET_ACCESS_KEY: $(awsSecretAccessKeyFromAzureDevOpsLibrary)\n"},
      {"aws-lookalike/masked-secret", "logs/audit.log", Plant::None,
       "aws_secret_access_key = ****************************************\n"
       "AWS_SECRET_ACCESS_KEY=wJal********************************EKEY\n"
       "secretAccessKey: \"<redacted>\"\n"
       "aws_secret_access_key: '[MASKED]'\n"},
      {"aws-lookalike/hash-near-secret", "ops/checksums.txt", Plant::None,
       "aws_secret_access_key_sha1 = 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12\n"
       "aws secret rotation commit: 9c1185a5c5e9fc54612808977ee8f548b2258d31\n"},
      {"aws-lookalike/doc-example-spellings", "docs/aws.md", Plant::None,
       "Use `akiaiosfodnn7example` (lower case in our wiki) and the secret below:\n"
       "aws_secret_access_key = {DOCSECRET}\n"
       "AWS_SECRET_ACCESS_KEY={DOCSECRET_LOWER_SUFFIX}\n"
       "aws_access_key_id={DOCID_DIGIT_SUFFIX}\n"},
      {"aws-lookalike/i18n-keys", "locales/en.json", Plant::None,
       "{\"aws.secretAccessKey.label\": \"Secret access key\", \"aws.secretAccessKey.help\": \"AWS secret access key of the IAM user\"}\n"},
      {"aws-lookalike/url-path", "docs/links.md", Plant::None,
       "AWS secret access key docs: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials\n"
       "secret_access_key_help=/docs/security/credentials/awsAccessKeys\n"},
  };
  return f;
}

std::string substitute(std::string t, const std::string& key, const std::string& value) {
  for (size_t at = t.find(key); at != std::string::npos; at = t.find(key, at + value.size()))
    t.replace(at, key.size(), value);
  return t;
}

}  // namespace

void generate_table_forms(const std::string& root, KeyGen& kg, Corpus& out, int round) {
  static const std::vector<std::string> regions = {"us-east-1", "eu-west-1", "ap-south-1", "us-west-2"};
  static const std::vector<std::string> buckets = {"acme-artifacts", "media-uploads-prod", "etl-raw-zone"};
  for (const Form& f : aws_forms()) {
    std::string account;
    std::string id = kg.key_id("AKIA", kg.chance(0.85), &account), secret = kg.secret();
    std::string t = substitute(substitute(substitute(substitute(f.text, "{ID}", id), "{SECRET}", secret), "{REGION}", kg.pick(regions)),
                         "{BUCKET}", kg.pick(buckets));
    Label l;
    if (f.plant == Plant::Pair) {
      l.rule = "aws-access-key-id";
      l.secret = id;
      l.pair_secret = secret;
      l.account_id = account;
    } else {
      l.rule = "aws-secret-access-key";
      l.secret = secret;
    }
    write_labelled(out, root, f.category, "forms/" + std::to_string(round) + "/" + f.file, t, {l});
  }
  // AWS's documentation keys in the spellings copies use: verbatim, suffix case changed, and
  // EXAMPLE replaced by digits (built here, so the repository holds no key-shaped literal).
  std::string doc = aws_doc_example_secrets()[round % 2];
  std::string lower_suffix = doc.substr(0, 30) + "exampleKEY";
  std::string doc_id = aws_doc_example_ids()[0].substr(0, 13) + "EXAMPL2";
  for (const Form& f : aws_lookalikes()) {
    std::string t = substitute(substitute(substitute(f.text, "{DOCSECRET_LOWER_SUFFIX}", lower_suffix), "{DOCSECRET}", doc),
                         "{DOCID_DIGIT_SUFFIX}", doc_id);
    write_labelled(out, root, f.category, "forms/" + std::to_string(round) + "/" + f.file, t, {});
  }
}

}  // namespace corpus
