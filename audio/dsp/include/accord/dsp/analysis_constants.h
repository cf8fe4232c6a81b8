#pragma once

// The analysis grid every voice feature in Accord is computed on, offline (voice_features.h) and
// live (causal_voice_analyser.h): the features a voice model learned from are the features it is
// driven with.
//
// The signal is analysed at kSampleRate (16 kHz; resample() brings any signal there) in frames
// of kHop samples (8 ms, 125 frames/s).

namespace accord::dsp::analysis {

constexpr int kSampleRate = 16000;
constexpr int kHop = 128;          // 8 ms: 125 frames per second
constexpr int kSpectrumSize = 512; // STFT window and FFT size (periodic Hann, 32 ms)
constexpr int kSpectrumBins = kSpectrumSize / 2 + 1;
constexpr int kPitchWindow = 1024;  // aubio "yinfast" buffer (64 ms; f0 down to ~32 Hz)
constexpr int kPitchHop = 256;      // yin runs every 2 frames; its track is interpolated
constexpr int kMelBands = 40;       // triangular HTK-mel bands from 0 Hz to 8 kHz
constexpr int kMfccCount = 13;      // c0..c12 of the orthonormal DCT-II of log mel energies
constexpr double kSilenceDb = -120; // floor of levelDb

} // namespace accord::dsp::analysis
