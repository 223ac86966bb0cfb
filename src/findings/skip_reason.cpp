#include "findings/skip_reason.h"

namespace keyhound {

const char* skip_reason_word(SkipReason r) {
  switch (r) {
    case SkipReason::AllowlistedPath: return "allowlisted path";
    case SkipReason::TooLarge: return "too large";
    case SkipReason::Unreadable: return "unreadable";
    case SkipReason::UnreadableDirectory: return "unreadable directory";
    case SkipReason::ScanError: return "scan error";
    case SkipReason::Symlink: return "symlink";
    case SkipReason::BrokenSymlink: return "broken symlink";
    case SkipReason::SpecialFile: return "special file";
    case SkipReason::Other: return "other";
    case SkipReason::GitDirectory: return ".git directory";
    case SkipReason::LfsPointer: return "lfs pointer";
    case SkipReason::Conflicted: return "conflicted";
    case SkipReason::CorruptObject: return "corrupt object";
    case SkipReason::ArchiveLimit: return "archive limit";
    case SkipReason::UnsafeName: return "unsafe name";
    case SkipReason::Encrypted: return "encrypted";
    case SkipReason::CorruptArchive: return "corrupt archive";
  }
  return "other";
}

std::map<std::string, uint64_t> skip_counts_by_word(const SkipCounts& counts) {
  std::map<std::string, uint64_t> out;
  for (auto& [r, n] : counts)
    if (n) out[skip_reason_word(r)] += n;
  return out;
}

void add_skip_counts(SkipCounts& into, const SkipCounts& more) {
  for (auto& [r, n] : more) into[r] += n;
}

}  // namespace keyhound
