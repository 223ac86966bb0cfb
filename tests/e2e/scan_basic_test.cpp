#include <gtest/gtest.h>

#include "e2e_util.h"

using namespace e2e;

TEST(ScanE2E, CleanDirectoryExitsZero) {
  std::string d = make_temp_dir();
  write_file(d + "/a.txt", "nothing to see here\n");
  auto r = run(kh() + " scan " + d);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("0 findings"), std::string::npos) << r.out;
}

TEST(ScanE2E, KeyPairIsOneFinding) {
  std::string d = make_temp_dir();
  std::string id = fake_key_id(1), sec = fake_secret(1);
  write_file(d + "/credentials", "[default]\naws_access_key_id = " + id + "\naws_secret_access_key = " + sec + "\n");
  auto r = run(kh() + " scan --format json " + d);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("\"findings\": 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("secret_access_key"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(sec), std::string::npos) << "secret must be redacted";
  EXPECT_EQ(r.out.find(id), std::string::npos) << "key id must be redacted";
}

TEST(ScanE2E, MissingPathIsError) {
  auto r = run(kh() + " scan /nonexistent/keyhound/path");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/keyhound/path"), std::string::npos) << r.err;
}

TEST(ScanE2E, BadFlagIsUsageError) {
  auto r = run(kh() + " scan --definitely-not-a-flag");
  EXPECT_EQ(r.exit_code, 2);
}
