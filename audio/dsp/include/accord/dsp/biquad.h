#pragma once

namespace accord::dsp {

// A 2nd-order IIR section in direct form I, in double precision.
class Biquad {
public:
    // A Butterworth low-pass (Q = 1/sqrt 2; the Audio EQ Cookbook's coefficients).
    static Biquad butterworthLowpass(double cutoffHz, double sampleRate);

    double process(double x) {
        const double y = b0_ * x + b1_ * x1_ + b2_ * x2_ - a1_ * y1_ - a2_ * y2_;
        x2_ = x1_;
        x1_ = x;
        y2_ = y1_;
        y1_ = y;
        return y;
    }
    void reset() { x1_ = x2_ = y1_ = y2_ = 0; }

private:
    double b0_ = 0, b1_ = 0, b2_ = 0, a1_ = 0, a2_ = 0;
    double x1_ = 0, x2_ = 0, y1_ = 0, y2_ = 0;
};

} // namespace accord::dsp
