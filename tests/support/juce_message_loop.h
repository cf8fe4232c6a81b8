#pragma once

// JUCE's message loop run from a test, as a host's main loop runs it (JUCE's own loops need modal
// loops, which accord_juce leaves off). Link a JUCE with juce_events.

#include <chrono>
#include <thread>

namespace juce {
// juce_events: dispatches one message of the loop; false when none was waiting.
bool dispatchNextMessageOnSystemQueue(bool returnIfNoPendingMessages);
} // namespace juce

namespace accord::test {

// Dispatches JUCE's messages until `done()` holds or `timeoutMs` passed; returns `done()`.
template <typename Done> bool dispatchJuceUntil(Done&& done, int timeoutMs) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (!done() && std::chrono::steady_clock::now() < end) {
        while (juce::dispatchNextMessageOnSystemQueue(true)) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return done();
}

} // namespace accord::test
