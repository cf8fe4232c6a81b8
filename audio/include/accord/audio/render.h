#pragma once

#include "accord/core/cancelled.h"
#include "accord/core/project.h"
#include "accord/dsp/stream_processor.h"

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace accord::audio {

enum class RenderFormat { Wav24, WavFloat32, Flac24 };
// From a file name's extension and an optional "float" wish; throws BadInput naming the path.
RenderFormat renderFormatFor(const std::string& path, bool floatingPoint);

// A mix brought to an integrated loudness (EBU R128) by one gain, then kept under a true-peak
// ceiling by a look-ahead limiter (docs/ARCHITECTURE.md "Loudness target on export").
struct LoudnessTarget {
    double integratedLufs = -14.0;   // -70 .. 0
    double truePeakCeilingDb = -1.0; // dBTP, -20 .. 0
};

struct RenderRequest {
    std::string mixPath;  // empty: no mix
    std::string stemsDir; // empty: no stems; else one file per track: "01 Vocals.wav"
    RenderFormat format = RenderFormat::Wav24; // the mix path's extension must agree with it
    int blockSize = 1024; // frames per graph call (1..1024); the result does not depend on it
    // A fresh processor for a track to run through (e.g. one for each track with
    // Track::model, which the caller loads: the audio layer knows no models), or nullptr. It is
    // run inline with the same latency and alignment as Engine::setTrackProcessor, so the
    // render equals playback from the start by an engine whose liveBlockSize() is
    // `liveBlockSize` (the latency depends on it).
    std::function<std::shared_ptr<dsp::StreamProcessor>(const Track&)> processorFor;
    int liveBlockSize = 512;
    // The part of the timeline rendered, [rangeStart, rangeEnd) in frames; rangeEnd 0: up to the
    // project's end. The files hold that range alone, measured and hashed alone.
    std::int64_t rangeStart = 0;
    std::int64_t rangeEnd = 0;
    // The mix is measured first (a render pass writing nothing), then rendered through the gain
    // and the limiter, so the file, its loudness, true peak and hash are of the delivered
    // samples. For a mix alone: stems are their tracks, without the mix's gain.
    std::optional<LoudnessTarget> loudnessTarget;
};

struct RenderedFile {
    std::string path;
    std::string trackId;   // empty for the mix
    double lufs = 0;       // integrated loudness (EBU R128, libebur128); -inf for silence
    double truePeakDb = 0; // dBTP
    std::string pcmSha256; // the same canonical PCM hash as identifyAudioFile
    double durationSeconds = 0;
    double targetGainDb = 0;       // the loudness target's gain (0 without a target)
    double limiterReductionDb = 0; // the limiter's deepest gain reduction (0 or negative)
};

// Offline render through the same graph code as playback; each file is written atomically
// (temp, fsync, rename). `progress` gets 0..1; setting `cancel` stops and writes nothing
// (throws Cancelled).
//
// Files are stereo at the project rate and as long as the range; without a range end (rangeEnd 0)
// a project whose tracks send to the reverb bus also gets its reverb tail past the last clip, in
// steps of 4096 frames, up to the first step in which the mix stays under -90 dBFS or 30 s
// (docs/ARCHITECTURE.md "Reverb tail"). The mix follows mute and solo and holds the reverb return
// and the master fader; a stem is its track after EQ, gain and pan, before mute and solo and
// without its send (the reverb bus is shared), so every track gets one ("01 Vocals.wav": the
// track's position, 2 digits or more, and its name with / \ : * ? " < > | and control characters
// replaced by '_'). 24-bit files hold round(x * 2^23), clamped, without dither. Loudness, true peak
// and pcmSha256 are measured on exactly the samples the file holds. The stems folder must exist;
// any failure (a missing folder, a full disk) throws BadInput naming the file and leaves no file
// behind, not even a temporary one.
std::vector<RenderedFile> renderProject(const Project& project, const RenderRequest& request,
                                        const std::function<void(double)>& progress = {},
                                        const std::atomic<bool>* cancel = nullptr);

// The stem file name of project.tracks[trackIndex], e.g. "01 Vocals.wav".
std::string stemFileName(const Project& project, std::size_t trackIndex, RenderFormat format);

} // namespace accord::audio
