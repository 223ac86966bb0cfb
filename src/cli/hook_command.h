// `keyhound hook install`: the pre-commit hook script and where it goes.
#pragma once
#include <string>

namespace keyhound {
// The POSIX sh pre-commit hook, running `<keyhound> git --staged` (hooks/pre-commit is this text
// with keyhound = "keyhound").
std::string pre_commit_hook_script(const std::string& keyhound);
// The hooks folder of the repository at `repo`: core.hooksPath if set (relative to the work
// tree, or to the git dir of a bare repository), else <git dir>/hooks. Throws GitError.
std::string hooks_dir(const std::string& repo);
}  // namespace keyhound
