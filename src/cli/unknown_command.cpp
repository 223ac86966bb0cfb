#include "cli/unknown_command.h"

#include <algorithm>
#include <iostream>
#include <vector>

#include "base/escape.h"

namespace keyhound {

namespace {
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      // A swap of two neighbours ("scna") is one typo, not two.
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) cur[j] = std::min(cur[j], prev[j - 1]);
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::string nearest_command(const CLI::App& app, const std::string& word) {
  std::string best;
  size_t best_d = 3;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    size_t d = edit_distance(word, sub->get_name());
    if (d < best_d && d < word.size()) {
      best_d = d;
      best = sub->get_name();
    }
  }
  return best;
}

bool report_unknown_command(CLI::App& app, int argc, char** argv) {
  CLI::App* at = &app;
  std::string path;
  for (int i = 1; i < argc; ++i) {
    std::string w = argv[i];
    if (w.empty() || w[0] == '-') return false;  // options first: leave it to CLI11
    if (at->get_subcommands([](CLI::App*) { return true; }).empty()) return false;
    CLI::App* sub = nullptr;
    try {
      sub = at->get_subcommand(w);
    } catch (const CLI::OptionNotFound&) {
    }
    if (!sub) {
      std::string msg = "keyhound: error: unknown command '" + path + w + "'";
      if (std::string near = nearest_command(*at, w); !near.empty())
        msg += "; did you mean '" + path + near + "'?";
      else
        msg += "; see 'keyhound " + path + "--help'";
      std::cerr << escape_for_terminal(msg) << "\n";
      return true;
    }
    path += w + " ";
    at = sub;
  }
  return false;
}

}  // namespace keyhound
