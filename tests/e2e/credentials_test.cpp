// Credentials that are not provider tokens (issue 21): each format in a file of its usual name,
// with a negative beside it. Passwords are weak on purpose ("admin123"): the format, not the
// entropy, says they are credentials. Values are assembled at run time.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>

#include "e2e_util.h"
#include "fake_keys.h"

using namespace e2e;
using nlohmann::json;

namespace {

// The rule IDs reported for `dir`, by file name.
std::multimap<std::string, std::string> findings_by_file(const std::string& dir, json* report = nullptr,
                                                        const std::string& args = "") {
  auto r = run(kh() + " scan --format json " + args + " " + dir);
  EXPECT_LE(r.exit_code, 1) << r.err;
  json j = json::parse(r.out);
  std::multimap<std::string, std::string> out;
  for (auto& f : j["findings"]) {
    std::string path = f["path"];
    out.emplace(path.substr(dir.size() + 1), f["rule_id"]);
  }
  if (report) *report = j;
  return out;
}

std::string dump(const std::multimap<std::string, std::string>& m) {
  std::string out;
  for (auto& [file, rule] : m) out += file + ": " + rule + "\n";
  return out;
}

bool has(const std::multimap<std::string, std::string>& m, const std::string& file, const std::string& rule) {
  auto [a, b] = m.equal_range(file);
  for (auto it = a; it != b; ++it)
    if (it->second == rule) return true;
  return false;
}

}  // namespace

TEST(CredentialsE2E, CredentialFilesAreFoundByTheirFormat) {
  std::string d = make_temp_dir();
  std::string pw = std::string("admin") + "123";
  std::filesystem::create_directories(d + "/.vscode");
  write_file(d + "/.netrc", "machine ftp.acme.invalid\n  login deploy\n  password " + pw + "\n");
  write_file(d + "/.pgpass", "db.acme.invalid:5432:orders:app:" + pw + "\n");
  write_file(d + "/WinSCP.ini", "[Sessions\\deploy@host]\nHostName=host.invalid\nPassword=A35C4A5D1E0F9B8C7D6E5F4A3B2C1D0E\n");
  write_file(d + "/sftp-config.json", "{\n  \"host\": \"h.invalid\",\n  \"user\": \"deploy\",\n  \"password\": \"" + pw + "\"\n}\n");
  write_file(d + "/.vscode/sftp.json", "{ \"host\": \"h.invalid\", \"password\": \"" + pw + "x\" }\n");
  write_file(d + "/.esmtprc", "identity ops@acme.invalid\n  hostname smtp.acme.invalid:587\n  password = " + pw + "\n");
  write_file(d + "/sitemanager.xml", "<Server><Host>h.invalid</Host><User>u</User><Pass encoding=\"base64\">YWRtaW4xMjM=</Pass></Server>\n");
  // user:admin123 in base64, as docker login writes it.
  write_file(d + "/config.json", "{\"auths\":{\"registry.acme.invalid\":{\"auth\":\"ZGVwbG95OmFkbWluMTIz\"}}}\n");
  write_file(d + "/.npmrc", "//registry.npmjs.org/:_authToken=" + std::string("5f0c7e6a-2b43-") + "4d1e-9a6f-3c8b1d2e4f5a\n");
  write_file(d + "/.htpasswd", "deploy:$apr1$Qz8k1fRt$2bYV0mJm3kWq9xR7cE1tH.\n");
  write_file(d + "/wp-config.php", "<?php\ndefine( 'DB_PASSWORD', '" + pw + "' );\n");
  write_file(d + "/settings.py", "SECRET_KEY = 'django-insecure-3k#v1x@q9r2m!w8z7t^p0l5y6b&n4c'\n");
  write_file(d + "/.env", "APP_ENV=production\nDB_PASSWORD=" + pw + "\nMONGO_URI=mongodb+srv://testuser:" + pw + "x@cluster0.ab1cd.mongodb.net/app\n");
  write_file(d + "/init.sql", "CREATE USER 'shop'@'%' IDENTIFIED BY '" + pw + "';\nCREATE ROLE etl LOGIN PASSWORD '" + pw + "9';\n");
  write_file(d + "/db.py", "conn = psycopg2.connect(host='db.invalid', user='app', password='" + pw + "')\n");
  auto m = findings_by_file(d);
  EXPECT_TRUE(has(m, ".netrc", "netrc-password"));
  EXPECT_TRUE(has(m, ".pgpass", "pgpass-password"));
  EXPECT_TRUE(has(m, "WinSCP.ini", "winscp-password"));
  EXPECT_TRUE(has(m, "sftp-config.json", "sftp-plugin-password"));
  EXPECT_TRUE(has(m, ".vscode/sftp.json", "sftp-plugin-password"));
  EXPECT_TRUE(has(m, ".esmtprc", "esmtprc-password"));
  EXPECT_TRUE(has(m, "sitemanager.xml", "filezilla-password"));
  EXPECT_TRUE(has(m, "config.json", "docker-config-auth"));
  EXPECT_TRUE(has(m, ".npmrc", "npmrc-auth"));
  EXPECT_TRUE(has(m, ".htpasswd", "htpasswd-hash"));
  EXPECT_TRUE(has(m, "wp-config.php", "wordpress-config-secret"));
  EXPECT_TRUE(has(m, "settings.py", "django-secret-key"));
  EXPECT_TRUE(has(m, ".env", "env-file-password"));
  EXPECT_TRUE(has(m, ".env", "database-mongodb-url"));
  EXPECT_TRUE(has(m, "init.sql", "sql-identified-by-password"));
  EXPECT_TRUE(has(m, "init.sql", "sql-create-role-password"));
  EXPECT_TRUE(has(m, "db.py", "password-keyword-argument"));
  EXPECT_EQ(m.size(), 17u);
}

