#pragma once

// Audio files as plain sample vectors (JUCE's readers and writers behind a plain C++ API), for
// the voice models, the watermark and the tests. Signal processing on them is in the dsp library
// (accord/dsp/).

#include <string>
#include <vector>

namespace accord::audio {

struct MonoAudio {
    int sampleRate = 0;
    int channels = 0;           // of the file; `samples` is their average
    std::vector<float> samples; // mono, nominally in [-1, 1]
};

struct MultichannelAudio {
    int sampleRate = 0;
    std::vector<std::vector<float>> channels; // planar, equal lengths
};

// Decodes WAV, AIFF, FLAC, Ogg Vorbis or MP3 (told apart by content), every channel as it is,
// all of it in memory (4 bytes per sample: for long files decode in blocks, as audio_file.h
// does). Throws accord::BadInput naming the file as identifyAudioFile does (missing, not a
// regular file, not audio, empty, truncated, a sample rate under 8 kHz).
MultichannelAudio readAudio(const std::string& path);

// Writes planar audio as 24-bit PCM, as writeMonoAudio does (same formats, clipping, atomicity,
// returned hash).
std::string writeAudio(const std::string& path, const std::vector<std::vector<float>>& channels,
                       int sampleRate);

// Decodes as readAudio does and mixes it down to mono (mixToMono).
MonoAudio readMonoAudio(const std::string& path);
// The average of the channels.
MonoAudio mixToMono(MultichannelAudio audio);

// Writes mono audio as 24-bit PCM: WAV for a `.wav` name, FLAC for `.flac` (case-insensitive);
// samples are clipped to [-1, 1] and rounded to 24 bits as a render's files are. Written
// atomically (temporary file, fsync, rename): a crash leaves the old file or the new one. Returns
// the canonical PCM SHA-256 of what the file holds: identifyAudioFile's pcmSha256 when it is
// read back (audio_file.h), without reading it back. Throws accord::BadInput naming the file for
// another extension, an invalid rate or a failed write.
std::string writeMonoAudio(const std::string& path, const std::vector<float>& samples,
                           int sampleRate);

} // namespace accord::audio
