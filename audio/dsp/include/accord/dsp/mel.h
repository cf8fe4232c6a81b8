#pragma once

// Mel frequency cepstral coefficients of the voice analysis, one implementation for training
// (voice_features.h) and the live node (causal_voice_analyser.h): triangular HTK-mel filters on
// the STFT bins, log energies, the orthonormal DCT-II.

#include "accord/dsp/analysis_constants.h"

#include <vector>

namespace accord::dsp {

// The HTK mel scale: 2595 log10(1 + hz / 700).
double hzToMel(double hz);
double melToHz(double mel);

// analysis::kMelBands triangular filters with HTK-mel-spaced edges from 0 Hz to Nyquist, over
// the kSpectrumBins STFT bins (kMelBands x kSpectrumBins, row-major).
const std::vector<float>& melFilterbank();

// Orthonormal DCT-II rows c0..c(kMfccCount - 1) over kMelBands values (row-major).
const std::vector<float>& mfccDctRows();

// kMfccCount MFCCs of one power spectrum (kSpectrumBins values of |X(k)|^2): the DCT of the
// natural logs of the mel energies (+1e-10). No allocation (the live worker calls it).
void mfccFromPower(const float* power, float* mfcc);

} // namespace accord::dsp