TEST(CredentialsE2E, SameLinesElsewhereOrWithDummiesAreNot) {
  std::string d = make_temp_dir();
  // The file-only formats under other names: an ordinary JSON with "password", an ini line.
  write_file(d + "/package.json", "{ \"password\": \"admin123\" }\n");
  write_file(d + "/notes.cfg.txt", "Password=A35C4A5D1E0F9B8C7D6E5F4A3B2C1D0E\n");
  write_file(d + "/notes.txt", "db.acme.invalid:5432:orders:app:admin123\npassword = admin123\n");
  // References, dummies, empty values and masks in the always-on formats.
  write_file(d + "/.netrc", "machine h.invalid login me password ${NETRC_PASSWORD}\nmachine h2.invalid login me password password\n");
  write_file(d + "/.env", "DB_PASSWORD=\nDB_PASSWORD=${DB_PASSWORD}\nDB_PASSWORD=changeme\nREDIS_PASSWORD=****\n");
  write_file(d + "/init.sql", "CREATE USER 'app'@'%' IDENTIFIED BY 'password';\n");
  write_file(d + "/wp-config.php", "define( 'AUTH_KEY', 'put your unique phrase here' );\n");
  write_file(d + "/compose.yml", "DATABASE_URL: postgres://postgres:postgres@localhost:5432/postgres\n");
  write_file(d + "/app.py", "if password == 'admin123':\n    pass\nconnect(password=os.environ['PW'])\n");
  auto m = findings_by_file(d);
  for (auto& [file, rule] : m) ADD_FAILURE() << file << ": " << rule;
}

