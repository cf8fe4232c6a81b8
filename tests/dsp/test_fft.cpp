// dsp::RealFft (FFTW) against a direct DFT in double precision: forward, inverse (unscaled, the
// imaginary parts of DC and Nyquist ignored), the round trip, and plans made and freed on several
// threads at once (the planner lock) giving the same results as one thread.

#include "accord/dsp/fft.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <complex>
#include <random>
#include <thread>
#include <vector>

using accord::dsp::RealFft;

namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<float> noise(int size, unsigned seed) {
    std::mt19937 random(seed);
    std::normal_distribution<float> gauss(0.0f, 0.3f);
    std::vector<float> x(static_cast<size_t>(size));
    for (float& v : x)
        v = gauss(random);
    return x;
}

// X[k] = sum_n x[n] e^(-2 pi i k n / N), k = 0 .. N/2.
std::vector<std::complex<double>> directDft(const std::vector<float>& x) {
    const auto n = static_cast<int>(x.size());
    std::vector<std::complex<double>> spectrum(static_cast<size_t>(n / 2 + 1));
    for (int k = 0; k <= n / 2; ++k)
        for (int t = 0; t < n; ++t)
            spectrum[static_cast<size_t>(k)] +=
                static_cast<double>(x[static_cast<size_t>(t)]) *
                std::polar(1.0, -2.0 * kPi * static_cast<double>(k) * t / n);
    return spectrum;
}

// x[t] = sum over all N bins of X[k] e^(+2 pi i k t / N), X Hermitian from its half.
std::vector<double> directInverse(const std::vector<std::complex<float>>& half, int n) {
    std::vector<double> x(static_cast<size_t>(n));
    for (int t = 0; t < n; ++t) {
        double sum =
            half[0].real() + ((t % 2) ? -1.0 : 1.0) * half[static_cast<size_t>(n / 2)].real();
        for (int k = 1; k < n / 2; ++k)
            sum += 2.0 * (std::complex<double>(half[static_cast<size_t>(k)]) *
                          std::polar(1.0, 2.0 * kPi * static_cast<double>(k) * t / n))
                             .real();
        x[static_cast<size_t>(t)] = sum;
    }
    return x;
}

// The largest |difference| relative to the largest |reference|.
template <typename A, typename B> double relativeError(const A& reference, const B& other) {
    double peak = 0, worst = 0;
    for (size_t i = 0; i < reference.size(); ++i) {
        peak = std::max(peak, std::abs(reference[i]));
        worst = std::max(worst, std::abs(reference[i] - other[i]));
    }
    return worst / peak;
}

} // namespace

class TestFft : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void forwardIsTheDft() {
        for (const int size : {256, 512, 2048, 480}) {
            RealFft fft(size);
            QCOMPARE(fft.size(), size);
            QCOMPARE(fft.bins(), size / 2 + 1);
            const std::vector<float> x = noise(size, static_cast<unsigned>(size));
            std::copy(x.begin(), x.end(), fft.samples());
            fft.forward();
            const std::vector<std::complex<double>> reference = directDft(x);
            std::vector<std::complex<double>> got(reference.size());
            for (size_t k = 0; k < got.size(); ++k)
                got[k] = fft.spectrum()[k];
            const double error = relativeError(reference, got);
            qInfo("forward %d: relative error %.2e", size, error);
            QVERIFY2(error < 2e-6, qPrintable(QString::number(error)));
            QVERIFY(std::equal(x.begin(), x.end(), fft.samples())); // input kept
        }
    }

    void inverseIsTheUnscaledInverseDft() {
        for (const int size : {256, 512}) {
            RealFft fft(size);
            std::vector<std::complex<float>> half(static_cast<size_t>(fft.bins()));
            const std::vector<float> re = noise(fft.bins(), 1), im = noise(fft.bins(), 2);
            for (size_t k = 0; k < half.size(); ++k)
                half[k] = {re[k], im[k]}; // DC and Nyquist imaginary parts: ignored
            std::copy(half.begin(), half.end(), fft.spectrum());
            fft.inverse();
            const std::vector<double> reference = directInverse(half, size);
            const std::vector<float> got(fft.samples(), fft.samples() + size);
            const double error = relativeError(reference, got);
            qInfo("inverse %d: relative error %.2e", size, error);
            QVERIFY2(error < 2e-6, qPrintable(QString::number(error)));
        }
    }

    void roundTripIsSizeTimesTheInput() {
        RealFft fft(512);
        const std::vector<float> x = noise(512, 3);
        std::copy(x.begin(), x.end(), fft.samples());
        fft.forward();
        fft.inverse();
        double worst = 0;
        for (size_t n = 0; n < x.size(); ++n)
            worst = std::max(worst, std::abs(static_cast<double>(fft.samples()[n]) / 512 - x[n]));
        QVERIFY2(worst < 1e-6, qPrintable(QString::number(worst)));
    }

    void plansOnManyThreadsGiveOneThreadsResults() {
        const std::vector<float> x = noise(512, 4);
        RealFft alone(512);
        std::copy(x.begin(), x.end(), alone.samples());
        alone.forward();
        const std::vector<std::complex<float>> expected(alone.spectrum(),
                                                        alone.spectrum() + alone.bins());
        std::vector<int> mismatches(4, 0);
        std::vector<std::thread> threads;
        for (size_t t = 0; t < mismatches.size(); ++t)
            threads.emplace_back([&, t] {
                for (int round = 0; round < 200; ++round) {
                    RealFft fft(round % 2 ? 512 : 256); // planned and freed under the lock
                    if (fft.size() != 512)
                        continue;
                    std::copy(x.begin(), x.end(), fft.samples());
                    fft.forward();
                    if (!std::equal(expected.begin(), expected.end(), fft.spectrum()))
                        ++mismatches[t];
                }
            });
        for (std::thread& thread : threads)
            thread.join();
        for (const int count : mismatches)
            QCOMPARE(count, 0);
    }
};

QTEST_GUILESS_MAIN(TestFft)
#include "test_fft.moc"
