// Every config and every `keyhound ...` command shown in README.md, docs/ and rules/README.md
// is run here, so the documentation cannot drift from the program (issue 19: the documented
// config named a rule that did not exist).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "git_e2e_util.h"

using namespace e2e;

namespace {

struct Block {
  std::string file, lang, text;
};

std::vector<std::string> doc_files() {
  std::string src = KEYHOUND_SOURCE_DIR;
  std::vector<std::string> files{src + "/README.md", src + "/rules/README.md"};
  for (auto& e : std::filesystem::directory_iterator(src + "/docs"))
    if (e.path().extension() == ".md") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

// Fenced blocks at the start of a line (not the ones nested in list items or JSON strings).
std::vector<Block> fenced_blocks(const std::string& file) {
  std::vector<Block> out;
  std::istringstream in(read_file(file));
  std::string line;
  Block* cur = nullptr;
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) {
      if (cur) {
        cur = nullptr;
      } else {
        out.push_back({file, line.substr(3), ""});
        cur = &out.back();
      }
    } else if (cur) {
      cur->text += line + "\n";
    }
  }
  return out;
}

// The commands: lines of untagged or sh blocks that start with `keyhound `, and inline code
// spans that do. Placeholders become fixture names: [OPTIONAL] parts are dropped, DIR, REPO
// and PATH are ".", FILE is the config, A..B and $BEFORE..$AFTER are HEAD~1..HEAD. A trailing "# comment" goes.
std::vector<std::string> commands_of(const std::string& file) {
  std::vector<std::string> cmds;
  for (auto& b : fenced_blocks(file)) {
    if (b.lang != "" && b.lang != "sh") continue;
    std::istringstream in(b.text);
    std::string line;
    while (std::getline(in, line))
      if (line.rfind("keyhound ", 0) == 0) cmds.push_back(line);
  }
  static const std::regex span("`(keyhound [^`]*)`");
  std::string text = read_file(file);
  for (std::sregex_iterator it(text.begin(), text.end(), span), end; it != end; ++it) cmds.push_back((*it)[1]);
  for (auto& c : cmds) {
    c = std::regex_replace(c, std::regex("\\s+#.*$"), "");
    c = std::regex_replace(c, std::regex("\\s*\\[[^\\]]*\\]"), "");
    c = std::regex_replace(c, std::regex("\\bA\\.\\.B\\b"), "HEAD~1..HEAD");
    c = std::regex_replace(c, std::regex("\\$BEFORE"), "HEAD~1");
    c = std::regex_replace(c, std::regex("\\$AFTER"), "HEAD");
    c = std::regex_replace(c, std::regex("\\b(DIR|REPO|PATH)\\b"), ".");
    c = std::regex_replace(c, std::regex("\\bFILE\\b"), ".keyhound.toml");
  }
  return cmds;
}

// A repository with two commits, a lone AWS key ID (nothing to verify, so no request is ever
// made) and the documented config.
std::string fixture() {
  std::string d = gite2e::new_repo();
  gite2e::commit_file(d, "README.md", "fixture\n", "first");
  gite2e::commit_file(d, "config/app.env", "aws_access_key_id = " + fake_key_id(77) + "\n", "second");
  return d;
}

}  // namespace

TEST(DocsE2E, EveryDocumentedConfigLoads) {
  int configs = 0, rule_files = 0;
  for (auto& f : doc_files())
    for (auto& b : fenced_blocks(f)) {
      if (b.lang != "toml") continue;
      std::string d = make_temp_dir();
      // rules/README.md shows a rule file, every field annotated (its examples are "ghp_..."
      // placeholders: no key-shaped literal in the docs), so it is loaded under an ID of its
      // own rather than checked against its examples; the docs show .keyhound.toml configs.
      bool rules = f.find("/rules/README.md") != std::string::npos;
      std::string text =
          rules ? std::regex_replace(b.text, std::regex("\nid = \"[a-z0-9-]*\""), "\nid = \"docs-schema-example\"")
                : b.text;
      std::string path = d + (rules ? "/example.toml" : "/.keyhound.toml");
      write_file(path, text);
      auto r = run(kh() + (rules ? " rules list --no-config --rules " : " config check ") + path);
      if (rules) EXPECT_NE(r.out.find("docs-schema-example"), std::string::npos) << r.out;
      EXPECT_EQ(r.exit_code, 0) << f << ":\n" << b.text << "\n" << r.out << r.err;
      (rules ? rule_files : configs)++;
    }
  EXPECT_GE(configs, 1);
  EXPECT_GE(rule_files, 1);
}

TEST(DocsE2E, EveryDocumentedCommandRuns) {
  std::string d = fixture();
  // The documented config is the fixture's config.
  for (auto& b : fenced_blocks(std::string(KEYHOUND_SOURCE_DIR) + "/docs/suppression.md"))
    if (b.lang == "toml") write_file(d + "/.keyhound.toml", b.text);
  int ran = 0;
  for (auto& f : doc_files())
    for (auto& c : commands_of(f)) {
      // No network: verification attempts end `unknown` at once; the fixture has nothing to verify.
      auto r = run("cd " + shell_quote(d) + " && https_proxy=http://127.0.0.1:9 " + gite2e::kh_env() + " " +
                   std::string(KEYHOUND_BINARY) + c.substr(8) + " </dev/null");
      EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << f << ": " << c << "\nexit " << r.exit_code << "\n" << r.err;
      EXPECT_EQ(r.err.find("error:"), std::string::npos) << f << ": " << c << "\n" << r.err;
      ++ran;
    }
  EXPECT_GE(ran, 20);
  // The README's first command ends by scanning examples/: every planted key, exit 1.
  auto r = run(kh() + " scan " + std::string(KEYHOUND_SOURCE_DIR) + "/examples/");
  EXPECT_EQ(r.exit_code, 1) << r.err;
}

// The README's provider table is `keyhound rules list --format markdown`, verbatim: a rule added
// or renamed without regenerating it fails here.
TEST(DocsCommands, ReadmeProviderTableIsGenerated) {
  std::string readme = read_file(std::string(KEYHOUND_SOURCE_DIR) + "/README.md");
  const std::string intro = "Generated by `keyhound rules list --format markdown`:\n\n";
  size_t at = readme.find(intro);
  ASSERT_NE(at, std::string::npos) << "README.md has no generated provider table";
  at += intro.size();
  auto r = run(kh() + " rules list --format markdown");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(readme.substr(at, r.out.size()), r.out)
      << "regenerate the table in README.md with `keyhound rules list --format markdown`";
}
