#pragma once

// The densest mixing case the real-time benchmarks share: `tracks` tracks of real recordings,
// each covered from start to end by overlapping clips with fades, gains and pans.

#include "bench_common.h"

#include "accord/core/project.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

namespace accord::bench {

// Up to 16 recordings from the fetched material (fewer than 4: the benchmark cannot run).
inline std::vector<std::string> denseMaterial() {
    namespace fs = std::filesystem;
    const fs::path material = materialRoot();
    std::vector<std::string> files;
    for (const char* folder : {"npm/piano-velocity10/audio", "alsa"})
        if (fs::is_directory(material / folder))
            for (const auto& entry : fs::directory_iterator(material / folder))
                files.push_back(entry.path().string());
    if (fs::exists(material / "npm/audio-lena/lena.flac"))
        files.push_back((material / "npm/audio-lena/lena.flac").string());
    std::sort(files.begin(), files.end());
    files.resize(std::min<std::size_t>(files.size(), 16));
    return files;
}

// `variant` moves the clips' offsets, so each variant is a different graph.
inline accord::Project denseProject(const std::vector<std::string>& files, int tracks, int rate,
                                    double seconds, int variant) {
    const std::int64_t length = std::int64_t(seconds * rate);
    accord::Project project;
    project.sampleRate = rate;
    for (int t = 0; t < tracks; ++t) {
        accord::Track track;
        track.id = "t" + std::to_string(t + 1);
        track.name = "Track " + std::to_string(t + 1);
        track.gainDb = -18.0;
        track.pan = std::sin(t * 0.7);
        for (std::int64_t position = -(t * 997) % 48000, c = 0; position < length; ++c) {
            accord::Clip clip;
            clip.id = "c" + std::to_string(t) + "-" + std::to_string(c);
            clip.file = files[std::size_t(t + c) % files.size()];
            clip.position = std::max<std::int64_t>(0, position);
            clip.offset = 1000 * ((t + variant) % 7);
            clip.length = 3 * rate;
            clip.fadeIn = 2400;
            clip.fadeOut = 24000;
            clip.gainDb = -1.0 * double(c % 4);
            track.clips.push_back(clip);
            position += 2 * rate + 4800 * (t % 3); // overlaps the next clip
        }
        project.tracks.push_back(track);
    }
    return project;
}

} // namespace accord::bench
