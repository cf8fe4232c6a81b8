#pragma once

// The identification queries of issue 14's conditions (docs/IDENTIFY.md "Measured"): whole files,
// 10 s and 5 s excerpts, 5 s mixed under other music at 0 and +6 dB, MP3 at 64 kbit/s, resampled,
// speed +-5%, pitch +-1 semitone, stretched +-10%, and unrelated audio for false matches. Shared
// by bench_identify (the local index) and bench_ledger_catalogue (the same queries asked of the
// ledger's catalogue and of a local index beside it), so both measure on queries made one way.

#include "bench_common.h"

#include <dirent.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace accord::bench {

constexpr int kQueryRate = 44100;

inline std::string run(const std::string& command) {
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) {
        std::perror(command.c_str());
        std::exit(1);
    }
    char buffer[65536];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
        out.append(buffer, n);
    pclose(pipe);
    return out;
}

inline std::string shellQuoted(const std::string& s) {
    return "'" + s + "'";
}

// Mono 44.1 kHz floats of `file` through sox with `effects`.
inline std::vector<float> decode(const std::string& file, const std::string& effects = "") {
    const std::string raw =
        run("sox " + shellQuoted(file) + " -t f32 -r 44100 -c 1 - " + effects + " 2>/dev/null");
    std::vector<float> samples(raw.size() / 4);
    std::memcpy(samples.data(), raw.data(), samples.size() * 4);
    return samples;
}

inline void writeWav(const std::vector<float>& samples, const std::string& path,
                     int rate = kQueryRate) {
    FILE* pipe = popen(("sox -t f32 -r " + std::to_string(rate) + " -c 1 - -b 16 " +
                        shellQuoted(path) + " 2>/dev/null")
                           .c_str(),
                       "w");
    std::fwrite(samples.data(), 4, samples.size(), pipe);
    pclose(pipe);
}

inline double rms(const std::vector<float>& s, std::size_t start = 0,
                  std::size_t length = SIZE_MAX) {
    double sum = 0;
    const std::size_t end = std::min(s.size(), start + std::min(length, s.size()));
    for (std::size_t i = start; i < end; ++i)
        sum += double(s[i]) * s[i];
    return end > start ? std::sqrt(sum / double(end - start)) : 0;
}

