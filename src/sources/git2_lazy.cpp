// libgit2, loaded when a git command first uses it rather than at every start: with the 14
// libraries it brings (mbedTLS, libssh2, OpenSSL's libcrypto, Kerberos, PCRE2...) it was a
// third of `keyhound scan`'s and `--version`'s start-up. Each libgit2 function keyhound calls
// is defined here with libgit2's own signature (the compiler checks it against git2.h) and
// forwards to the real one, found with dlsym on first use. A libgit2 function not listed here
// fails to link, so a new call cannot bypass the loading.
#include <algorithm>
#include <cstring>

#include "base/lazy_library.h"
#include "sources/git_source.h"

#ifndef KEYHOUND_LIBGIT2_SONAME
#define KEYHOUND_LIBGIT2_SONAME "libgit2.so.1.5"
#endif

namespace keyhound {
namespace {

LazyLibrary libgit2{KEYHOUND_LIBGIT2_SONAME, "libgit2"};

// The real function behind the wrapper `Self`; a missing library is a GitError like any other.
template <auto Self>
decltype(Self) real(const char* name) {
  try {
    return lazy_function<Self>(libgit2, name);
  } catch (const LazyLoadError& e) {
    throw GitError(e.what());
  }
}

}  // namespace
}  // namespace keyhound

#define REAL(name) keyhound::real<&::name>(#name)

