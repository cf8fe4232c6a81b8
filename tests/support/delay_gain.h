#pragma once

// A simple real stream processor for the live tests: a delay line with a gain.

#include "accord/dsp/stream_processor.h"

#include <memory>
#include <vector>

namespace accord::test {

// Output = gain x input, `delay` frames later.
class DelayGain final : public accord::dsp::StreamProcessor {
public:
    DelayGain(int delay, float gain) : delay_(delay), gain_(gain) {}
    void prepare(int, int) override { line_.assign(std::size_t(delay_) + 1, 0.0f); }
    int latencyFrames() const override { return delay_; }
    void process(const float* in, float* out, int frames) override {
        for (int i = 0; i < frames; ++i) {
            line_[at_] = in[i];
            at_ = (at_ + 1) % line_.size();
            out[i] = gain_ * line_[at_];
        }
    }
    std::shared_ptr<StreamProcessor> clone() const override {
        return std::make_shared<DelayGain>(delay_, gain_);
    }

private:
    int delay_;
    float gain_;
    std::vector<float> line_;
    std::size_t at_ = 0;
};

} // namespace accord::test
