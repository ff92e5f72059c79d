# VAESWEEP_TORCH_VERSION: "MAJOR.MINOR.PATCH" read from the torch/version.h of TORCH_INCLUDE_DIRS
# (after find_package(Torch)), the macros the torch sources report. The torch-free
# torch_version() is compiled with it, so that a results file's provenance names LibTorch
# without loading it, with the same string as before (src/models/torch_facade.cpp).
find_file(VAESWEEP_TORCH_VERSION_H torch/version.h PATHS ${TORCH_INCLUDE_DIRS} NO_DEFAULT_PATH REQUIRED)
file(STRINGS ${VAESWEEP_TORCH_VERSION_H} torch_version_lines REGEX "^#define TORCH_VERSION_(MAJOR|MINOR|PATCH) ")
set(VAESWEEP_TORCH_VERSION "")
foreach(part MAJOR MINOR PATCH)
  if(NOT torch_version_lines MATCHES "TORCH_VERSION_${part} ([0-9]+)")
    message(FATAL_ERROR "no TORCH_VERSION_${part} in ${VAESWEEP_TORCH_VERSION_H}")
  endif()
  list(APPEND VAESWEEP_TORCH_VERSION ${CMAKE_MATCH_1})
endforeach()
list(JOIN VAESWEEP_TORCH_VERSION "." VAESWEEP_TORCH_VERSION)
