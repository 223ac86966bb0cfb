// Path globs, allowlist criteria and scoping, config parsing.
#include <gtest/gtest.h>

#include <random>

#include "config/config_loader.h"
#include "findings/allowlist.h"
#include "findings/fingerprint.h"
#include "findings/glob.h"
#include "pipeline/suppression_setup.h"
#include "fake_keys.h"

using namespace keyhound;

namespace {
std::string fake_key(unsigned seed) { return keyhound_test::fake_key_id(seed); }

Finding finding(const std::string& rule, const std::string& path, const std::string& secret,
                const std::string& line_text, const std::string& commit = "") {
  Finding f;
  f.rule_id = rule;
  f.secret = secret;
  f.line_text = line_text;
  f.line = 3;
  f.where.path = path;
  f.where.commit = commit;
  f.fingerprint = compute_fingerprint(f);
  return f;
}

Allowlist one(const std::string& body) {
  Config c = parse_config("[[allowlist]]\ndescription = 't'\n" + body + "\n", "t.toml");
  EXPECT_EQ(c.allowlists.size(), 1u);
  return c.allowlists.at(0);
}

std::string config_error(const std::string& text) {
  try {
    parse_config(text, "cfg.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Glob, DoubleStarAndBasenames) {
  PathGlob td("**/testdata/**");
  EXPECT_TRUE(td.matches("testdata/a.txt"));
  EXPECT_TRUE(td.matches("pkg/x/testdata/deep/a.txt"));
  EXPECT_TRUE(td.matches("pkg/testdata/"));  // the directory itself: pruned by the walker
  EXPECT_FALSE(td.matches("pkg/testdata2/a.txt"));
  EXPECT_FALSE(td.matches("pkg/mytestdata/a.txt"));

  PathGlob lock("*.lock");
  EXPECT_TRUE(lock.matches("Cargo.lock"));
  EXPECT_TRUE(lock.matches("a/b/yarn.lock"));
  EXPECT_FALSE(lock.matches("a/b/yarn.locked"));
  EXPECT_FALSE(lock.matches("lock"));

  PathGlob anchored("/docs/*.md");
  EXPECT_TRUE(anchored.matches("docs/a.md"));
  EXPECT_FALSE(anchored.matches("x/docs/a.md"));
  EXPECT_FALSE(anchored.matches("docs/sub/a.md"));

  PathGlob mid("src/**/fixtures/*.json");
  EXPECT_TRUE(mid.matches("src/fixtures/a.json"));
  EXPECT_TRUE(mid.matches("src/a/b/fixtures/a.json"));
  EXPECT_FALSE(mid.matches("lib/fixtures/a.json"));

  PathGlob dir("examples/");
  EXPECT_TRUE(dir.matches("examples/a/b.txt"));
  EXPECT_TRUE(dir.matches("./examples/x"));
  EXPECT_TRUE(dir.matches("src/examples/x"));  // only a trailing '/': any depth, like .gitignore
  EXPECT_FALSE(PathGlob("/examples/").matches("src/examples/x"));
  EXPECT_FALSE(PathGlob("a/examples").matches("src/a/examples/x"));  // a '/' inside anchors

  PathGlob cls("rules/[a-c]*.toml");
  EXPECT_TRUE(cls.matches("rules/aws.toml"));
  EXPECT_FALSE(cls.matches("rules/stripe.toml"));
  PathGlob neg("file[!0-9].txt");
  EXPECT_TRUE(neg.matches("filex.txt"));
  EXPECT_FALSE(neg.matches("file1.txt"));
  PathGlob q("a?c");
  EXPECT_TRUE(q.matches("abc"));
  EXPECT_FALSE(q.matches("a/c"));
  PathGlob esc("weird\\*name");
  EXPECT_TRUE(esc.matches("weird*name"));
  EXPECT_FALSE(esc.matches("weirdXname"));
  EXPECT_THROW(PathGlob(""), std::invalid_argument);
  EXPECT_THROW(PathGlob("a[b"), std::invalid_argument);
}

TEST(Allowlist, EachKind) {
  std::string key = fake_key(1);
  Finding f = finding("aws-access-key-id", "src/app.env", key, "aws_key = " + key + "  # rotated");
  EXPECT_EQ(one("paths = ['src/*.env']").match(f, "", "src/app.env", f.fingerprint), "path");
  EXPECT_EQ(one("paths = ['lib/**']").match(f, "", "src/app.env", f.fingerprint), "");
  EXPECT_EQ(one("secrets = ['^AKIA']").match(f, "", "src/app.env", f.fingerprint), "secret");
  EXPECT_EQ(one("secrets = ['^ASIA']").match(f, "", "src/app.env", f.fingerprint), "");
  // `secrets` look at the secret only, `lines` at the whole line.
  EXPECT_EQ(one("secrets = ['rotated']").match(f, "", "src/app.env", f.fingerprint), "");
  EXPECT_EQ(one("lines = ['#\\s*rotated']").match(f, "", "src/app.env", f.fingerprint), "line");
  EXPECT_EQ(one("fingerprints = ['" + f.fingerprint + "']").match(f, "", "src/app.env", f.fingerprint),
            "fingerprint");
  EXPECT_EQ(one("fingerprints = ['" + std::string(32, 'a') + "']").match(f, "", "src/app.env", f.fingerprint), "");
  EXPECT_EQ(one("stopwords = ['" + key.substr(5, 5) + "']").match(f, "", "src/app.env", f.fingerprint), "stopword");
  // Stopwords are case-insensitive.
  std::string low = key.substr(5, 5);
  for (auto& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_EQ(one("stopwords = ['" + low + "']").match(f, "", "src/app.env", f.fingerprint), "stopword");
  EXPECT_EQ(one("stopwords = ['zzzzzzzz']").match(f, "", "src/app.env", f.fingerprint), "");
  // Commits: full or abbreviated, any case; a finding without a commit never matches.
  std::string commit = "0123456789abcdef0123456789abcdef01234567";
  Finding g = finding("aws-access-key-id", "k.env", key, "k=" + key, commit);
  EXPECT_EQ(one("commits = ['0123456789AB']").match(g, "", "k.env", g.fingerprint), "commit");
  EXPECT_EQ(one("commits = ['" + commit + "']").match(g, "", "k.env", g.fingerprint), "commit");
  EXPECT_EQ(one("commits = ['1123456']").match(g, "", "k.env", g.fingerprint), "");
  EXPECT_EQ(one("commits = ['0123456']").match(f, "", "src/app.env", f.fingerprint), "");
}

TEST(Allowlist, SecretsRegexAlsoSeesAttachedParts) {
  Finding f = finding("aws-access-key-id", "a", fake_key(2), "x");
  f.parts.push_back({"secret_access_key", "aws-secret-access-key", "partSECRETvalue123", 0, 4, 1});
  EXPECT_EQ(one("secrets = ['^partSECRET']").match(f, "", "a", f.fingerprint), "secret");
}

TEST(Allowlist, ScopedToRulesAndFamilies) {
  Finding f = finding("generic-password", "a.py", "Sup3rLongPasswordValue", "password = x");
  Allowlist by_id = one("rules = ['generic-password']\nlines = ['password']");
  Allowlist other = one("rules = ['aws-access-key-id']\nlines = ['password']");
  Allowlist by_family = one("rules = ['generic']\nlines = ['password']");
  EXPECT_EQ(by_id.match(f, "generic", "a.py", f.fingerprint), "line");
  EXPECT_EQ(other.match(f, "generic", "a.py", f.fingerprint), "");
  EXPECT_EQ(by_family.match(f, "generic", "a.py", f.fingerprint), "line");
  EXPECT_EQ(by_family.match(f, "", "a.py", f.fingerprint), "");
  // A scoped path allowlist cannot skip files (other rules must still see them).
  EXPECT_FALSE(one("rules = ['generic']\npaths = ['a.py']").is_path_only());
  EXPECT_TRUE(one("paths = ['a.py']").is_path_only());
}

TEST(Allowlist, ConditionAnd) {
  std::string key = fake_key(3);
  Finding f = finding("aws-access-key-id", "tests/k.env", key, "k=" + key);
  Allowlist a = one("condition = 'AND'\npaths = ['tests/**']\nsecrets = ['^AKIA']");
  EXPECT_EQ(a.match(f, "", "tests/k.env", f.fingerprint), "path+secret");
  EXPECT_EQ(a.match(f, "", "src/k.env", f.fingerprint), "");
  Allowlist o = one("paths = ['tests/**']\nsecrets = ['^AKIA']");
  EXPECT_EQ(o.match(f, "", "src/k.env", f.fingerprint), "secret");
  EXPECT_FALSE(a.is_path_only());
}

TEST(Config, ParsesRulesDisableAndAllowlists) {
  Config c = parse_config(
      "description = 'project'\n"
      "disable = ['aws-access-key-id']\n"
      "[[rule]]\nid = 'acme-token'\nname = 'Acme'\nkeywords = ['acme_']\nregex = '''acme_[a-z]{20}'''\n"
      "[[allowlist]]\npaths = ['a']\n[[allowlist]]\nrules = ['acme-token']\nstopwords = ['dummy']\n",
      "p.toml");
  ASSERT_EQ(c.rules.size(), 1u);
  EXPECT_EQ(c.rules[0].id, "acme-token");
  EXPECT_TRUE(c.rules[0].re != nullptr);
  EXPECT_EQ(c.disable, std::vector<std::string>{"aws-access-key-id"});
  ASSERT_EQ(c.allowlists.size(), 2u);
  EXPECT_EQ(c.allowlists[0].origin, "p.toml:8");
  EXPECT_EQ(c.allowlists[1].label(), "allowlist at p.toml:10");
  RuleNames names = known_rule_names({}, true, &c);
  EXPECT_NO_THROW(check_rule_references(c, names.names));
  EXPECT_TRUE(names.names.count("generic"));  // families count too
  Config bad = parse_config("disable = ['acme-tokn']\n", "p.toml");
  try {
    check_rule_references(bad, names.names);
    FAIL() << "unknown rule accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("p.toml:1: unknown rule 'acme-tokn'"), std::string::npos) << e.what();
  }
}

TEST(Config, ErrorsNameFileAndLine) {
  EXPECT_NE(config_error("[[allowlist]\n").find("cfg.toml:1: invalid TOML"), std::string::npos);
  EXPECT_NE(config_error("\n\n[[allowlist]]\nsecrets = ['(x']\n").find("cfg.toml:4:"), std::string::npos);
  EXPECT_NE(config_error("[[allowlist]]\nlines = ['*x']\n").find("does not compile"), std::string::npos);
  EXPECT_NE(config_error("[[allowlist]]\npaths = ['a[']\n").find("cfg.toml:2:"), std::string::npos);
  EXPECT_NE(config_error("[[allowlist]]\ncommits = ['xyz']\n").find("not a commit id"), std::string::npos);
  EXPECT_NE(config_error("[[allowlist]]\nstopwords = ['ab']\n").find("shorter than 3"), std::string::npos);
  EXPECT_NE(config_error("[[allowlist]]\ncondition = 'XOR'\npaths = ['a']\n").find("condition"), std::string::npos);
  EXPECT_NE(config_error("[[allowlist]]\npaths = 'a'\n").find("must be an array"), std::string::npos);
  EXPECT_NE(config_error("disable = 'x'\n").find("cfg.toml:1:"), std::string::npos);
  EXPECT_NE(config_error("[[rule]]\nid = 'Bad Id'\nname = 'x'\nkeywords = ['abc']\nregex = 'abc'\n").find("cfg.toml"),
            std::string::npos);
  EXPECT_EQ(config_error("[[allowlist]]\npaths = ['ok']\n"), "");
}

TEST(Suppression, RelativeToRoot) {
  EXPECT_EQ(relative_to_root("/w/repo/src/a.c", "/w/repo"), "src/a.c");
  EXPECT_EQ(relative_to_root("/w/repo/src/a.c", "/w/repo/"), "src/a.c");
  EXPECT_EQ(relative_to_root("/w/repo2/a.c", "/w/repo"), "/w/repo2/a.c");
  EXPECT_EQ(relative_to_root("./src/a.c", "."), "src/a.c");
  EXPECT_EQ(relative_to_root("sub/x", "sub"), "x");
  EXPECT_EQ(relative_to_root("./sub/x", "./sub"), "x");
  EXPECT_EQ(relative_to_root("src/a.c", "/w/repo"), "src/a.c");  // git: already relative
}
