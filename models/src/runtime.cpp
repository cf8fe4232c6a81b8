#include "accord/models/runtime.h"

#include "accord/core/allocator.h"

#include <ATen/Parallel.h>
#include <torch/version.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <dlfcn.h>
#include <mutex>
#include <sched.h>
#include <thread>

namespace accord::models {
namespace {

struct BlasProbe {
    std::string description;
    bool optimised = false;
};

std::string lowerCase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// ATen's float matrix products call the Fortran BLAS symbol `sgemm_` (Debian's LibTorch is built
// with BLAS_INFO=generic and links libblas.so.3, which update-alternatives points at either the
// reference BLAS or OpenBLAS). So the honest answer is: which library provides `sgemm_` to this
// process, resolved through its symbolic links.
BlasProbe probeBlas() {
    BlasProbe probe;
    void* gemm = dlsym(RTLD_DEFAULT, "sgemm_");
    Dl_info where{};
    if (gemm == nullptr || dladdr(gemm, &where) == 0 || where.dli_fname == nullptr) {
        probe.description = "no BLAS found (ATen uses its own loops)";
        return probe;
    }
    std::string file = where.dli_fname;
    if (char* resolved = realpath(where.dli_fname, nullptr)) {
        file = resolved;
        std::free(resolved);
    }
    const std::string lower = lowerCase(file);
    const bool openBlas = lower.find("openblas") != std::string::npos;
    probe.optimised = openBlas || lower.find("mkl") != std::string::npos ||
                      lower.find("blis") != std::string::npos ||
                      lower.find("atlas") != std::string::npos;

    std::string name = probe.optimised ? "optimised BLAS" : "reference BLAS";
    if (openBlas) {
        using ConfigFn = char* (*)();
        if (auto config = reinterpret_cast<ConfigFn>(dlsym(RTLD_DEFAULT, "openblas_get_config")))
            name = config();
        else
            name = "OpenBLAS";
    }
    probe.description = name + " (" + file + ")";
    return probe;
}

// OpenBLAS keeps its own thread pool besides ATen's OpenMP one; set both deliberately.
void setBlasThreads(int threads) {
    using SetThreadsFn = void (*)(int);
    if (auto set = reinterpret_cast<SetThreadsFn>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads")))
        set(threads);
}

// ATen allocates every intermediate tensor with malloc and frees it right after; glibc serves
// blocks above its mmap threshold (128 KiB at first) with fresh mappings and returns freed heap
// tops to the system, so each training step touched megabytes of new pages: page faults took
// ~3/4 of a voice-model training step here (0.20 s -> 0.05 s per step with this).
void keepTensorMemory() {
    static std::once_flag once;
    std::call_once(once, keepFreedMemoryForReuse);
}

} // namespace

int usableCores() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        const int count = CPU_COUNT(&set);
        if (count > 0)
            return count;
    }
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

RuntimeInfo configureRuntime(int threads) {
    keepTensorMemory();
    const int wanted = threads > 0 ? threads : usableCores();
    at::set_num_threads(wanted);
    setBlasThreads(wanted);

    const BlasProbe blas = probeBlas();
    RuntimeInfo info;
    info.torchVersion = TORCH_VERSION;
    info.threads = at::get_num_threads();
    info.optimisedBlas = blas.optimised;
    info.blas = blas.description;
    return info;
}

std::string describeRuntime(const RuntimeInfo& info) {
    return "LibTorch " + info.torchVersion + ", " + std::to_string(info.threads) +
           (info.threads == 1 ? " thread, " : " threads, ") + info.blas +
           (info.optimisedBlas ? "" : " - slow: install libopenblas0-pthread");
}

} // namespace accord::models
