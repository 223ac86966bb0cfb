// Value checks for credentials that are not random: references, dummies and masks are not
// passwords; weak human passwords are.
#include "checks/password.h"

#include <gtest/gtest.h>

using namespace keyhound;

TEST(PasswordCheck, WeakHumanPasswordsAreCredentials) {
  for (const char* pw : {"admin123", "pass123", "Mailpass1234!", "hub24aoeu", "Tr0ub4dor&3", "bobwillknow"})
    EXPECT_TRUE(passes_value_check("password", pw)) << pw;
}

TEST(PasswordCheck, ReferencesAreNotPasswords) {
  for (const char* v : {"${DB_PASSWORD}", "$DB_PASSWORD", "%DB_PASSWORD%", "{{ db_password }}", "<password>",
                        "#{db.password}", "@db.password@", "os.environ['PW']", "process.env.DB_PASS",
                        "ENV[\"DB_PASSWORD\"]", "/run/secrets/db_password", "./secrets/pw.txt",
                        "vault:secret/data/db#password", "$(cat /run/secrets/pw)", "\" + pw + \"", "' . $pass . '"})
    EXPECT_FALSE(passes_value_check("password", v)) << v;
}

TEST(PasswordCheck, DummiesMasksAndEmptyValuesAreNotPasswords) {
  for (const char* v : {"", "abc", "password", "Password", "changeme", "secret", "****", "xxxxxxxx", "........",
                        "null", "none", "your-password", "password_here", "put your unique phrase here",
                        "postgres", "guest", "example", "EXAMPLE_PASSWORD", "qwerty", "123456", "1234"})
    EXPECT_FALSE(passes_value_check("password", v)) << v;
}

TEST(PasswordCheck, HashesAndBase64UserPass) {
  EXPECT_TRUE(passes_value_check("password-hash", "$6$rB7uG1pQ$e3sQk8mZ0vN2yL5tW9xC4aH7jF1dS6gK0pR3uT8wE2q"));
  EXPECT_TRUE(passes_value_check("password-hash", "$apr1$Qz8k1fRt$2bYV0mJm3kWq9xR7cE1tH."));
  EXPECT_FALSE(passes_value_check("password-hash", "admin123"));
  EXPECT_FALSE(passes_value_check("password-hash", "$6$"));
  EXPECT_TRUE(passes_value_check("base64-userpass", "ZGVwbG95OmFkbWluMTIz"));    // deploy:admin123
  EXPECT_FALSE(passes_value_check("base64-userpass", "dXNlcjpwYXNzd29yZA=="));   // user:password
  EXPECT_FALSE(passes_value_check("base64-userpass", "bm8tY29sb24taGVyZQ=="));   // no-colon-here
  EXPECT_FALSE(passes_value_check("base64-userpass", "not base64!"));
  EXPECT_FALSE(passes_value_check("no-such-check", "admin123"));
}

TEST(PasswordCheck, GeneratedSaltsWithTemplatePunctuationAreNotReferences) {
  // WordPress's salt generator uses every printable character: "#{" or "${" with no name closed
  // after it is chance, not interpolation.
  std::string salt = std::string("Ed&1cr+{3T$a+{[8LP~i5-[|Z`x-V>;Di_C/E~UnSg{n[h#") + "{D[-t>yIUZ8YqSu3t";
  EXPECT_FALSE(is_reference(salt));
  EXPECT_TRUE(passes_value_check("password", salt));
  EXPECT_TRUE(is_reference("prefix-${DB_PASSWORD}"));
  EXPECT_TRUE(is_reference("#{ENV.fetch('PW')}"));
}

TEST(PasswordCheck, CodeLiteralsThatNameOrDescribeAPasswordAreNotOne) {
  for (const char* pw : {"admin123", "Wd9kq2LxR", "hub24aoeu", "Mailpass1234!x"})
    EXPECT_EQ(passes_value_check("code-password", pw), std::string(pw).find("pass") == std::string::npos) << pw;
  for (const char* v : {"MailPassword", "show_password", "ScreenSave_Data", "2.5.4.35", "nobody@nowhere.invalid",
                        "Password used to generate key", "masterkey", "geen", "testpass"})
    EXPECT_FALSE(passes_value_check("code-password", v)) << v;
}

TEST(PasswordCheck, StoredPasswordsKeepWeakWordsButNotTemplates) {
  // In a tool's own credential file the value is what the tool sends: "password" is the password.
  for (const char* pw : {"password", "admin", "secret", "ExamplePas123", "postgres", "admin123"})
    EXPECT_TRUE(passes_value_check("stored-password", pw)) << pw;
  for (const char* v : {"", "pw", "****", "xxxxxxxx", "${PGPASSWORD}", "%PASSWORD%", "<password>", "your_password",
                        "password_here", "changeme", "null", "$(pass show db)"})
    EXPECT_FALSE(passes_value_check("stored-password", v)) << v;
}
