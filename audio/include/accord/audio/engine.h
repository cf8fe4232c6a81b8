#pragma once

#include "accord/audio/recording.h"
#include "accord/core/project.h"
#include "accord/dsp/stream_processor.h"

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
    std::uint64_t callbacks = 0;          // process() calls
    std::uint64_t graphsPublished = 0;    // by setProject
    std::uint64_t graphsAdopted = 0;      // picked up by the audio thread
    std::uint64_t graphsFreed = 0;        // freed on the message thread (never the audio thread)
    std::uint64_t liveUnderruns = 0;      // blocks in which a live track's workers were late
    std::uint64_t liveUnderrunFrames = 0; // output frames that were missing (played silent)
    std::uint64_t liveChainsFreed = 0;    // replaced processors freed on the message thread
};

struct DeviceSetup {
    std::string type; // "ALSA", "JACK"
    std::string name;
    int sampleRate = 0;
    int bufferSize = 0;
    // Recording: the input device (empty: none) and how many of its channels to open, from the
    // first. An open device reports its latencies (0 when unknown).
    std::string inputName;
    int inputChannels = 0;
    int inputLatency = 0;
    int outputLatency = 0;
};

// The real-time playback engine (docs/ARCHITECTURE.md, "Audio engine" and "Threads").
//
// Message thread: setProject() compiles an immutable playback graph from a project snapshot
// (media decoded and resampled to the project rate beforehand) and publishes it by pointer swap;
// the graph it replaces is freed later on the message thread, never on the audio thread.
// Gain, pan, mute and solo are atomics read by the audio thread: no rebuild.
// Audio thread: process() never locks, allocates, frees, logs or touches SQLite or Torch.
// Playhead and meters are atomics the UI reads without locks.
//
// The metronome and the count-in are added after the master meter (audio/src/metronome.h).
//
// Signal flow per track: clips (clip gain, linear fades) -> stereo track bus (a mono clip feeds
// both sides) -> EQ (up to 4 biquad bands) -> gain and pan (balance law with a cosine curve,
// 0 dB at the centre) -> mute/solo (mute wins) -> track meter -> master bus; after mute/solo a
// post-fader send feeds the one reverb bus, whose return joins the master bus -> master fader
// -> master limiter (when on) -> master meter. EQ and reverb add no latency; the limiter delays
// the mix by its look-ahead (masterLatencyFrames()), and playhead() follows what is heard.
// renderProject runs the same graph offline, so a render equals playback sample for sample.
// Transport: seeks and loops are sample-accurate; a loop end inside a block wraps inside the
// block; a loop only catches a playhead that reaches its end from before it.
//
// Live tracks (setTrackProcessor): the track's clip mix runs through a StreamProcessor on the
// engine's inference worker thread; the audio thread exchanges samples with it through
// fixed-size lock-free rings per track and wakes it with a semaphore post (no lock). With two
// cores a clone of the processor (StreamProcessor::clone) runs on a second worker thread on the
// other core, and each frame plays from whichever of the two has it. The output
// replaces the clips on the track bus, before the fader, so gain, pan, mute, solo and meters
// work as usual. Latency compensation: the processor is fed trackLatencyFrames() ahead of the
// playhead (following the loop), so its output lines up with the other tracks sample for
// sample; the latency is the processor's own plus a reserve of output held in hand, which gives
// the worker time to catch up: the larger of liveBlockSize() and 8 ms. When every worker is
// late anyway the missing frames play as silence (stats().liveUnderruns), the stream stays
// aligned.
// After a seek, a start or a loop change the track is silent for its latency (what the
// processor was fed no longer applies) and then fades in over 5 ms; a loop that wraps as
// expected plays through seamlessly. Switching processors crossfades over 5 ms once the new
// one's first output is ready (the old one keeps playing until then); the old processor is
// freed on the message thread (collectGarbage), never on the audio thread.
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
    // Effects, also without a rebuild: EQ bands are handed over lock-free (the audio thread
    // designs their coefficients); changes while playing move over 10 ms (the reverb's through
    // juce::Reverb's 10 ms smoothing). The engine's graphs always hold the reverb bus, so even a
    // first send needs no rebuild. nullopt removes the EQ or the send.
    void setTrackEq(const std::string& trackId, const std::optional<TrackEq>& eq);
    void setTrackReverbSend(const std::string& trackId, std::optional<double> sendDb);
    void setMasterGain(double gainDb);
    // The true-peak limiter after the master fader (docs/ARCHITECTURE.md "Master limiter"), also
    // without a rebuild: the ceiling applies at once, switching it on or off moves the output by
    // its look-ahead (like a seek, while playing).
    void setMasterLimiter(const MasterLimiter& settings);
    // Frames the mix lags the playhead's timeline: the limiter's look-ahead when on, else 0.
    int masterLatencyFrames() const;
    void setReverb(const ReverbSettings& settings);
    // Runs the track through `processor` (nullptr: plays the clips directly again). Prepares it
    // at the project rate here; from then on it belongs to the engine's worker (do not set it
    // on another engine or call it). Set it after setProject: a change of the project's rate
    // removes processors (they were prepared for the old one). Throws BadInput for a track id
    // that is not in the project.
    void setTrackProcessor(const std::string& trackId,
                           std::shared_ptr<dsp::StreamProcessor> processor);
    // The latency the track's newest processor adds (its own + the reserve: the larger of
    // liveBlockSize() and 8 ms when it was set), compensated by reading ahead; 0 without one.
    int trackLatencyFrames(const std::string& trackId) const;
    // The largest block process() is called with while live tracks play: their worker needs at
    // least that long to catch up, so it is part of their latency. Applies to processors set
    // afterwards. Default 512; openDevice and startOfflineClock set their block size.
    void setLiveBlockSize(int frames);
    int liveBlockSize() const;

    // Starts the transport. With `countInBars` (1 or 2) the metronome first counts that many bars
    // while the playhead waits: the count-in's clicks sit on the project's grid before the
    // playhead, so they lead straight into the music's beat (isCountingIn() meanwhile). While
    // already playing it does nothing (no count-in: the playhead never pauses).
    void play(int countInBars = 0);
    void stop();
    // The metronome: while playing, a click on every beat of the project's time signature
    // (higher on the first beat of a bar) at `levelDb` (-60..0 dBFS peak), added to the device
    // output after the master meter: heard, never metered, never in a render or an export.
    void setMetronome(bool on, double levelDb);
    static constexpr int kMaxCountInBars = 2;
    bool isCountingIn() const;
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

    // Devices with inputs (for Preferences' input choice), each with its input channel count.
    std::vector<DeviceSetup> availableInputDevices() const;

    // ---- recording (docs/STUDIO.md "Recording", docs/ARCHITECTURE.md "Recording path") ----
    // The tracks that listen to the input, replacing the previous ones (empty: none). Monitoring
    // applies at once, recording or not. Throws BadInput for a track not in the project, channels
    // other than 1 or 2, a negative input, or while recording.
    void setRecordArms(const std::vector<RecordArm>& arms);
    // Switches an armed track's monitoring on or off, recording or not, ramping over 10 ms on
    // the audio thread (no rebuild). Throws BadInput for a track not armed.
    void setTrackMonitor(const std::string& trackId, bool monitor);
    // Captures the armed tracks' input while the transport plays (play() starts it) until
    // stopRecording; a worker writes the takes to `folder`. With `punch`, only what is heard
    // inside the loop is kept, each pass its own take. Throws BadInput when no track is armed to
    // record, when already recording, for a punch without a loop, or for a folder that cannot be
    // made.
    void startRecording(const std::string& folder, bool punch);
    // The same, punching in and out at `punch` [start, end) whatever the loop (the window's time
    // selection; none: keeps everything): only what is heard there is kept, each pass through it
    // its own take. Throws BadInput as above, and for an empty or negative range.
    void startRecording(const std::string& folder,
                        std::optional<std::pair<std::int64_t, std::int64_t>> punch);
    // Stops capturing and finishes the takes (waits for the worker to write what is left).
    RecordingResult stopRecording();
    bool isRecording() const;
    // The round trip compensated in a take: the device's reported input + output latency (or the
    // offline loopback's) plus the manual offset, never below 0.
    int recordingLatencyFrames() const;
    // Added to the reported latency, for hardware that misreports it (frames, may be negative).
    void setRecordingOffset(int frames);
    // A test input for the offline clock: the output fed back as input `latencyFrames` later (at
    // least one block), like a loopback cable. Applies from the next startOfflineClock.
    void setOfflineLoopback(std::optional<int> latencyFrames);

    // ---- audio thread ----
    // Renders `frames` frames into `outputs` (`channels` planar buffers, 1 or 2 or more;
    // channels beyond 2 are silent).
    void process(float* const* outputs, int channels, int frames) noexcept;
    // The same with the device's input (`inputChannels` planar buffers): armed tracks monitor
    // and record it.
    void process(const float* const* inputs, int inputChannels, float* const* outputs, int channels,
                 int frames) noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace accord::audio
