#pragma once
// Version and git commit of this build. Defined in a file CMake generates, so a new commit
// recompiles one file, not the library.
namespace vaesweep {
const char* version();
const char* git_commit();  // empty when built outside a git checkout
}  // namespace vaesweep