extern "C" {
void git_buf_dispose(git_buf *buffer) { REAL(git_buf_dispose)(buffer); }
const git_signature * git_commit_author(const git_commit *commit) {
  return REAL(git_commit_author)(commit);
}
const git_signature * git_commit_committer(const git_commit *commit) {
  return REAL(git_commit_committer)(commit);
}
void git_commit_free(git_commit *commit) { REAL(git_commit_free)(commit); }
int git_commit_lookup(git_commit **commit, git_repository *repo, const git_oid *id) {
  return REAL(git_commit_lookup)(commit, repo, id);
}
const git_oid * git_commit_parent_id(const git_commit *commit, unsigned int n) {
  return REAL(git_commit_parent_id)(commit, n);
}
unsigned int git_commit_parentcount(const git_commit *commit) {
  return REAL(git_commit_parentcount)(commit);
}
const git_oid * git_commit_tree_id(const git_commit *commit) {
  return REAL(git_commit_tree_id)(commit);
}
void git_config_free(git_config *cfg) { REAL(git_config_free)(cfg); }
int git_config_get_bool(int *out, const git_config *cfg, const char *name) {
  return REAL(git_config_get_bool)(out, cfg, name);
}
int git_config_get_path(git_buf *out, const git_config *cfg, const char *name) {
  return REAL(git_config_get_path)(out, cfg, name);
}
int git_diff_buffers(const void *old_buffer, size_t old_len, const char *old_as_path, const void *new_buffer, size_t new_len, const char *new_as_path, const git_diff_options *options, git_diff_file_cb file_cb, git_diff_binary_cb binary_cb, git_diff_hunk_cb hunk_cb, git_diff_line_cb line_cb, void *payload) {
  return REAL(git_diff_buffers)(old_buffer, old_len, old_as_path, new_buffer, new_len, new_as_path, options, file_cb, binary_cb, hunk_cb, line_cb, payload);
}
int git_diff_find_similar(git_diff *diff, const git_diff_find_options *options) {
  return REAL(git_diff_find_similar)(diff, options);
}
void git_diff_free(git_diff *diff) { REAL(git_diff_free)(diff); }
const git_diff_delta * git_diff_get_delta(const git_diff *diff, size_t idx) {
  return REAL(git_diff_get_delta)(diff, idx);
}
size_t git_diff_num_deltas(const git_diff *diff) { return REAL(git_diff_num_deltas)(diff); }
int git_diff_tree_to_index(git_diff **diff, git_repository *repo, git_tree *old_tree, git_index *index, const git_diff_options *opts) {
  return REAL(git_diff_tree_to_index)(diff, repo, old_tree, index, opts);
}
int git_diff_tree_to_tree(git_diff **diff, git_repository *repo, git_tree *old_tree, git_tree *new_tree, const git_diff_options *opts) {
  return REAL(git_diff_tree_to_tree)(diff, repo, old_tree, new_tree, opts);
}
void git_error_clear(void) { REAL(git_error_clear)(); }
const git_error * git_error_last(void) { return REAL(git_error_last)(); }
int git_index_add(git_index *index, const git_index_entry *source_entry) {
  return REAL(git_index_add)(index, source_entry);
}
int git_index_conflict_add(git_index *index, const git_index_entry *ancestor_entry, const git_index_entry *our_entry, const git_index_entry *their_entry) {
  return REAL(git_index_conflict_add)(index, ancestor_entry, our_entry, their_entry);
}
void git_index_free(git_index *index) { REAL(git_index_free)(index); }
int git_index_new(git_index **out) { return REAL(git_index_new)(out); }
int git_index_open(git_index **out, const char *index_path) { return REAL(git_index_open)(out, index_path); }
int git_libgit2_init(void) { return REAL(git_libgit2_init)(); }
void git_object_free(git_object *object) { REAL(git_object_free)(object); }
const git_oid * git_object_id(const git_object *obj) { return REAL(git_object_id)(obj); }
int git_object_lookup(git_object **object, git_repository *repo, const git_oid *id, git_object_t type) {
  return REAL(git_object_lookup)(object, repo, id, type);
}
int git_object_peel(git_object **peeled, const git_object *object, git_object_t target_type) {
  return REAL(git_object_peel)(peeled, object, target_type);
}
const char * git_object_type2string(git_object_t type) {
  return REAL(git_object_type2string)(type);
}
int git_odb_add_backend(git_odb *odb, git_odb_backend *backend, int priority) {
  return REAL(git_odb_add_backend)(odb, backend, priority);
}
void * git_odb_backend_data_alloc(git_odb_backend *backend, size_t len) {
  return REAL(git_odb_backend_data_alloc)(backend, len);
}
void git_odb_free(git_odb *db) { REAL(git_odb_free)(db); }
int git_odb_hash(git_oid *out, const void *data, size_t len, git_object_t type) {
  return REAL(git_odb_hash)(out, data, len, type);
}
int git_odb_init_backend(git_odb_backend *backend, unsigned int version) {
  return REAL(git_odb_init_backend)(backend, version);
}
const void * git_odb_object_data(git_odb_object *object) {
  return REAL(git_odb_object_data)(object);
}
void git_odb_object_free(git_odb_object *object) { REAL(git_odb_object_free)(object); }
size_t git_odb_object_size(git_odb_object *object) { return REAL(git_odb_object_size)(object); }
git_object_t git_odb_object_type(git_odb_object *object) {
  return REAL(git_odb_object_type)(object);
}
int git_odb_read(git_odb_object **out, git_odb *db, const git_oid *id) {
  return REAL(git_odb_read)(out, db, id);
}
int git_odb_read_header(size_t *len_out, git_object_t *type_out, git_odb *db, const git_oid *id) {
  return REAL(git_odb_read_header)(len_out, type_out, db, id);
}
// Plain operations on the 20 bytes of an id, written out rather than forwarded: printing or
// comparing an id must not load libgit2 (the pre-commit path reads objects without it).
int git_oid_cmp(const git_oid *a, const git_oid *b) { return std::memcmp(a->id, b->id, GIT_OID_RAWSZ); }
int git_oid_equal(const git_oid *a, const git_oid *b) { return std::memcmp(a->id, b->id, GIT_OID_RAWSZ) == 0; }
int git_oid_fromraw(git_oid *out, const unsigned char *raw) {
  std::memcpy(out->id, raw, GIT_OID_RAWSZ);
  return 0;
}
int git_oid_fromstr(git_oid *out, const char *str) { return REAL(git_oid_fromstr)(out, str); }
int git_oid_fromstrn(git_oid *out, const char *str, size_t length) {
  return REAL(git_oid_fromstrn)(out, str, length);
}
char * git_oid_tostr(char *out, size_t n, const git_oid *id) {
  // As libgit2's: at most n - 1 hex digits and a NUL; "" without an id.
  if (!out || n == 0) return const_cast<char *>("");
  static const char digits[] = "0123456789abcdef";
  size_t len = id ? std::min<size_t>(n - 1, GIT_OID_HEXSZ) : 0;
  for (size_t i = 0; i < len; ++i) out[i] = digits[(id->id[i / 2] >> (i % 2 ? 0 : 4)) & 15];
  out[len] = '\0';
  return out;
}
int git_reference_dwim(git_reference **out, git_repository *repo, const char *shorthand) {
  return REAL(git_reference_dwim)(out, repo, shorthand);
}
void git_reference_free(git_reference *ref) { REAL(git_reference_free)(ref); }
void git_reference_iterator_free(git_reference_iterator *iter) {
  REAL(git_reference_iterator_free)(iter);
}
int git_reference_iterator_new(git_reference_iterator **out, git_repository *repo) {
  return REAL(git_reference_iterator_new)(out, repo);
}
const char * git_reference_name(const git_reference *ref) { return REAL(git_reference_name)(ref); }
int git_reference_name_to_id(git_oid *out, git_repository *repo, const char *name) {
  return REAL(git_reference_name_to_id)(out, repo, name);
}
int git_reference_next(git_reference **out, git_reference_iterator *iter) {
  return REAL(git_reference_next)(out, iter);
}
int git_reference_peel(git_object **out, const git_reference *ref, git_object_t type) {
  return REAL(git_reference_peel)(out, ref, type);
}
const char * git_reference_symbolic_target(const git_reference *ref) {
  return REAL(git_reference_symbolic_target)(ref);
}
const git_oid * git_reference_target(const git_reference *ref) {
  return REAL(git_reference_target)(ref);
}
git_reference_t git_reference_type(const git_reference *ref) {
  return REAL(git_reference_type)(ref);
}
int git_repository_config_snapshot(git_config **out, git_repository *repo) {
  return REAL(git_repository_config_snapshot)(out, repo);
}
void git_repository_free(git_repository *repo) { REAL(git_repository_free)(repo); }
int git_repository_head_unborn(git_repository *repo) {
  return REAL(git_repository_head_unborn)(repo);
}
int git_repository_index(git_index **out, git_repository *repo) {
  return REAL(git_repository_index)(out, repo);
}
int git_repository_is_bare(const git_repository *repo) {
  return REAL(git_repository_is_bare)(repo);
}
int git_repository_is_shallow(git_repository *repo) {
  return REAL(git_repository_is_shallow)(repo);
}
int git_repository_item_path(git_buf *out, const git_repository *repo, git_repository_item_t item) {
  return REAL(git_repository_item_path)(out, repo, item);
}
int git_repository_odb(git_odb **out, git_repository *repo) {
  return REAL(git_repository_odb)(out, repo);
}
int git_repository_open_ext(git_repository **out, const char *path, unsigned int flags, const char *ceiling_dirs) {
  return REAL(git_repository_open_ext)(out, path, flags, ceiling_dirs);
}
const char * git_repository_path(const git_repository *repo) {
  return REAL(git_repository_path)(repo);
}
const char * git_repository_workdir(const git_repository *repo) {
  return REAL(git_repository_workdir)(repo);
}
int git_revparse_single(git_object **out, git_repository *repo, const char *spec) {
  return REAL(git_revparse_single)(out, repo, spec);
}
const git_tree_entry * git_tree_entry_byindex(const git_tree *tree, size_t idx) {
  return REAL(git_tree_entry_byindex)(tree, idx);
}
const git_tree_entry * git_tree_entry_byname(const git_tree *tree, const char *filename) {
  return REAL(git_tree_entry_byname)(tree, filename);
}
int git_tree_entry_bypath(git_tree_entry **out, const git_tree *root, const char *path) {
  return REAL(git_tree_entry_bypath)(out, root, path);
}
git_filemode_t git_tree_entry_filemode(const git_tree_entry *entry) {
  return REAL(git_tree_entry_filemode)(entry);
}
git_filemode_t git_tree_entry_filemode_raw(const git_tree_entry *entry) {
  return REAL(git_tree_entry_filemode_raw)(entry);
}
void git_tree_entry_free(git_tree_entry *entry) { REAL(git_tree_entry_free)(entry); }
const git_oid * git_tree_entry_id(const git_tree_entry *entry) {
  return REAL(git_tree_entry_id)(entry);
}
const char * git_tree_entry_name(const git_tree_entry *entry) {
  return REAL(git_tree_entry_name)(entry);
}
git_object_t git_tree_entry_type(const git_tree_entry *entry) {
  return REAL(git_tree_entry_type)(entry);
}
size_t git_tree_entrycount(const git_tree *tree) { return REAL(git_tree_entrycount)(tree); }
void git_tree_free(git_tree *tree) { REAL(git_tree_free)(tree); }
const git_oid * git_tree_id(const git_tree *tree) { return REAL(git_tree_id)(tree); }
int git_tree_lookup(git_tree **out, git_repository *repo, const git_oid *id) {
  return REAL(git_tree_lookup)(out, repo, id);
}
// Audits: clone URLs mirrored and fetched, the commit walk, user configuration.
int git_clone(git_repository **out, const char *url, const char *local_path, const git_clone_options *options) {
  return REAL(git_clone)(out, url, local_path, options);
}
int git_config_get_string_buf(git_buf *out, const git_config *cfg, const char *name) {
  return REAL(git_config_get_string_buf)(out, cfg, name);
}
int git_config_open_default(git_config **out) { return REAL(git_config_open_default)(out); }
int git_credential_ssh_key_from_agent(git_credential **out, const char *username) {
  return REAL(git_credential_ssh_key_from_agent)(out, username);
}
int git_credential_userpass_plaintext_new(git_credential **out, const char *username, const char *password) {
  return REAL(git_credential_userpass_plaintext_new)(out, username, password);
}
int git_odb_exists(git_odb *db, const git_oid *id) { return REAL(git_odb_exists)(db, id); }
int git_reference_resolve(git_reference **out, const git_reference *ref) {
  return REAL(git_reference_resolve)(out, ref);
}
int git_remote_create_with_fetchspec(git_remote **out, git_repository *repo, const char *name, const char *url,
                                     const char *fetch) {
  return REAL(git_remote_create_with_fetchspec)(out, repo, name, url, fetch);
}
int git_remote_fetch(git_remote *remote, const git_strarray *refspecs, const git_fetch_options *opts,
                     const char *reflog_message) {
  return REAL(git_remote_fetch)(remote, refspecs, opts, reflog_message);
}
void git_remote_free(git_remote *remote) { REAL(git_remote_free)(remote); }
int git_remote_lookup(git_remote **out, git_repository *repo, const char *name) {
  return REAL(git_remote_lookup)(out, repo, name);
}
int git_revwalk_add_hide_cb(git_revwalk *walk, git_revwalk_hide_cb hide_cb, void *payload) {
  return REAL(git_revwalk_add_hide_cb)(walk, hide_cb, payload);
}
void git_revwalk_free(git_revwalk *walk) { REAL(git_revwalk_free)(walk); }
int git_revwalk_new(git_revwalk **out, git_repository *repo) { return REAL(git_revwalk_new)(out, repo); }
int git_revwalk_next(git_oid *out, git_revwalk *walk) { return REAL(git_revwalk_next)(out, walk); }
int git_revwalk_push_glob(git_revwalk *walk, const char *glob) { return REAL(git_revwalk_push_glob)(walk, glob); }
int git_revwalk_push_head(git_revwalk *walk) { return REAL(git_revwalk_push_head)(walk); }
}  // extern "C"
