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
                        "postgres", "guest", "example", "EXAMPLE_PASSWORD", "qwerty"})
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
