#include "accord/core/thread_checks.h"

#ifdef ACCORD_THREAD_CHECKS

#include <cstdio>
#include <cstdlib>

namespace accord::threads {

namespace {

thread_local bool t_inAudioCallback = false;

[[noreturn]] void violated(const char* function, const char* rule) noexcept {
    std::fprintf(stderr, "accord: %s %s (docs/ARCHITECTURE.md \"Threads\")\n", function, rule);
    std::fflush(stderr);
    std::abort();
}

} // namespace

AudioCallbackScope::AudioCallbackScope() noexcept : outer_(t_inAudioCallback) {
    t_inAudioCallback = true;
}

AudioCallbackScope::~AudioCallbackScope() {
    t_inAudioCallback = outer_;
}

bool inAudioCallback() noexcept {
    return t_inAudioCallback;
}

void assertNotInAudioCallback(const char* function) noexcept {
    if (t_inAudioCallback)
        violated(function, "must never run on the audio thread");
}

ThreadOwner::ThreadOwner() noexcept : owner_(std::this_thread::get_id()) {}

void ThreadOwner::assertOwner(const char* function) const noexcept {
    if (std::this_thread::get_id() != owner_)
        violated(function, "runs only on the thread that owns its object (its message thread)");
}

} // namespace accord::threads

#endif
