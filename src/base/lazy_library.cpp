#include "base/lazy_library.h"

#include <dlfcn.h>

namespace keyhound {

void* lazy_symbol(LazyLibrary& lib, const char* name) {
  std::call_once(lib.once, [&] {
    lib.handle = dlopen(lib.soname, RTLD_NOW | RTLD_LOCAL);
    if (!lib.handle) {
      const char* e = dlerror();
      lib.error = std::string("cannot load ") + lib.soname + " (install " + lib.package + "): " +
                  (e ? e : "unknown error");
    }
  });
  if (!lib.handle) throw LazyLoadError(lib.error);
  void* f = dlsym(lib.handle, name);
  if (!f) throw LazyLoadError(std::string(lib.soname) + " has no function " + name);
  return f;
}

}  // namespace keyhound
