// The line diff of ranges and staged changes: which lines of a blob are new against its previous
// version, so a CI range or a pre-commit check reports only what the change added.
#include "sources/git_source.h"

#include <algorithm>

namespace keyhound {

std::vector<uint64_t> added_lines(std::string_view old_data, std::string_view new_data) {
  std::vector<uint64_t> lines;
  git_libgit2_init();
  git_diff_options opt = GIT_DIFF_OPTIONS_INIT;
  opt.context_lines = 0;
  opt.interhunk_lines = 0;
  opt.flags = GIT_DIFF_FORCE_TEXT;
  auto line_cb = [](const git_diff_delta*, const git_diff_hunk*, const git_diff_line* l, void* p) -> int {
    if (l->origin == GIT_DIFF_LINE_ADDITION && l->new_lineno > 0)
      static_cast<std::vector<uint64_t>*>(p)->push_back(static_cast<uint64_t>(l->new_lineno));
    return 0;
  };
  if (git_diff_buffers(old_data.data(), old_data.size(), nullptr, new_data.data(), new_data.size(), nullptr, &opt,
                       nullptr, nullptr, nullptr, line_cb, &lines) != 0)
    throw GitError(git_error_text("diff"));
  std::sort(lines.begin(), lines.end());
  return lines;
}

}  // namespace keyhound
