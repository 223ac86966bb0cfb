// A shared library opened on the first call into it rather than at start-up: each one mapped
// and relocated at start costs every run, `--version` included, whether or not it is used.
#pragma once
#include <mutex>
#include <stdexcept>
#include <string>

namespace keyhound {

// One library: its soname and the Debian package that provides it (named in the error).
struct LazyLibrary {
  LazyLibrary(const char* so, const char* pkg) : soname(so), package(pkg) {}
  const char* soname;
  const char* package;
  void* handle = nullptr;
  std::string error;  // why it could not be opened ("" when it was, or before the first try)
  std::once_flag once;
};

// The library, or the function, could not be found: one line naming both and what to install.
struct LazyLoadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The address of function `name` in `lib`, opening the library on the first call (thread-safe).
// Throws LazyLoadError when the library cannot be opened or lacks the function.
void* lazy_symbol(LazyLibrary& lib, const char* name);

// The real function behind the wrapper `Self` (a function declared by the library's header and
// defined by keyhound as a forwarder), looked up once. A wrapper file defines every function
// keyhound calls this way, so the static linker never needs the library (--as-needed drops it).
template <auto Self>
decltype(Self) lazy_function(LazyLibrary& lib, const char* name) {
  static const auto f = reinterpret_cast<decltype(Self)>(lazy_symbol(lib, name));
  return f;
}

}  // namespace keyhound
