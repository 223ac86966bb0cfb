// Credentials that are not provider tokens (issue 21): each format in a file of its usual name,
// with a negative beside it. Passwords are weak on purpose ("admin123"): the format, not the
// entropy, says they are credentials. Values are assembled at run time.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>

#include "e2e_util.h"

using namespace e2e;
using nlohmann::json;

namespace {

// The rule IDs reported for `dir`, by file name.
std::multimap<std::string, std::string> findings_by_file(const std::string& dir, json* report = nullptr) {
  auto r = run(kh() + " scan --format json " + dir);
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
  write_file(d + "/notes.ini", "Password=A35C4A5D1E0F9B8C7D6E5F4A3B2C1D0E\n");
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
