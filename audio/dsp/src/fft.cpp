#include "accord/dsp/fft.h"

#include "fftw_planner.h"

#include <fftw3.h>

#include <cmath>
#include <new>
#include <stdexcept>
#include <string>

namespace accord::dsp {

namespace detail {

std::mutex& fftwPlannerLock() {
    static std::mutex lock;
    return lock;
}

} // namespace detail

// fftwf_complex is float[2], laid out as std::complex<float> (FFTW's manual, "Complex numbers").
static_assert(sizeof(std::complex<float>) == sizeof(fftwf_complex), "FFTW complex layout");

RealFft::RealFft(int size) : size_(size) {
    if (size < 2 || size % 2 != 0)
        throw std::invalid_argument("RealFft: size " + std::to_string(size) + " is not even");
    const std::lock_guard<std::mutex> guard(detail::fftwPlannerLock());
    samples_ = fftwf_alloc_real(static_cast<size_t>(size));
    spectrum_ =
        reinterpret_cast<std::complex<float>*>(fftwf_alloc_complex(static_cast<size_t>(bins())));
    if (samples_ != nullptr && spectrum_ != nullptr) {
        auto* complex = reinterpret_cast<fftwf_complex*>(spectrum_);
        forwardPlan_ = fftwf_plan_dft_r2c_1d(size, samples_, complex, FFTW_ESTIMATE);
        inversePlan_ = fftwf_plan_dft_c2r_1d(size, complex, samples_, FFTW_ESTIMATE);
    }
    if (forwardPlan_ == nullptr || inversePlan_ == nullptr) {
        if (forwardPlan_ != nullptr)
            fftwf_destroy_plan(forwardPlan_);
        if (inversePlan_ != nullptr)
            fftwf_destroy_plan(inversePlan_);
        fftwf_free(samples_);
        fftwf_free(spectrum_);
        throw std::bad_alloc();
    }
    for (int n = 0; n < size; ++n)
        samples_[n] = 0.0f;
    for (int k = 0; k < bins(); ++k)
        spectrum_[k] = 0.0f;
}

RealFft::~RealFft() {
    const std::lock_guard<std::mutex> guard(detail::fftwPlannerLock());
    fftwf_destroy_plan(forwardPlan_);
    fftwf_destroy_plan(inversePlan_);
    fftwf_free(samples_);
    fftwf_free(spectrum_);
}

void RealFft::loadWindowed(const float* signal, std::int64_t length, std::int64_t start,
                           const float* window) {
    // A frame inside the signal, as most are, needs no test per sample, so the loop vectorises.
    if (start >= 0 && start + size_ <= length) {
        const float* from = signal + start;
        for (int n = 0; n < size_; ++n)
            samples_[n] = from[n] * window[n];
        return;
    }
    for (int n = 0; n < size_; ++n) {
        const std::int64_t at = start + n;
        samples_[n] = (at >= 0 && at < length) ? signal[at] * window[n] : 0.0f;
    }
}

void RealFft::forward() {
    fftwf_execute(forwardPlan_);
}

void RealFft::inverse() {
    fftwf_execute(inversePlan_);
}

void powerSpectrum(const std::complex<float>* spectrum, int bins, float* power) {
    for (int k = 0; k < bins; ++k)
        power[k] =
            spectrum[k].real() * spectrum[k].real() + spectrum[k].imag() * spectrum[k].imag();
}

std::vector<float> periodicHannWindow(int size) {
    std::vector<float> window(static_cast<std::size_t>(size));
    for (int n = 0; n < size; ++n)
        window[static_cast<std::size_t>(n)] =
            static_cast<float>(0.5 - 0.5 * std::cos(2.0 * M_PI * n / size));
    return window;
}

} // namespace accord::dsp
