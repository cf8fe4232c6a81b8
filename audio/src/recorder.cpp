#include "recorder.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"

#include <juce_audio_formats/juce_audio_formats.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

namespace accord::audio::detail {

namespace fs = std::filesystem;

// ---- audio thread -----------------------------------------------------------------------------

InputRouting::InputRouting(std::vector<Lane> lanesIn) : lanes(std::move(lanesIn)) {
    for (Lane& lane : lanes)
        if (lane.arm.record)
            lane.ring = std::make_unique<SpscRing<float>>(kRingSamples);
}

void InputRouting::monitor(const float* const* inputs, int inputChannels, int offset, int frames,
                           float* left, float* right, bool anySolo, int rampFrames) noexcept {
    if (!monitorStarted_) {
        monitorStarted_ = true;
        for (const Lane& lane : lanes)
            if (lane.newlyArmed)
                lane.controls->monitorLevel.jump(0.0f);
    }
    for (const Lane& lane : lanes) {
        TrackControls& controls = *lane.controls;
        const bool on = controls.monitor.load(std::memory_order_relaxed) &&
                        trackSounds(controls.mute.load(std::memory_order_relaxed),
                                    controls.solo.load(std::memory_order_relaxed), anySolo);
        Ramp& level = controls.monitorLevel;
        level.aim(on ? 1.0f : 0.0f, rampFrames);
        if (level.steady() && level.current == 0.0f)
            continue;
        const int first = lane.arm.firstInput;
        const float* inLeft = first < inputChannels ? inputs[first] : nullptr;
        const float* inRight =
            lane.arm.channels == 2 && first + 1 < inputChannels ? inputs[first + 1] : inLeft;
        if (inLeft == nullptr || inRight == nullptr) {
            level.skip(frames);
            continue;
        }
        const float pan = lane.controls->pan.load(std::memory_order_relaxed);
        const float gain = lane.controls->gain.load(std::memory_order_relaxed);
        const float gainLeft = gain * panLeft(pan);
        const float gainRight = gain * panRight(pan);
        float peakLeft = 0.0f;
        float peakRight = 0.0f;
        for (int i = 0; i < frames; ++i) {
            const float ramp = level.next();
            const float l = inLeft[offset + i] * gainLeft * ramp;
            const float r = inRight[offset + i] * gainRight * ramp;
            left[i] += l;
            right[i] += r;
            peakLeft = std::max(peakLeft, std::abs(l));
            peakRight = std::max(peakRight, std::abs(r));
        }
        raisePeak(lane.controls->peakLeft, peakLeft);
        raisePeak(lane.controls->peakRight, peakRight);
    }
}

void InputRouting::capture(const float* const* inputs, int inputChannels, int offset, int frames,
                           std::int64_t position) noexcept {
    // Dekker-style handshake with setCapturing(false) (both sides sequentially consistent):
    // once it has seen inCapture_ false after clearing capturing_, no capture is under way.
    inCapture_.store(true);
    if (capturing_.load()) {
        bool room = position == nextPosition_ || segments.freeSpace() > 0;
        for (const Lane& lane : lanes)
            if (lane.ring && lane.ring->freeSpace() < std::size_t(frames * lane.arm.channels))
                room = false;
        if (!room) {
            dropped.fetch_add(std::uint64_t(frames), std::memory_order_relaxed);
            nextPosition_ = -1; // what follows starts a new segment
        } else {
            if (position != nextPosition_) {
                segments.slot(0) = {frame_, position};
                segments.commit(1);
            }
            for (const Lane& lane : lanes) {
                if (!lane.ring)
                    continue;
                const int channels = lane.arm.channels;
                for (int c = 0; c < channels; ++c) {
                    const int input = lane.arm.firstInput + c;
                    const float* source =
                        input < inputChannels && inputs != nullptr ? inputs[input] : nullptr;
                    for (int i = 0; i < frames; ++i)
                        lane.ring->slot(std::size_t(i * channels + c)) =
                            source != nullptr ? source[offset + i] : 0.0f;
                }
                lane.ring->commit(std::size_t(frames * channels));
            }
            frame_ += frames;
            nextPosition_ = position + frames;
            captured.store(frame_, std::memory_order_release);
        }
    }
    inCapture_.store(false);
}

void InputRouting::setCapturing(bool on) {
    capturing_.store(on);
    if (!on)
        while (inCapture_.load())
            std::this_thread::yield();
}

bool InputRouting::recordsAnything() const {
    return std::any_of(lanes.begin(), lanes.end(),
                       [](const Lane& lane) { return lane.arm.record; });
}

LoopbackDelay::LoopbackDelay(int latency, int maxBlock) : latency_(std::max(latency, maxBlock)) {
    for (auto& channel : history_)
        channel.assign(std::size_t(latency_ + maxBlock), 0.0f);
}

void LoopbackDelay::read(float* const* inputs, int frames) noexcept {
    const std::size_t size = history_[0].size();
    for (int c = 0; c < 2; ++c)
        for (int i = 0; i < frames; ++i) {
            const std::size_t at = read_ + std::size_t(i);
            inputs[c][i] = at < std::size_t(latency_) ? 0.0f : history_[c][(at - latency_) % size];
        }
    read_ += std::size_t(frames);
}

void LoopbackDelay::write(const float* const* outputs, int frames) noexcept {
    const std::size_t size = history_[0].size();
    for (int c = 0; c < 2; ++c)
        for (int i = 0; i < frames; ++i)
            history_[c][(written_ + std::size_t(i)) % size] = outputs[c][i];
    written_ += std::size_t(frames);
}

void InputPublisher::publish(std::shared_ptr<InputRouting> routing) {
    alive_.push_back(routing);
    if (InputRouting* unseen = pending_.exchange(routing.get(), std::memory_order_acq_rel))
        release(unseen);
    collectGarbage();
}

void InputPublisher::collectGarbage() {
    while (InputRouting* routing = retired_.pop())
        release(routing);
}

void InputPublisher::release(InputRouting* routing) {
    alive_.erase(std::find_if(alive_.begin(), alive_.end(),
                              [routing](const auto& alive) { return alive.get() == routing; }));
}

InputRouting* InputPublisher::adopt() noexcept {
    if (pending_.load(std::memory_order_relaxed) != nullptr && retired_.hasSpace())
        if (InputRouting* next = pending_.exchange(nullptr, std::memory_order_acq_rel)) {
            if (current_ != nullptr)
                retired_.push(current_);
            current_ = next;
        }
    return current_;
}

// ---- the worker ---------------------------------------------------------------------------------

namespace {

constexpr auto kDrainInterval = std::chrono::milliseconds(10);
const std::string kTempPrefix = ".take.part-";

// A take's file name from a track's name: no path separators or control characters.
std::string takeBaseName(const std::string& name) {
    std::string clean;
    for (unsigned char c : name)
        clean += (c < 0x20 || c == 0x7f || c == '/' || c == '\\') ? '_' : char(c);
    const auto first = clean.find_first_not_of(" .");
    return first == std::string::npos ? std::string("Track") : clean.substr(first);
}

void fsyncFolderOf(const std::string& path) {
    const int fd = ::open(fs::path(path).parent_path().c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

} // namespace

struct TakeWriter::OpenTake {
    RecordedTake take;
    std::string temp;
    std::unique_ptr<juce::AudioFormatWriter> writer;
    juce::FileOutputStream* stream = nullptr; // owned by the writer
    std::string error; // the first write error; the take keeps what was written before it
};

TakeWriter::TakeWriter(std::shared_ptr<InputRouting> routing, std::string folder, int sampleRate,
                       std::int64_t latency, std::optional<LoopSpan> punch)
    : routing_(std::move(routing)), folder_(std::move(folder)), sampleRate_(sampleRate),
      latency_(std::max<std::int64_t>(0, latency)), punch_(punch) {
    makeDirectories(folder_);
    removeStaleTemporaries(folder_, kTempPrefix);
    open_.resize(routing_->lanes.size());
    passes_.assign(routing_->lanes.size(), 0);
    thread_ = std::thread([this] { run(); });
}

TakeWriter::~TakeWriter() {
    if (thread_.joinable())
        finish();
}

void TakeWriter::run() {
    while (!stop_.load(std::memory_order_acquire)) {
        drain();
        std::this_thread::sleep_for(kDrainInterval);
    }
    drain();
}

RecordingResult TakeWriter::finish() {
    stop_.store(true, std::memory_order_release);
    thread_.join();
    for (std::size_t lane = 0; lane < open_.size(); ++lane)
        closeTake(lane);
    result_.droppedFrames = routing_->dropped.load();
    if (result_.droppedFrames > 0)
        result_.errors.push_back(
            std::to_string(result_.droppedFrames) +
            " input frames were lost: the disk did not keep up with the recording");
    return result_;
}

void TakeWriter::drain() {
    InputRouting& routing = *routing_;
    const std::int64_t captured = routing.captured.load(std::memory_order_acquire);
    while (routing.segments.available() > 0) {
        known_.push_back(routing.segments.peek(0));
        routing.segments.consume(1);
    }
    while (consumed_ < captured) {
        // Frame n was played back by the device `latency_` frames earlier: heard at the
        // timeline position the engine was at when it captured frame n - latency.
        const std::int64_t heard = consumed_ - latency_;
        std::int64_t run = captured - consumed_;
        std::int64_t position = -1; // before recording started: nothing to keep
        if (heard < 0) {
            run = std::min(run, -heard);
        } else {
            auto next = std::upper_bound(
                known_.begin(), known_.end(), heard,
                [](std::int64_t frame, const CaptureSegment& s) { return frame < s.frame; });
            const CaptureSegment& segment = *(next - 1);
            position = segment.position + (heard - segment.frame);
            if (next != known_.end())
                run = std::min(run, next->frame - heard);
        }
        run = std::min<std::int64_t>(run, 4096);
        for (std::size_t lane = 0; lane < routing.lanes.size(); ++lane) {
            auto& ring = routing.lanes[lane].ring;
            if (!ring)
                continue;
            const std::size_t samples = std::size_t(run * routing.lanes[lane].arm.channels);
            scratch_.resize(samples);
            for (std::size_t i = 0; i < samples; ++i)
                scratch_[i] = ring->peek(i);
            ring->consume(samples);
            if (position >= 0)
                write(lane, position, scratch_.data(), run);
        }
        consumed_ += run;
    }
}

void TakeWriter::write(std::size_t laneIndex, std::int64_t position, const float* interleaved,
                       std::int64_t frames) {
    const RecordArm& arm = routing_->lanes[laneIndex].arm;
    std::int64_t skip = 0;
    if (punch_) {
        skip = std::clamp<std::int64_t>(punch_->start - position, 0, frames);
        frames = std::min(frames, punch_->end - position);
    }
    if (frames <= skip)
        return;
    position += skip;
    interleaved += skip * arm.channels;
    frames -= skip;

    auto& open = open_[laneIndex];
    if (open && !open->error.empty())
        return; // the disk failed this track: its take keeps what was written, until the end
    if (open && open->take.position + open->take.frames != position)
        closeTake(laneIndex); // the timeline jumped (a loop pass, a seek): a new take
    if (!open) {
        open = std::make_unique<OpenTake>();
        open->take = {arm.trackId, "", position, 0, arm.channels, passes_[laneIndex]++};
        std::string pattern = folder_ + "/" + kTempPrefix + std::to_string(::getpid()) + "-XXXXXX";
        const int fd = ::mkstemp(pattern.data());
        if (fd < 0) {
            open->error = folder_ + ": cannot create the take of '" + arm.takeName +
                          "': " + std::strerror(errno);
        } else {
            ::close(fd);
            open->temp = pattern;
            // Unbuffered: a failed write (a full disk) fails the call that made it, so JUCE's
            // writer rewrites the header for exactly the frames on disk and the take keeps them.
            auto stream = std::make_unique<juce::FileOutputStream>(juce::File(open->temp), 0);
            juce::AudioFormatWriter* writer =
                stream->openedOk()
                    ? juce::WavAudioFormat().createWriterFor(stream.get(), sampleRate_,
                                                             unsigned(arm.channels), 32, {}, 0)
                    : nullptr;
            if (writer == nullptr) {
                open->error = folder_ + ": cannot write the take of '" + arm.takeName + "'";
            } else {
                open->stream = stream.release(); // the writer owns it
                open->writer.reset(writer);
            }
        }
    }
    if (!open->error.empty())
        return;
    // Planar pointers into the interleaved block, one frame at a time per channel.
    constexpr int kBlock = 1024;
    float planar[2][kBlock];
    for (std::int64_t done = 0; done < frames; done += kBlock) {
        const int count = int(std::min<std::int64_t>(kBlock, frames - done));
        for (int c = 0; c < arm.channels; ++c)
            for (int i = 0; i < count; ++i)
                planar[c][i] = interleaved[(done + i) * arm.channels + c];
        const float* channels[2] = {planar[0], planar[1]};
        if (!open->writer->writeFromFloatArrays(channels, arm.channels, count)) {
            open->error = folder_ + ": cannot write the take of '" + arm.takeName +
                          "' (is the disk full?): " + std::strerror(errno);
            return;
        }
        open->take.frames += count;
    }
}

void TakeWriter::closeTake(std::size_t laneIndex) {
    std::unique_ptr<OpenTake> open = std::move(open_[laneIndex]);
    if (!open)
        return;
    const std::string base = takeBaseName(routing_->lanes[laneIndex].arm.takeName);
    bool kept = false;
    if (open->writer) {
        // Flushing writes the header and fsyncs the file (JUCE's FileOutputStream::flush).
        open->writer->flush();
        const bool ok = open->stream->getStatus().wasOk();
        open->writer.reset();
        if (!ok && open->error.empty())
            open->error = open->temp + ": cannot finish the take file";
        if (open->take.frames > 0) {
            std::string target;
            for (int number = 1; target.empty() || fileExists(target); ++number)
                target = folder_ + "/" + base + " take " + std::to_string(number) + ".wav";
            if (::rename(open->temp.c_str(), target.c_str()) == 0) {
                fsyncFolderOf(target);
                open->take.file = target;
                result_.takes.push_back(open->take);
                kept = true;
            } else if (open->error.empty()) {
                open->error = target + ": cannot move the take into place: " + std::strerror(errno);
            }
        }
    }
    if (!kept && !open->temp.empty())
        ::unlink(open->temp.c_str());
    if (!open->error.empty())
        result_.errors.push_back(open->error);
}

} // namespace accord::audio::detail
