// Why an item (file, blob, archive member) was not scanned: one list for every command, with
// the one word each reason has in text, JSON and SARIF summaries and in the docs.
#pragma once
#include <cstdint>
#include <map>
#include <string>

namespace keyhound {

enum class SkipReason {
  AllowlistedPath,      // a config [[allowlist]] path glob matched (scan and git alike)
  TooLarge,             // over --max-file-size / --max-blob-size
  Unreadable,           // could not be opened or read (a warning line says why)
  UnreadableDirectory,  // a directory inside the tree could not be listed
  ScanError,            // the scanner failed on the bytes (an error line says why)
  Symlink,              // a symlink inside a tree: never followed
  BrokenSymlink,
  SpecialFile,          // fifo, socket, device
  Other,                // any other non-regular file
  GitDirectory,         // a .git folder met by the file walk
  LfsPointer,           // a Git LFS pointer: the content lives elsewhere
  Conflicted,           // an unmerged index entry (git --staged)
  CorruptObject,        // a git object that failed its check (an error line names it)
  ArchiveLimit,         // an archive member (or the rest of an archive) past a bound: depth,
                        // decompressed bytes, ratio, member count, time (a warning names it)
  UnsafeName,           // an archive member named with "../" or an absolute path
  Encrypted,            // an encrypted archive member
  CorruptArchive,       // a damaged or truncated archive (the members before it are scanned)
};

// The word printed for a reason ("allowlisted path", "too large", ...).
const char* skip_reason_word(SkipReason r);

// Counts per reason.
using SkipCounts = std::map<SkipReason, uint64_t>;
// The counts keyed by word, sorted by word: the order every summary prints them in.
std::map<std::string, uint64_t> skip_counts_by_word(const SkipCounts& counts);
// Adds every count of `more` into `into`.
void add_skip_counts(SkipCounts& into, const SkipCounts& more);

}  // namespace keyhound
