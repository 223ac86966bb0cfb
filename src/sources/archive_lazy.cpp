// libarchive, loaded when the first archive is opened rather than at every start: it brings
// libxml2, ICU (30 MB), nettle, lzma, zstd, lz4, bzip2 and acl, half of `keyhound --version`'s
// start-up, for the few runs that meet an archive. Each libarchive function keyhound calls is
// defined here with libarchive's own signature (the compiler checks it against archive.h) and
// forwards to the real one; the binary then needs no libarchive symbol from the static linker
// and --as-needed leaves the library out. A call to a function not listed here brings
// libarchive back into the start-up (tests/e2e/startup_test.cpp notices).
#include <archive.h>
#include <archive_entry.h>

#include <cstdarg>
#include <cstdio>

#include "base/lazy_library.h"

#ifndef KEYHOUND_LIBARCHIVE_SONAME
#define KEYHOUND_LIBARCHIVE_SONAME "libarchive.so.13"
#endif

namespace keyhound {
namespace {
LazyLibrary libarchive{KEYHOUND_LIBARCHIVE_SONAME, "libarchive13"};
}  // namespace
}  // namespace keyhound

#define REAL(name) keyhound::lazy_function<&::name>(keyhound::libarchive, #name)

extern "C" {
__LA_MODE_T archive_entry_filetype(struct archive_entry* e) { return REAL(archive_entry_filetype)(e); }
const char* archive_entry_hardlink(struct archive_entry* e) { return REAL(archive_entry_hardlink)(e); }
int archive_entry_is_encrypted(struct archive_entry* e) { return REAL(archive_entry_is_encrypted)(e); }
const char* archive_entry_pathname(struct archive_entry* e) { return REAL(archive_entry_pathname)(e); }
const char* archive_entry_pathname_utf8(struct archive_entry* e) { return REAL(archive_entry_pathname_utf8)(e); }
la_int64_t archive_entry_size(struct archive_entry* e) { return REAL(archive_entry_size)(e); }
int archive_entry_size_is_set(struct archive_entry* e) { return REAL(archive_entry_size_is_set)(e); }
const char* archive_error_string(struct archive* a) { return REAL(archive_error_string)(a); }
la_int64_t archive_filter_bytes(struct archive* a, int n) { return REAL(archive_filter_bytes)(a, n); }
int archive_filter_count(struct archive* a) { return REAL(archive_filter_count)(a); }
int archive_format(struct archive* a) { return REAL(archive_format)(a); }
int archive_read_data_block(struct archive* a, const void** buff, size_t* size, la_int64_t* offset) {
  return REAL(archive_read_data_block)(a, buff, size, offset);
}
int archive_read_free(struct archive* a) { return REAL(archive_read_free)(a); }
struct archive* archive_read_new(void) { return REAL(archive_read_new)(); }
int archive_read_next_header(struct archive* a, struct archive_entry** e) {
  return REAL(archive_read_next_header)(a, e);
}
int archive_read_open1(struct archive* a) { return REAL(archive_read_open1)(a); }
int archive_read_open_fd(struct archive* a, int fd, size_t block_size) {
  return REAL(archive_read_open_fd)(a, fd, block_size);
}
int archive_read_open_memory2(struct archive* a, const void* buff, size_t size, size_t read_size) {
  return REAL(archive_read_open_memory2)(a, buff, size, read_size);
}
int archive_read_set_callback_data(struct archive* a, void* data) {
  return REAL(archive_read_set_callback_data)(a, data);
}
int archive_read_set_read_callback(struct archive* a, archive_read_callback* cb) {
  return REAL(archive_read_set_read_callback)(a, cb);
}
int archive_read_support_filter_all(struct archive* a) { return REAL(archive_read_support_filter_all)(a); }
int archive_read_support_format_7zip(struct archive* a) { return REAL(archive_read_support_format_7zip)(a); }
int archive_read_support_format_gnutar(struct archive* a) { return REAL(archive_read_support_format_gnutar)(a); }
int archive_read_support_format_raw(struct archive* a) { return REAL(archive_read_support_format_raw)(a); }
int archive_read_support_format_tar(struct archive* a) { return REAL(archive_read_support_format_tar)(a); }
int archive_read_support_format_zip(struct archive* a) { return REAL(archive_read_support_format_zip)(a); }
// Variadic: formatted here, handed on as one "%s" argument.
void archive_set_error(struct archive* a, int err, const char* fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  REAL(archive_set_error)(a, err, "%s", msg);
}
}  // extern "C"
