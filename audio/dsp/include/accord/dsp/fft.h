#pragma once

// A real FFT of one fixed size on FFTW 3 (single precision), with its own buffers.
//
// Why FFTW rather than a hand-written FFT: one tested, SIMD-vectorised implementation for every
// transform in Accord (the offline analysis, the live node, the synthesiser, the watermark), and
// aubio, which the offline pitch tracker uses, already runs on it (docs/ARCHITECTURE.md,
// "DSP library").
//
// Plans are made with FFTW_ESTIMATE, not measured: the same size always gets the same plan, so the
// same rounding in every process (FFTW_MEASURE times candidates and may pick another plan from
// run to run, while resumed training and live clones must be bit-identical), and a plan costs
// about a millisecond instead of 0.1-0.2 s of measuring per size and process (the live node is
// built while the user waits). Measured plans ran forward+inverse 25-35% faster here (512
// points: 0.77 vs 1.03 us), a negligible part of any frame's work in Accord.
//
// Threads: FFTW's planner is not thread-safe, so making and destroying plans (constructor,
// destructor) happens under one process-wide lock, shared with aubio's objects (which plan on
// FFTW too). forward() and inverse() run the plan on the object's own buffers: no lock, no
// allocation (the live worker may call them); one object is used by one thread at a time.

#include <complex>
#include <cstdint>
#include <vector>

struct fftwf_plan_s; // fftw3.h's fftwf_plan is a pointer to it

namespace accord::dsp {

class RealFft {
public:
    // `size`: the number of real samples, even (FFTW is fastest for powers of two).
    explicit RealFft(int size);
    ~RealFft();
    RealFft(const RealFft&) = delete;
    RealFft& operator=(const RealFft&) = delete;

    int size() const { return size_; }
    int bins() const { return size_ / 2 + 1; } // 0 .. size/2 (DC .. Nyquist)

    // The time-domain buffer: size() samples, forward()'s input and inverse()'s output.
    float* samples() { return samples_; }
    // The spectrum: bins() values, forward()'s output and inverse()'s input.
    std::complex<float>* spectrum() { return spectrum_; }

    // samples()[n] = signal[start + n] * window[n] for n < size(), zero where start + n is
    // outside the signal's `length` samples: one windowed frame of an STFT.
    void loadWindowed(const float* signal, std::int64_t length, std::int64_t start,
                      const float* window);

    // spectrum[k] = sum_n samples[n] e^(-2 pi i k n / size). samples() is kept.
    void forward();
    // samples[n] = sum over all size() bins of X[k] e^(+2 pi i k n / size), X Hermitian with
    // X[k] = spectrum[k] for k <= size/2: `size` times the signal forward() analysed (no 1/size
    // here). The imaginary parts of DC and Nyquist are ignored. Overwrites spectrum().
    void inverse();

private:
    int size_;
    float* samples_ = nullptr;
    std::complex<float>* spectrum_ = nullptr;
    fftwf_plan_s* forwardPlan_ = nullptr;
    fftwf_plan_s* inversePlan_ = nullptr;
};

// power[k] = re^2 + im^2 of spectrum[k], for `bins` values.
void powerSpectrum(const std::complex<float>* spectrum, int bins, float* power);

// The periodic Hann window of `size` samples, w(n) = 0.5 - 0.5 cos(2 pi n / size): every STFT
// in Accord windows with it (its sum of w^2 is 3 size / 8).
std::vector<float> periodicHannWindow(int size);

} // namespace accord::dsp
