// Checks for values that are credentials by their place, not by their randomness: passwords in
// credential files, connection URLs and framework settings. "admin123" is a real password and
// fails every entropy test; what tells a non-credential here is its form: a reference to
// somewhere else, an empty or masked value, a placeholder or a well-known dummy.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace keyhound {

// Named value checks a rule asks for with `check = "..."`:
//   password        a plaintext password: not a reference, empty, masked, placeholder or dummy
//   stored-password a password in a tool's own credential file: not a reference, empty, masked
//                   or a template marker; weak and default words count (the tool sends them)
//   code-password   `password` for a literal assigned in code, also not a key or field name
//                   holding a password word, prose, an OID, an e-mail, or shorter than 6
//   password-hash   a crypt(3)/htpasswd hash ($1$, $5$, $6$, $y$, $apr1$, $2a/b/y$, {SHA}, {SSHA})
//   base64-userpass base64 of "user:password" whose password passes `password` (docker auths)
bool passes_value_check(const std::string& name, std::string_view value);
// The names above, for the rule loader's error message.
const std::vector<std::string>& value_check_names();

// A value that names where the password is rather than holding it: ${X}, $X, %X%, {{ x }},
// <x>, #{x}, @x@, os.environ[...], process.env.X, ENV["X"], getenv(...), vault:..., file paths.
bool is_reference(std::string_view value);
// A well-known dummy or a masked value: password, changeme, secret, ***, xxxx, <none>, null...
// (the list is in docs/credentials.md).
bool is_dummy_password(std::string_view value);

}  // namespace keyhound
