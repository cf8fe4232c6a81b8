// What the live worker calls in the dsp library allocates nothing (docs/ARCHITECTURE.md,
// "Threads": a live lane's process never allocates): RealFft's forward and inverse at the sizes
// Accord uses, and CausalVoiceAnalyser::push. This executable interposes the C allocator (FFTW is
// C: operator new would not see it) and counts calls while a thread_local flag is set.

#include "accord/dsp/causal_voice_analyser.h"
#include "accord/dsp/fft.h"

#include <QtTest>

#include <cmath>
#include <cstddef>

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
}

namespace {

thread_local bool counting = false;
thread_local int allocations = 0;

void count() {
    if (counting)
        ++allocations;
}

// Calls of the C allocator made by `work` on this thread.
template <typename Work> int allocationsIn(Work work) {
    allocations = 0;
    counting = true;
    work();
    counting = false;
    return allocations;
}

} // namespace

extern "C" {
void* malloc(std::size_t size) {
    count();
    return __libc_malloc(size);
}
void* calloc(std::size_t count_, std::size_t size) {
    count();
    return __libc_calloc(count_, size);
}
void* realloc(void* pointer, std::size_t size) {
    count();
    return __libc_realloc(pointer, size);
}
void* memalign(std::size_t alignment, std::size_t size) {
    count();
    return __libc_memalign(alignment, size);
}
void* aligned_alloc(std::size_t alignment, std::size_t size) {
    count();
    return __libc_memalign(alignment, size);
}
int posix_memalign(void** pointer, std::size_t alignment, std::size_t size) {
    count();
    *pointer = __libc_memalign(alignment, size);
    return *pointer != nullptr ? 0 : 12; // ENOMEM
}
}

class TestNoAllocation : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // The counter sees this executable's allocations and FFTW's (planning allocates).
    void theCounterSeesAllocations() {
        void* pointer = nullptr;
        QCOMPARE(allocationsIn([&] { pointer = std::malloc(16); }), 1);
        std::free(pointer);
        QVERIFY(allocationsIn([] { accord::dsp::RealFft fft(512); }) > 0);
    }

    void fftExecutionAllocatesNothing() {
        for (const int size : {256, 512, 2048}) {
            accord::dsp::RealFft fft(size);
            for (int n = 0; n < size; ++n)
                fft.samples()[n] = static_cast<float>(std::sin(0.3 * n));
            const int calls = allocationsIn([&] {
                for (int round = 0; round < 10; ++round) {
                    fft.forward();
                    fft.inverse();
                }
            });
            QVERIFY2(calls == 0, qPrintable(QString("size %1: %2").arg(size).arg(calls)));
        }
    }

    void causalAnalysisAllocatesNothing() {
        accord::dsp::CausalVoiceAnalyser analyser;
        int frames = 0;
        const int calls = allocationsIn([&] {
            for (int n = 0; n < 16000; ++n) // 1 s of a 150 Hz tone: voiced frames, every stage
                frames += analyser.push(
                    static_cast<float>(0.3 * std::sin(2 * 3.14159265 * 150 * n / 16000)));
        });
        QCOMPARE(frames, 125);
        QVERIFY(analyser.frame().voiced);
        QCOMPARE(calls, 0);
    }
};

QTEST_GUILESS_MAIN(TestNoAllocation)
#include "test_no_allocation.moc"
