#include "util/heap.hpp"

#include <malloc.h>

namespace vaesweep {

void keep_freed_memory_for_reuse() {
  // glibc caps M_MMAP_THRESHOLD at 4 * 1024 * 1024 * sizeof(long) (malloc.c,
  // DEFAULT_MMAP_THRESHOLD_MAX); M_TRIM_THRESHOLD at INT_MAX trims only past 2 GiB of free top.
  mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024 * static_cast<int>(sizeof(long)));
  mallopt(M_TRIM_THRESHOLD, 0x7fffffff);
}

}  // namespace vaesweep
