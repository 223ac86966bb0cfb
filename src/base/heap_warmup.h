// The start-up heap mapped in one call instead of one page fault at a time (short runs).
#pragma once

namespace keyhound {

// A pre-commit hook or a one-file scan touches about a megabyte of fresh heap while it builds
// its rules and loads the keyword databases: ~200 page faults, each ~15-35 us on a VM, more than
// the instructions of the run. This grows the main heap by 1 MiB at once and asks the kernel to
// map it in one call (MADV_POPULATE_WRITE, Linux >= 5.14; on older kernels the pages fault in
// as before). A no-op under the sanitizers, whose allocator is their own.
void warm_heap();

}  // namespace keyhound
