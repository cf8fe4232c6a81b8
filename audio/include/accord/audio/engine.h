#pragma once

#include "accord/core/project.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace accord::audio {

// Peak levels (linear, 0..1+) since the last read; reading resets them.
struct MeterReading {
    float left = 0;
    float right = 0;
};

// Counters for diagnostics and tests, readable from any thread.
struct EngineStats {
    std::uint64_t callbacks = 0;       // process() calls
    std::uint64_t graphsPublished = 0; // by setProject
    std::uint64_t graphsAdopted = 0;   // picked up by the audio thread
    std::uint64_t graphsFreed = 0;     // freed on the message thread (never the audio thread)
};

struct DeviceSetup {
    std::string type; // "ALSA", "JACK"
    std::string name;
    int sampleRate = 0;
    int bufferSize = 0;
};

// The real-time playback engine (SPEC §6, DESIGN.md "Threads").
//
// Message thread: setProject() compiles an immutable playback graph from a project snapshot
// (media decoded and resampled to the project rate beforehand) and publishes it by pointer swap;
// the graph it replaces is freed later on the message thread, never on the audio thread.
// Gain, pan, mute and solo are atomics read by the audio thread: no rebuild.
// Audio thread: process() never locks, allocates, frees, logs or touches SQLite or Torch.
// Playhead and meters are atomics the UI reads without locks.
//
// Signal flow per track: clips (clip gain, linear fades) -> stereo track bus (a mono clip feeds
// both sides) -> gain and pan (balance law with a cosine curve, 0 dB at the centre) ->
// mute/solo (mute wins) -> track meter -> master bus -> master meter. renderProject runs the
// same graph offline, so a render equals playback sample for sample.
// Transport: seeks and loops are sample-accurate; a loop end inside a block wraps inside the
// block; a loop only catches a playhead that reaches its end from before it.
class Engine {
public:
    Engine();
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // ---- message thread ----
    // Throws accord::BadInput naming a media file that cannot be decoded; offline clips are
    // skipped (silent). Keeps the playhead and transport state. The project's gain, pan, mute
    // and solo become the controls' values. Media not in the cache yet are decoded here
    // (blocking): call prepareProjectMedia (media.h) on a worker first.
    void setProject(const Project& project);
    // Fast paths between setProject calls (no rebuild); an unknown track id is ignored.
    // Changes while playing ramp over 10 ms; while stopped they apply at once.
    void setTrackGain(const std::string& trackId, double gainDb);
    void setTrackPan(const std::string& trackId, double pan);
    void setTrackMute(const std::string& trackId, bool mute);
    void setTrackSolo(const std::string& trackId, bool solo);

    void play();
    void stop();
    void seek(std::int64_t sample);
    // Loops [start, end) while playing; nullopt turns looping off.
    void setLoop(std::optional<std::pair<std::int64_t, std::int64_t>> range);

    std::int64_t playhead() const;
    bool isPlaying() const;
    int sampleRate() const;
    MeterReading trackMeter(const std::string& trackId);
    MeterReading masterMeter();
    // Frees the graphs the audio thread has replaced. Call from a ~60 Hz timer on the message
    // thread (setProject and the meter reads call it too).
    void collectGarbage();
    EngineStats stats() const;

    // The system's device (ALSA or JACK through juce::AudioDeviceManager), opened at the project
    // rate. Returns false with `error` filled when there is none (saying which device types and
    // devices were found) or when it cannot run at the project rate; the engine then still works
    // with the offline clock. Opening a device stops the offline clock.
    bool openDevice(const std::optional<DeviceSetup>& wanted, std::string& error);
    void closeDevice();
    std::optional<DeviceSetup> currentDevice() const;
    std::vector<DeviceSetup> availableDevices() const;
    // With no device: a thread that calls process() at real-time pace, so playback, playhead
    // and meters behave as with a device (does nothing while a device is open).
    void startOfflineClock(int blockSize = 512);
    void stopOfflineClock();

    // ---- audio thread ----
    // Renders `frames` frames into `outputs` (`channels` planar buffers, 1 or 2 or more;
    // channels beyond 2 are silent).
    void process(float* const* outputs, int channels, int frames) noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace accord::audio