TEST(CredentialsE2E, FindingsNameWhatTheCredentialOpensAndKeepThePasswordRedacted) {
  std::string d = make_temp_dir();
  std::string pw = std::string("hub24") + "aoeu";
  write_file(d + "/app.env", "MONGO_URI=mongodb+srv://testuser:" + pw + "@cluster0.ab1cd.mongodb.net/app\n");
  write_file(d + "/.pgpass", "db.acme.invalid:5432:orders:app_rw:" + pw + "\n");
  json report;
  findings_by_file(d, &report);
  ASSERT_EQ(report["findings"].size(), 2u) << report.dump(2);
  for (auto& f : report["findings"]) {
    EXPECT_EQ(f.dump().find(pw), std::string::npos) << "the password is shown in full";
    if (f["rule_id"] == "database-mongodb-url") {
      EXPECT_EQ(f["opens_user"], "testuser");
      EXPECT_EQ(f["opens_host"], "cluster0.ab1cd.mongodb.net");
    } else {
      EXPECT_EQ(f["opens_host"], "db.acme.invalid");
      EXPECT_EQ(f["opens_database"], "orders");
      EXPECT_EQ(f["opens_user"], "app_rw");
    }
  }
  auto t = run(kh() + " scan --color never " + d);
  EXPECT_NE(t.out.find("opens: testuser@cluster0.ab1cd.mongodb.net"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("opens: app_rw@db.acme.invalid/orders"), std::string::npos) << t.out;
  auto s = run(kh() + " scan --format sarif " + d);
  EXPECT_NE(s.out.find("\"opens_host\""), std::string::npos);
  EXPECT_EQ(s.out.find(pw), std::string::npos);
}

namespace {

std::string hex(unsigned seed, size_t n) {
  std::mt19937 rng(seed);
  return keyhound_test::random_from(rng, "0123456789abcdef", n);
}
// crypt(3)'s alphabet, for bcrypt bodies.
std::string crypt_chars(unsigned seed, size_t n) {
  std::mt19937 rng(seed);
  return keyhound_test::random_from(rng, "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", n);
}
std::string b64chars(unsigned seed, size_t n) {
  std::mt19937 rng(seed);
  return keyhound_test::random_from(rng, keyhound_test::kSecretAlphabet, n);
}

}  // namespace

// The formats of the second pass (an independent benchmark's misses, each written here from its
// tool's documentation as a class, not as that benchmark's file).
TEST(CredentialsE2E, MoreCredentialStoresAndAssignments) {
  std::string d = make_temp_dir();
  std::string pw = std::string("admin") + "123";
  std::string weak = std::string("pass") + "word";  // a weak word: in a tool's own store, still the password
  for (const char* sub : {"/.aws", "/app/config", "/db", "/profile"}) std::filesystem::create_directories(d + sub);
  write_file(d + "/.git-credentials", "https://deploy:" + pw + "@git.acme.invalid\nhttps://ops@acme.invalid:" + pw +
                                          "!#@9@github.com\n");
  write_file(d + "/profile/logins.json",
             "{\"logins\": [{\"id\": 2, \"hostname\": \"https://git.acme.invalid\", \"encryptedUsername\": \"MDoE" +
                 b64chars(1, 60) + "\",\n \"encryptedPassword\": \"MDoE" + b64chars(2, 60) + "\", \"encType\": 1}]}\n");
  write_file(d + "/db/.dbeaver-data-sources.xml", "<data-sources><data-source id=\"pg\" save-password=\"true\">\n"
             "<connection host=\"db.acme.invalid\" port=\"5432\" database=\"orders\" user=\"app\" password=\"" + weak +
             "\"/>\n</data-source></data-sources>\n");
  write_file(d + "/.s3cfg", "[default]\naccess_key = " + b64chars(3, 20) + "\nsecret_key = " + b64chars(4, 26) + "\n");
  // MinIO and other S3-compatible stores use AWS's setting names with keys of other lengths.
  write_file(d + "/.aws/credentials", "[minio]\naws_access_key_id = minioadmin\naws_secret_access_key = " +
                                          b64chars(5, 32) + "\n");
  write_file(d + "/.tugboat", "---\nauthentication:\n  client_key: " + hex(6, 32) + "\n  api_key: " + hex(7, 32) + "\n");
  write_file(d + "/db/dump.sql", "INSERT INTO `users` (`id`, `name`, `password`) VALUES\n(1, 'deploy', '$2y$12$" +
                                     crypt_chars(8, 53) + "'),\n(2, 'ops', '$2y$12$" + crypt_chars(9, 53) + "');\n");
  write_file(d + "/.ftpconfig", "{\n  \"host\": \"h.invalid\",\n  \"pass\": \"" + pw + "\",\n  \"passphrase\": \"sword" +
                                    "fish\"\n}\n");
  write_file(d + "/robomongo.json", "{\"connections\": [{\"serverHost\": \"localhost\",\n \"sshUserPassword\" : \"" + pw + "\"}]}\n");
  write_file(d + "/deployment-config.json", "{\n  \"host\": \"h.invalid\",\n  \"password\": \"" + pw + "\"\n}\n");
  write_file(d + "/filezilla.xml", "<FileZilla3><Servers><Server><Host>h.invalid</Host>\n<Pass>Example" + pw + "</Pass>\n</Server></Servers></FileZilla3>\n");
  write_file(d + "/.esmtprc", "identity ops@acme.invalid\n  hostname smtp.acme.invalid:587\n  password \"" + weak + "\"\n");
  write_file(d + "/.pgpass", "#hostname:port:database:username:password\nlocalhost:5432:orders:root:" + weak + "\n");
  write_file(d + "/deploy.env", "export HOMEBREW_GITHUB_API_TOKEN='" + hex(10, 40) + "'\n");
  write_file(d + "/heroku.json", "{\n  \"heroku\": {\n    \"HEROKU_API_KEY\": \"" + hex(11, 32) + "\"\n  }\n}\n");
  write_file(d + "/ventrilo_srv.ini", "[Server]\nName=Server\nAdminPassword=Admin" + pw + "\n");
  write_file(d + "/application.properties", "spring.datasource.password=" + pw + "\n");
  write_file(d + "/config.php", "<?php\n    $dbuser = 'root';\n    $dbpasswd = '" + pw + "';\n?>\n");
  write_file(d + "/salesforce.js", "conn.login('ops@acme.invalid', '" + pw + "', function(err, res) {});\n");
  write_file(d + "/.bash_profile", "export MLAB_PASS='" + weak + "123'\n");
  write_file(d + "/laravel.env", "APP_KEY=base64:" + b64chars(12, 44) + "\n");
  write_file(d + "/app/config/master.key", hex(13, 32) + "\n");
  write_file(d + "/ldap_sync.py", "ldap_uri = 'ldaps://ldap.acme.invalid'\nldap_pwd = \"" + pw + "x\"\n");
  write_file(d + "/people.ldif", "dn: uid=deploy,ou=people,dc=acme,dc=invalid\nuid: deploy\nuserPassword: " + pw + "y\n");
  write_file(d + "/users.json", "[{\"userName\": \"ops\", \"userPassword\": \"" + pw + "z\"}]\n");
  auto m = findings_by_file(d);
  EXPECT_TRUE(has(m, ".git-credentials", "git-credentials-url"));
  EXPECT_TRUE(has(m, "profile/logins.json", "firefox-saved-login"));
  EXPECT_TRUE(has(m, "db/.dbeaver-data-sources.xml", "dbeaver-connection-password"));
  EXPECT_TRUE(has(m, ".s3cfg", "s3cmd-secret-key"));
  EXPECT_TRUE(has(m, ".aws/credentials", "s3-compatible-secret-key"));
  EXPECT_TRUE(has(m, ".tugboat", "tugboat-api-key"));
  EXPECT_TRUE(has(m, "db/dump.sql", "sql-dump-password-hash"));
  EXPECT_TRUE(has(m, ".ftpconfig", "sftp-plugin-password"));
  EXPECT_TRUE(has(m, "robomongo.json", "sftp-plugin-password"));
  EXPECT_TRUE(has(m, "deployment-config.json", "sftp-plugin-password"));
  EXPECT_TRUE(has(m, "filezilla.xml", "filezilla-password"));
  EXPECT_TRUE(has(m, ".esmtprc", "esmtprc-password"));
  EXPECT_TRUE(has(m, ".pgpass", "pgpass-password"));
  // NAME_TOKEN= in env files is opt-in: by default it reported truncated provider tokens, type
  // names and documentation keys (docs/credentials.md). A provider's own rule still finds its
  // tokens there (GitHub's 40-hex layout here).
  EXPECT_FALSE(has(m, "heroku.json", "env-file-token")) << dump(m);
  EXPECT_TRUE(has(m, "heroku.json", "heroku-api-key")) << dump(m);  // a dashless UUID, by Heroku's rule
  auto opt = findings_by_file(d, nullptr, "--enable env-file-token");
  EXPECT_TRUE(has(opt, "deploy.env", "env-file-token") || has(opt, "deploy.env", "github-token-legacy")) << dump(opt);
  EXPECT_TRUE(has(opt, "heroku.json", "heroku-api-key")) << dump(opt);  // the provider rule wins over the generic one
  EXPECT_TRUE(has(m, "ventrilo_srv.ini", "ini-file-password"));
  EXPECT_TRUE(has(m, "application.properties", "ini-file-password"));
  EXPECT_TRUE(has(m, "config.php", "php-variable-password"));
  EXPECT_TRUE(has(m, "salesforce.js", "login-call-password"));
  EXPECT_TRUE(has(m, ".bash_profile", "shell-profile-password"));
  EXPECT_TRUE(has(m, "laravel.env", "laravel-app-key"));
  EXPECT_TRUE(has(m, "app/config/master.key", "rails-master-key"));
  EXPECT_TRUE(has(m, "ldap_sync.py", "code-password-assignment"));
  EXPECT_TRUE(has(m, "people.ldif", "ldap-user-password"));
  EXPECT_TRUE(has(m, "users.json", "ldap-user-password"));
  EXPECT_EQ(m.count(".git-credentials"), 2u);
  EXPECT_EQ(m.count("db/dump.sql"), 2u);
  EXPECT_EQ(m.count(".ftpconfig"), 2u);
  EXPECT_EQ(m.count(".pgpass"), 1u);  // the format's own header comment is no entry
  EXPECT_EQ(m.size(), 28u) << dump(m);
  EXPECT_EQ(m.count(".tugboat"), 1u);  // client_key is the key's ID
}

TEST(CredentialsE2E, SecondPassFormatsElsewhereOrAsReferencesAreNot) {
  std::string d = make_temp_dir();
  std::string pw = std::string("admin") + "123";
  std::string weak = std::string("pass") + "word";
  std::filesystem::create_directories(d + "/config");
  // The same lines in files that are not those tools' stores.
  write_file(d + "/README.md", "https://deploy:" + weak + "@git.acme.invalid\n<connection host=\"h\" password=\"" + pw +
                                   "\"/>\n\"encryptedPassword\": \"MDoE" + b64chars(2, 60) + "\"\n");
  write_file(d + "/settings.yml", "  api_key: " + hex(7, 32) + "\nsecret_key = " + b64chars(4, 26) + "\n");
  write_file(d + "/seed.php", "$users = [['deploy', '$2y$12$" + crypt_chars(8, 53) + "']];\n");
  write_file(d + "/deploy.sh", "export MLAB_PASS='" + weak + "123'\nexport RDS_PASSWORD='dummy-pass'\n");
  write_file(d + "/notes.txt", hex(13, 32) + "\n");
  write_file(d + "/config/other.key", hex(13, 32) + "\n");
  // References, placeholders and weak words where the format is not a store of its own.
  write_file(d + "/.env", "GITHUB_TOKEN=${{ secrets.GITHUB_TOKEN }}\nHEROKU_API_KEY=sampleHerokuKey\n"
                          "SLACK_TOKEN=xoxb-your-token-here-please\n");
  write_file(d + "/app.ini", "Password=%PASSWORD%\npassword = changeme\nAdminPassword=\n");
  write_file(d + "/nsswitch.conf", "passwd:         files systemd\nshadow:         files\n");
  write_file(d + "/config.php", "<?php\n$dbpasswd = getenv('DB_PASSWORD');\n$dbpasswd = '" + weak + "';\n");
  write_file(d + "/client.py", "ftp.login(user, passwd)\nsmtp.login('me@acme.invalid', '" + weak + "')\n");
  write_file(d + "/.pgpass", "localhost:5432:orders:root:<password>\n");
  write_file(d + "/.git-credentials", "https://deploy:${GIT_PASSWORD}@git.acme.invalid\n");
  write_file(d + "/.bash_profile", "export DB_PASSWORD=\"$1\"\n");
  // Password names in code that are not a literal assigned to them.
  write_file(d + "/ldap_sync.py", "ldap_pwd = os.environ[\"LDAP_PWD\"]\nif password == \"" + pw + "\":\n    pass\n"
             "parser.add_argument(\"--password\", help=\"the password\")\nPASSWORD_FIELD = \"password_confirmation\"\n"
             "password_label = \"Password\"\n");
  write_file(d + "/people.ldif", "userPassword:: e1NTSEF9VzZwaDVNbTVQejhH\nuserPassword: secret\n");
  auto m = findings_by_file(d);
  for (auto& [file, rule] : m) ADD_FAILURE() << file << ": " << rule;
}
