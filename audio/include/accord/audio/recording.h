#pragma once

// Recording from the device's inputs (docs/STUDIO.md "Recording", docs/ARCHITECTURE.md
// "Recording path"): what a track is armed with and what a recording leaves on disk.

#include <cstdint>
#include <string>
#include <vector>

namespace accord::audio {

// A track listening to the device's input.
struct RecordArm {
    std::string trackId;
    std::string takeName; // take files are "<takeName> take N.wav"
    int firstInput = 0;   // the device input channel (0-based) of the mono or left side
    int channels = 1;     // 1 (mono) or 2 (firstInput and the next)
    bool record = true;   // captured while recording
    bool monitor = false; // heard through the track's fader, pan and mute, recording or not
};

// One take: a contiguous stretch of one armed track's input, lined up with what was heard.
struct RecordedTake {
    std::string trackId;
    std::string file;          // 32-bit float WAV at the project rate, in the recording folder
    std::int64_t position = 0; // timeline sample its first frame belongs at (compensated)
    std::int64_t frames = 0;
    int channels = 1;
    int pass = 0; // 0 for the first take of the track in this recording, then 1, 2, ...
};

struct RecordingResult {
    std::vector<RecordedTake> takes; // finished files, per track in the order they were played
    std::uint64_t droppedFrames = 0; // input lost because the disk fell behind (ring full)
    std::vector<std::string> errors; // what went wrong (a full disk, naming the file)
};

} // namespace accord::audio
