#pragma once

// Voice analysis: the one feature extractor the voice models use for training, offline
// conversion and (later) the live node, so the features a model learned from are exactly the
// features it is driven with. Plain C++ (no JUCE, aubio or soxr types here).
//
// Frames: the signal is analysed at kSampleRate (16 kHz; resample() brings any file there) in
// frames of kHop samples (8 ms, 125 frames/s). Frame t describes the instant t * kHop: every
// per-frame value below is centred there (the STFT window is centred on it, and the aubio pitch
// track is re-timed onto it, see analyseVoice). A signal of n samples has ceil(n / kHop) frames.

#include <cstdint>
#include <string>
#include <vector>

namespace accord::audio {

// ---- Audio files as plain sample vectors ------------------------------------------------------

struct MonoAudio {
    int sampleRate = 0;
    int channels = 0;           // of the file; `samples` is their average
    std::vector<float> samples; // mono, nominally in [-1, 1]
};

struct MultichannelAudio {
    int sampleRate = 0;
    std::vector<std::vector<float>> channels; // planar, equal lengths
};

// Decodes WAV, AIFF, FLAC, Ogg Vorbis or MP3 (JUCE), every channel as it is.
// Throws accord::BadInput naming the file (missing, not audio, empty, truncated).
MultichannelAudio readAudio(const std::string& path);

// Writes planar audio as 24-bit PCM, as writeMonoAudio does (same formats, clipping, atomicity).
void writeAudio(const std::string& path, const std::vector<std::vector<float>>& channels,
                int sampleRate);

// Decodes WAV, AIFF, FLAC, Ogg Vorbis or MP3 (JUCE) and mixes it down to mono.
// Throws accord::BadInput naming the file and the problem (missing, not audio, truncated...).
MonoAudio readMonoAudio(const std::string& path);

// Writes mono audio as 24-bit PCM: WAV for a `.wav` name, FLAC for `.flac` (case-insensitive);
// samples are clipped to [-1, 1]. Written atomically (temporary file, fsync, rename): a crash
// leaves the old file or the new one. Throws accord::BadInput naming the file for another
// extension, an invalid rate or a failed write.
void writeMonoAudio(const std::string& path, const std::vector<float>& samples, int sampleRate);

// Resamples with libsoxr (high quality, linear phase, its delay removed): the result has
// round(n * toRate / fromRate) samples and stays time-aligned with the input.
std::vector<float> resample(const std::vector<float>& samples, double fromRate, double toRate);

// ---- Frame features ----------------------------------------------------------------------------

namespace analysis {
constexpr int kSampleRate = 16000;
constexpr int kHop = 128;          // 8 ms: 125 frames per second
constexpr int kSpectrumSize = 512; // STFT window and FFT size (periodic Hann, 32 ms)
constexpr int kSpectrumBins = kSpectrumSize / 2 + 1;
constexpr int kPitchWindow = 1024;  // aubio "yinfast" buffer (64 ms; f0 down to ~32 Hz)
constexpr int kPitchHop = 256;      // yin runs every 2 frames; its track is interpolated
constexpr int kMelBands = 40;       // triangular HTK-mel bands from 0 Hz to 8 kHz
constexpr int kMfccCount = 13;      // c0..c12 of the orthonormal DCT-II of log mel energies
constexpr double kSilenceDb = -120; // floor of loudnessDb
} // namespace analysis

struct AnalysisOptions {
    double minF0 = 50;   // a frame is voiced only with f0 in [minF0, maxF0]
    double maxF0 = 1100; // and a periodicity of at least voicingThreshold
    double voicingThreshold = 0.6;
    double pitchTolerance = 0.25; // yin: the first period whose difference dips under it wins
    bool keepSpectrum = false;    // fill VoiceFeatures::power (the training targets)
};

struct VoiceFeatures {
    std::int64_t frames = 0;
    // Fundamental frequency: aubio yinfast (1024-sample buffer, every kPitchHop samples) on the
    // signal low-passed at 2 kHz (zero phase), its period refined on the raw difference
    // function, re-timed to the frame centres.
    // On unvoiced frames it is interpolated (in log frequency) between the voiced neighbours and
    // held beyond the first and last voiced frame, so an oscillator driven by it never jumps;
    // 0 everywhere when nothing is voiced.
    std::vector<float> f0Hz;
    // Voicing confidence in [0, 1]: aubio's yin confidence (1 - the cumulative mean normalised
    // difference at the chosen period), re-timed like f0.
    std::vector<float> periodicity;
    // 1 where periodicity >= voicingThreshold and f0 is in range; isolated single-frame voiced
    // or unvoiced blips are flipped to their neighbours' state. Octave errors (a voiced frame
    // more than 0.35 octave from the median f0 of the voiced frames within 6 frames) are
    // repaired by the integer ratio (x2..x5, /2, /3) that lands within 0.2 octave of that
    // median, or else unvoiced.
    std::vector<std::uint8_t> voiced;
    // A-weighted level of the frame in dB: 10 log10(sum_k loudnessWeights()[k] * |X_t(k)|^2),
    // i.e. the A-weighted mean square of the windowed frame (a full-scale 1 kHz sine is -3 dB),
    // floored at kSilenceDb.
    std::vector<float> loudnessDb;
    // MFCCs c0..c12 per frame (frames x kMfccCount, row-major) from the same STFT.
    std::vector<float> mfcc;
    // |X_t(k)|^2 of the periodic-Hann STFT (frames x kSpectrumBins, row-major), only with
    // AnalysisOptions::keepSpectrum. Bin k is k * kSampleRate / kSpectrumSize Hz.
    std::vector<float> power;
};

// Analyses a mono signal at analysis::kSampleRate. Thread-safe (no shared state).
VoiceFeatures analyseVoice(const std::vector<float>& samples, const AnalysisOptions& options = {});

// |A(f)|^2 of the IEC 61672 A-weighting curve as a power gain (1 at 1 kHz).
double aWeightingPower(double hz);

// Per-bin weights that turn an STFT power spectrum (kSpectrumBins values) into the frame's
// A-weighted mean square: 2 / (N * sum w^2) * A(f_k)^2, halved at DC and Nyquist.
const std::vector<float>& loudnessWeights();

// The periodic Hann window of kSpectrumSize samples the STFT uses.
const std::vector<float>& spectrumWindow();

// Frame level in dB as loudnessDb computes it, from one power spectrum of kSpectrumBins values.
float levelDb(const float* power);

// Median of |1200 log2(a / b)| over the frames voiced in both (and with f0 > 0 in both); -1 when
// no frame qualifies. For "pitch kept" checks.
double medianCentsError(const VoiceFeatures& a, const VoiceFeatures& b);

} // namespace accord::audio
