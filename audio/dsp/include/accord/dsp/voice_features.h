#pragma once

// The offline voice feature extractor: the one the voice models use for training and offline
// conversion; the live node computes the same features causally (causal_voice_analyser.h).
//
// Frames (analysis_constants.h): frame t describes the instant t * kHop: every per-frame value
// below is centred there (the STFT window is centred on it, and the pitch track is re-timed onto
// it, see pitch.h). A signal of n samples has ceil(n / kHop) frames.

#include "accord/dsp/analysis_constants.h"
#include "accord/dsp/pitch.h"

#include <cstdint>
#include <vector>

namespace accord::dsp {

struct AnalysisOptions {
    PitchOptions pitch;
    bool keepSpectrum = false; // fill VoiceFeatures::power (the training targets)
};

struct VoiceFeatures {
    std::int64_t frames = 0;
    // Fundamental frequency: aubio yinfast (1024-sample buffer, every kPitchHop samples) on the
    // signal low-passed at 2 kHz (zero phase), its period doubled or tripled where the signal
    // repeats much better there (a dominant second or third harmonic is not the fundamental),
    // refined on the raw difference function, re-timed to the frame centres.
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
    // median, or else unvoiced (octaveRepairFactor).
    std::vector<std::uint8_t> voiced;
    // A-weighted level of the frame in dB (levelDb of the frame's power spectrum).
    std::vector<float> loudnessDb;
    // MFCCs c0..c12 per frame (frames x kMfccCount, row-major) from the same STFT.
    std::vector<float> mfcc;
    // |X_t(k)|^2 of the periodic-Hann STFT (frames x kSpectrumBins, row-major), only with
    // AnalysisOptions::keepSpectrum. Bin k is k * kSampleRate / kSpectrumSize Hz.
    std::vector<float> power;
};

// Analyses a mono signal at analysis::kSampleRate. Thread-safe (no shared state).
VoiceFeatures analyseVoice(const std::vector<float>& samples, const AnalysisOptions& options = {});

// Median of |1200 log2(a / b)| over the frames voiced in both (and with f0 > 0 in both); -1 when
// no frame qualifies. For "pitch kept" checks.
double medianCentsError(const VoiceFeatures& a, const VoiceFeatures& b);

} // namespace accord::dsp
