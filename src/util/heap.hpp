#pragma once
// How the process's heap treats freed memory. Training and clustering allocate and free the
// same large buffers (activations, distance blocks) over and over; with glibc's defaults a
// buffer above the mmap threshold is mapped and unmapped each time, and the top of the heap is
// trimmed back to the system, so every step pays page faults on fresh pages (measured: 27 % of
// a conv stack's time, 1.7 s -> 0.8 s per model; bench/README.md).
namespace vaesweep {

// Keeps freed memory in the heap for reuse: buffers up to 32 MiB (glibc's largest mmap
// threshold) come from the heap, and the heap is never trimmed. Peak memory stays reserved
// until the process exits. Call once, early in main.
void keep_freed_memory_for_reuse();

}  // namespace vaesweep