inline std::vector<std::string> listFiles(const std::string& folder, const std::string& suffix) {
    std::vector<std::string> files;
    if (DIR* dir = opendir(folder.c_str())) {
        while (const dirent* entry = readdir(dir)) {
            const std::string name = entry->d_name;
            if (name.size() > suffix.size() &&
                name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
                files.push_back(folder + "/" + name);
        }
        closedir(dir);
    }
    std::sort(files.begin(), files.end());
    return files;
}

// fillets-cs clips of one voice (`-v-` low, `-m-` high), in level and name order.
inline std::vector<std::string> voiceClips(const std::string& voice) {
    std::vector<std::string> clips;
    const std::string root = materialRoot() + "/fillets-cs";
    DIR* dir = opendir(root.c_str());
    if (!dir)
        return clips;
    std::vector<std::string> levels;
    while (const dirent* entry = readdir(dir))
        if (entry->d_name[0] != '.')
            levels.push_back(entry->d_name);
    closedir(dir);
    std::sort(levels.begin(), levels.end());
    for (const std::string& level : levels)
        for (const std::string& clip : listFiles(root + "/" + level + "/cs", ".ogg"))
            if (clip.find(voice) != std::string::npos)
                clips.push_back(clip);
    return clips;
}

// The hyperrogue tracks, in name order: the first ones are registered by the benches, the last
// kUnregisteredTracks are the other music of mixes and unrelated queries.
constexpr std::size_t kUnregisteredTracks = 5;
inline std::vector<std::string> hyperrogueTracks() {
    return listFiles(materialRoot() + "/hyperrogue", ".ogg");
}

struct Query {
    std::string file;
    int recording = -1; // index into the recordings, -1 for unrelated audio
    double offset = 0;  // seconds into the recording
};

struct QueryCondition {
    std::string name;
    std::function<Query(int)> make; // the n-th query of the condition
};

// Makes the queries from `recordings` (each with a `path`, the file a whole-file query asks with,
// and `samples`, 44.1 kHz mono, that excerpts are cut from), written as files into `scratch`,
// drawn from `random` (the same seed and calls in the same order make the same queries).
template <typename Recording> class QueryMaker {
public:
    QueryMaker(const std::vector<Recording>& recordings, const std::string& scratch,
               std::mt19937& random)
        : recordings_(recordings), scratch_(scratch), random_(random) {
        const auto music = hyperrogueTracks();
        for (std::size_t t = music.size() - std::min(music.size(), kUnregisteredTracks);
             t < music.size(); ++t) {
            const auto track = decode(music[t]);
            otherMusic_.insert(otherMusic_.end(), track.begin(), track.end());
        }
        highVoice_ = voiceClips("-m-");
        for (const auto& f : listFiles(materialRoot() + "/sonic-pi", ".flac"))
            unrelatedSources_.push_back(f);
        for (const auto& f : listFiles(materialRoot() + "/npm/piano-velocity10/audio", ".ogg"))
            unrelatedSources_.push_back(f);
    }

    // Whether the other music, the high voice and the loops and notes were found.
    bool complete() const {
        return !otherMusic_.empty() && !highVoice_.empty() && !unrelatedSources_.empty();
    }

    // `seconds` of a random recording, not silent, through sox's `effects`.
    Query plainExcerpt(double seconds, const std::string& effects, const std::string& name, int n) {
        std::vector<float> samples;
        Query q;
        excerpt(samples, q.recording, q.offset, seconds);
        const std::string wav = scratch_ + "/" + name + "-" + std::to_string(n) + ".wav";
        writeWav(samples, wav);
        if (effects.empty()) {
            q.file = wav;
            return q;
        }
        q.file = scratch_ + "/" + name + "-" + std::to_string(n) + "-fx.wav";
        run("sox " + shellQuoted(wav) + " " + shellQuoted(q.file) + " " + effects + " 2>/dev/null");
        return q;
    }

    // 5 s of a random recording under 5 s of other music `otherGainDb` louder (by RMS).
    Query mixed(double otherGainDb, const std::string& name, int n) {
        std::vector<float> samples;
        Query q;
        excerpt(samples, q.recording, q.offset, 5);
        const auto other = otherExcerpt(samples.size());
        const double gain = rms(samples) / rms(other) * std::pow(10, otherGainDb / 20);
        std::vector<float> mix(samples.size());
        double peak = 0;
        for (std::size_t i = 0; i < mix.size(); ++i) {
            mix[i] = float(samples[i] + gain * other[i]);
            peak = std::max(peak, double(std::abs(mix[i])));
        }
        for (float& x : mix)
            x *= float(0.9 / std::max(peak, 0.9));
        q.file = scratch_ + "/" + name + "-" + std::to_string(n) + ".wav";
        writeWav(mix, q.file);
        return q;
    }

    // Issue 14's conditions, in the order the benches score them.
    std::vector<QueryCondition> conditions() {
        return {
            {"whole file",
             [this](int n) {
                 Query q;
                 q.recording = n % int(recordings_.size());
                 q.file = recordings_[std::size_t(q.recording)].path;
                 return q;
             }},
            {"10 s excerpt", [this](int n) { return plainExcerpt(10, "", "ten", n); }},
            {"5 s excerpt", [this](int n) { return plainExcerpt(5, "", "five", n); }},
            {"5 s mixed, other 0 dB", [this](int n) { return mixed(0, "mix0", n); }},
            {"5 s mixed, other +6 dB", [this](int n) { return mixed(6, "mix6", n); }},
            {"5 s MP3 64 kbit/s",
             [this](int n) {
                 Query q = plainExcerpt(5, "", "mp3", n);
                 const std::string mp3 = q.file + ".mp3";
                 run("lame --quiet -b 64 " + shellQuoted(q.file) + " " + shellQuoted(mp3));
                 q.file = mp3;
                 return q;
             }},
            {"5 s resampled to 22.05 kHz",
             [this](int n) { return plainExcerpt(5, "rate 22050", "rate", n); }},
            {"5 s speed +5%",
             [this](int n) { return plainExcerpt(5.25, "speed 1.05", "speedup", n); }},
            {"5 s speed -5%",
             [this](int n) { return plainExcerpt(4.75, "speed 0.95", "slowdown", n); }},
            {"5 s pitch +1 semitone",
             [this](int n) { return plainExcerpt(5, "pitch 100", "pitchup", n); }},
            {"5 s pitch -1 semitone",
             [this](int n) { return plainExcerpt(5, "pitch -100", "pitchdown", n); }},
            {"5 s stretched +10%",
             [this](int n) { return plainExcerpt(5.5, "tempo 1.1", "faster", n); }},
            {"5 s stretched -10%",
             [this](int n) { return plainExcerpt(4.5, "tempo 0.9", "slower", n); }},
        };
    }

    // The n-th unrelated query, 5 s: in turn the unregistered tracks, the high voice (the
    // recordings hold the low one), and sonic-pi loops and piano notes.
    Query unrelated(int n) {
        Query q;
        std::vector<float> samples;
        if (n % 3 == 0) {
            samples = otherExcerpt(5 * kQueryRate);
        } else if (n % 3 == 1) {
            while (samples.size() < 5 * kQueryRate) {
                const auto clip = decode(highVoice_[highVoiceNext_++ % highVoice_.size()]);
                samples.insert(samples.end(), clip.begin(), clip.end());
            }
            samples.resize(5 * kQueryRate);
        } else {
            samples = decode(unrelatedSources_[std::size_t(n / 3) % unrelatedSources_.size()],
                             "trim 0 5");
        }
        q.file = scratch_ + "/unrelated-" + std::to_string(n) + ".wav";
        writeWav(samples, q.file);
        return q;
    }

private:
    void excerpt(std::vector<float>& out, int& recording, double& offset, double seconds) {
        for (;;) {
            recording = int(random_() % recordings_.size());
            const auto& s = recordings_[std::size_t(recording)].samples;
            const std::size_t length = std::size_t(seconds * kQueryRate);
            if (s.size() <= length)
                continue;
            const std::size_t start = random_() % (s.size() - length);
            if (rms(s, start, length) < 0.01)
                continue; // silence: nothing to find
            out.assign(s.begin() + std::ptrdiff_t(start),
                       s.begin() + std::ptrdiff_t(start + length));
            offset = double(start) / kQueryRate;
            return;
        }
    }

    std::vector<float> otherExcerpt(std::size_t length) {
        for (;;) {
            const std::size_t start = random_() % (otherMusic_.size() - length);
            if (rms(otherMusic_, start, length) > 0.01)
                return std::vector<float>(otherMusic_.begin() + std::ptrdiff_t(start),
                                          otherMusic_.begin() + std::ptrdiff_t(start + length));
        }
    }

    const std::vector<Recording>& recordings_;
    std::string scratch_;
    std::mt19937& random_;
    std::vector<float> otherMusic_; // the unregistered tracks
    std::vector<std::string> highVoice_, unrelatedSources_;
    std::size_t highVoiceNext_ = 0;
};

} // namespace accord::bench
