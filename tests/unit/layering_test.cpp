// The architecture as a test: every #include "layer/file.h" in src/ is checked against the
// layers that layer may not reach (README, "Where a thing lives").
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// Layers below the orchestration: nothing but cli (and main) reaches cli, nothing but cli
// reaches pipeline; the rest is the issue's list (engine knows bytes, not files; sources yield
// bytes and know neither engine nor report; findings know no config; base reaches nothing).
bool forbidden(const std::string& from, const std::string& to) {
  if (from == to) return false;
  if (from == "base") return true;
  if (to == "cli") return from != "main";
  if (to == "pipeline") return from != "cli" && from != "main";
  static const std::map<std::string, std::set<std::string>> never = {
      {"engine", {"sources", "report", "decode"}},
      {"sources", {"report", "engine", "decode"}},
      {"findings", {"config", "report", "decode"}},
      // The datastore keeps findings; it knows nothing of scanning, sources or formats.
      {"datastore", {"engine", "sources", "report", "config", "verify", "decode"}},
      // Decoding runs the engine over decoded bytes; it knows no files, formats or config.
      {"decode", {"sources", "report", "config", "verify", "datastore"}},
  };
  auto it = never.find(from);
  return it != never.end() && it->second.count(to) > 0;
}

struct Include {
  std::string file;  // relative to src/
  int line;
  std::string target;
};

std::vector<Include> project_includes(const fs::path& src) {
  static const std::regex inc(R"re(^\s*#\s*include\s*"([^"]+)")re");
  std::vector<Include> out;
  for (auto& e : fs::recursive_directory_iterator(src)) {
    if (!e.is_regular_file()) continue;
    auto ext = e.path().extension();
    if (ext != ".h" && ext != ".cpp") continue;
    std::ifstream in(e.path());
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      std::smatch m;
      if (std::regex_search(line, m, inc)) out.push_back({fs::relative(e.path(), src).string(), n, m[1]});
    }
  }
  return out;
}

// "engine/scanner.cpp" -> "engine"; "main.cpp" -> "main".
std::string layer_of(const std::string& rel) {
  auto slash = rel.find('/');
  return slash == std::string::npos ? fs::path(rel).stem().string() : rel.substr(0, slash);
}

TEST(Layering, RulesThemselves) {
  EXPECT_TRUE(forbidden("engine", "sources"));
  EXPECT_TRUE(forbidden("engine", "pipeline"));
  EXPECT_TRUE(forbidden("sources", "engine"));
  EXPECT_TRUE(forbidden("findings", "config"));
  EXPECT_TRUE(forbidden("base", "report"));
  EXPECT_TRUE(forbidden("report", "cli"));
  EXPECT_FALSE(forbidden("pipeline", "engine"));
  EXPECT_FALSE(forbidden("cli", "pipeline"));
  EXPECT_FALSE(forbidden("config", "findings"));
  EXPECT_FALSE(forbidden("engine", "base"));
  EXPECT_TRUE(forbidden("decode", "sources"));
  EXPECT_TRUE(forbidden("engine", "decode"));
  EXPECT_FALSE(forbidden("pipeline", "decode"));
}

TEST(Layering, NoIncludeCrossesALayerItMustNot) {
  fs::path src = fs::path(KEYHOUND_SOURCE_DIR) / "src";
  auto includes = project_includes(src);
  std::set<std::string> layers_seen;
  for (auto& i : includes) {
    // Every quoted include names a project file by its path from src/ (no "../", no bare names).
    EXPECT_TRUE(fs::exists(src / i.target)) << i.file << ":" << i.line << ": \"" << i.target
                                            << "\" is not a path under src/";
    std::string from = layer_of(i.file), to = layer_of(i.target);
    layers_seen.insert(from);
    EXPECT_FALSE(forbidden(from, to)) << i.file << ":" << i.line << ": " << from << " must not include " << i.target;
  }
  // The walk really read the tree: every layer of the map has includes.
  for (const char* l : {"base", "cli", "config", "datastore", "decode", "engine", "findings", "pipeline", "report", "rules", "sources", "verify"})
    EXPECT_TRUE(layers_seen.count(l)) << "no #include read from src/" << l;
}

}  // namespace
