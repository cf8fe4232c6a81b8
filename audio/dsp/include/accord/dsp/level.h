#pragma once

// The A-weighted frame level of the voice analysis (docs/ARCHITECTURE.md, "Voice model"): the
// voice model's synthesiser scales every frame to it, so loudness comes from the performance.

#include "accord/dsp/analysis_constants.h"

#include <vector>

namespace accord::dsp {

// |A(f)|^2 of the IEC 61672 A-weighting curve as a power gain (1 at 1 kHz).
double aWeightingPower(double hz);

// The periodic Hann window of analysis::kSpectrumSize samples the STFT uses.
const std::vector<float>& spectrumWindow();

// S = sum_n w(n)^2 of spectrumWindow(): the STFT power a unit power spectral density gives.
double spectrumWindowPower();

// Per-bin weights that turn an STFT power spectrum (kSpectrumBins values) into the frame's
// A-weighted mean square: 2 / (N * sum w^2) * A(f_k)^2, halved at DC and Nyquist.
const std::vector<float>& loudnessWeights();

// Frame level in dB: 10 log10(sum_k loudnessWeights()[k] * power[k]), i.e. the A-weighted mean
// square of the windowed frame (a full-scale 1 kHz sine is -3 dB), floored at
// analysis::kSilenceDb. `power`: one power spectrum of kSpectrumBins values.
float levelDb(const float* power);

} // namespace accord::dsp
