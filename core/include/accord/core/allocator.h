#pragma once

namespace accord {

// Tunes glibc's allocator for work that allocates and frees large buffers again and again
// (tensors in training, minute-long sample buffers in a convert): blocks up to 32 MiB (glibc's
// largest mmap threshold) come from the heap instead of fresh mappings, and freed memory stays in
// the process instead of going back to the system, so the next buffer does not touch new pages.
// Page faults were ~3/4 of a training step and 1.3% of a convert (docs/ARCHITECTURE.md "Voice
// model"). Process-wide: called by the commands and runtimes that do such work, once is enough.
// Nothing on other C libraries.
void keepFreedMemoryForReuse();

// Hands the heap pages freed so far back to the system (glibc keeps them otherwise), before a
// command's peak of memory that comes after them. Nothing on other C libraries.
void handFreedMemoryBack();

} // namespace accord
