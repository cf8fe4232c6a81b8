#pragma once

// The LibTorch runtime as plain values: no Torch header here, so any layer may include it.

#include <string>

namespace accord::models {

struct RuntimeInfo {
    std::string torchVersion; // the LibTorch the studio was built against, e.g. "1.13.0"
    int threads = 1;          // intra-op threads ATen (and the BLAS) now use
    bool optimisedBlas = false;
    // The BLAS that serves ATen's matrix products in this process: its own description when it
    // has one (OpenBLAS does), else "reference BLAS", followed by the library file in brackets.
    std::string blas;
};

// Sets the number of threads ATen and the BLAS use (0: the cores this process may run on) and
// reports what is in effect. Call it once at start-up, before any model runs.
// The first call also tunes glibc's allocator for tensors (mallopt: blocks up to 32 MiB from the
// heap, freed memory kept): without it page faults cost ~3/4 of a training step here.
// Code calling at::parallel_for must be compiled with OpenMP (models/CMakeLists.txt does it),
// or its loops run on one thread.
RuntimeInfo configureRuntime(int threads = 0);

// "LibTorch 1.13.0, 2 threads, OpenBLAS 0.3.21 ... (optimised)" for logs and About boxes.
std::string describeRuntime(const RuntimeInfo& info);

// The cores this process may run on (its CPU affinity), at least 1.
int usableCores();

} // namespace accord::models
