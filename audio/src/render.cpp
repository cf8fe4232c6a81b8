#include "accord/audio/render.h"

#include "decoding.h"
#include "graph.h"
#include "loudness.h"
#include "pcm_hash.h"

#include "accord/audio/media.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"

#include <juce_audio_formats/juce_audio_formats.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace accord::audio {
namespace {

namespace fs = std::filesystem;
using detail::kMaxChunkFrames;

constexpr int kRenderChannels = 2;
constexpr int kFlacQualityIndex = 5; // libFLAC's default compression level
constexpr std::size_t kStreamBuffer = std::size_t(1) << 20;
constexpr int kSegmentFrames = 16384; // frames handed to the loudness thread at a time
// Passes measuring the limited mix to correct the loudness target's gain, and how close is close
// enough (docs/ARCHITECTURE.md "Loudness target on export").
constexpr int kLoudnessPasses = 2;
constexpr double kLoudnessTolerance = 0.1; // LU
// The reverb tail (docs/ARCHITECTURE.md "Reverb tail"): a render of the whole project whose tracks
// send to the reverb goes on past the last clip in steps of kTailStepFrames, ending before the
// first step whose mix stays under kTailSilence (-90 dBFS), or after kMaxTailSeconds.
constexpr int kTailStepFrames = 4096;
constexpr float kTailSilence = 3.1622776e-5f; // -90 dBFS
constexpr double kMaxTailSeconds = 30.0;

// Where a write failed: kept by the output, outside the stream the JUCE writer owns.
struct WriteState {
    int fd = -1;
    int error = 0; // errno of the first failure
};

// A seekable, buffered juce::OutputStream over a POSIX file descriptor that records the first
// failure (full disk, file size limit, ...) instead of losing it.
class FdOutputStream : public juce::OutputStream {
public:
    explicit FdOutputStream(WriteState& state) : state_(state) { buffer_.reserve(kStreamBuffer); }
    ~FdOutputStream() override { flushBuffer(); }

    void flush() override { flushBuffer(); }
    bool setPosition(juce::int64 position) override {
        if (!flushBuffer())
            return false;
        if (::lseek(state_.fd, off_t(position), SEEK_SET) < 0)
            return fail(errno);
        position_ = position;
        return true;
    }
    juce::int64 getPosition() override { return position_; }
    bool write(const void* data, size_t bytes) override {
        if (state_.error != 0)
            return false;
        const char* from = static_cast<const char*>(data);
        if (buffer_.size() + bytes > kStreamBuffer && !flushBuffer())
            return false;
        if (bytes >= kStreamBuffer) {
            if (!writeAll(from, bytes))
                return false;
        } else {
            buffer_.insert(buffer_.end(), from, from + bytes);
        }
        position_ += juce::int64(bytes);
        return true;
    }

private:
    bool fail(int error) {
        if (state_.error == 0)
            state_.error = error != 0 ? error : EIO;
        return false;
    }
    bool writeAll(const char* data, std::size_t bytes) {
        while (bytes > 0) {
            const ssize_t done = ::write(state_.fd, data, bytes);
            if (done < 0 && errno == EINTR)
                continue;
            if (done <= 0)
                return fail(errno);
            data += done;
            bytes -= std::size_t(done);
        }
        return true;
    }
    bool flushBuffer() {
        if (state_.error != 0)
            return false;
        const bool ok = writeAll(buffer_.data(), buffer_.size());
        buffer_.clear();
        return ok;
    }

    WriteState& state_;
    std::vector<char> buffer_;
    juce::int64 position_ = 0;
};

// One file being rendered: written to a temporary file beside its target, renamed at the end.
struct Output {
    std::string target;
    std::string temp;
    std::string trackId; // empty for the mix
    int trackIndex = -1; // -1 for the mix
    WriteState state;
    std::unique_ptr<juce::AudioFormatWriter> writer;
    std::unique_ptr<detail::LoudnessMeter> loudness;
    std::unique_ptr<detail::CanonicalPcmHash> hash;

    Output() = default;
    Output(const Output&) = delete;
    Output& operator=(const Output&) = delete;
    ~Output() {
        writer.reset();
        if (state.fd >= 0)
            ::close(state.fd);
        if (!temp.empty())
            ::unlink(temp.c_str());
    }
};

[[noreturn]] void failWrite(const std::string& target, int error) {
    throw BadInput(target + ": cannot write: " + std::strerror(error));
}

// "01 Vocals.wav": the track's position (2 digits at least) and its name without characters
// file systems or shells choke on.
std::string stemFileName(std::size_t index, std::size_t count, const std::string& name,
                         const std::string& extension) {
    std::string clean;
    for (unsigned char c : name)
        clean +=
            (c < 0x20 || c == 0x7f || std::strchr("/\\:*?\"<>|", c) != nullptr) ? '_' : char(c);
    const auto first = clean.find_first_not_of(" .");
    const auto last = clean.find_last_not_of(" ");
    clean = first == std::string::npos ? std::string() : clean.substr(first, last - first + 1);
    if (clean.size() > 100) { // keep whole UTF-8 characters
        std::size_t cut = 100;
        while (cut > 0 && (static_cast<unsigned char>(clean[cut]) & 0xC0) == 0x80)
            --cut;
        clean.resize(cut);
    }
    if (clean.empty())
        clean = "Track";
    const std::size_t digits = std::max<std::size_t>(2, std::to_string(count).size());
    std::string number = std::to_string(index + 1);
    number.insert(0, digits - number.size(), '0');
    return number + " " + clean + extension;
}

void openOutput(Output& output, RenderFormat format, int sampleRate) {
    const fs::path target(output.target);
    const fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    // Named after this process, so a later render can clear what a killed one left.
    const std::string prefix = "." + target.filename().string() + ".part-";
    removeStaleTemporaries(folder.string(), prefix);
    std::string pattern = (folder / (prefix + std::to_string(::getpid()) + "-XXXXXX")).string();
    output.state.fd = ::mkstemp(pattern.data());
    if (output.state.fd < 0)
        throw BadInput(output.target + ": cannot create: " + std::strerror(errno));
    output.temp = pattern;
    ::fchmod(output.state.fd, 0644);

    auto stream = std::make_unique<FdOutputStream>(output.state);
    juce::AudioFormatWriter* writer = nullptr;
    if (format == RenderFormat::Flac24)
        writer = juce::FlacAudioFormat().createWriterFor(stream.get(), sampleRate, kRenderChannels,
                                                         24, {}, kFlacQualityIndex);
    else
        writer = juce::WavAudioFormat().createWriterFor(
            stream.get(), sampleRate, kRenderChannels, format == RenderFormat::WavFloat32 ? 32 : 24,
            {}, 0);
    if (writer == nullptr)
        throw BadInput(output.target + ": cannot write this format at " +
                       std::to_string(sampleRate) + " Hz");
    stream.release(); // the writer owns it now
    output.writer.reset(writer);
    if (output.state.error != 0)
        failWrite(output.target, output.state.error);

    output.loudness = std::make_unique<detail::LoudnessMeter>(kRenderChannels, sampleRate);
    output.hash = std::make_unique<detail::CanonicalPcmHash>(sampleRate, kRenderChannels);
}

// Scratch for converting one block into what a file holds.
struct BlockScratch {
    std::vector<std::int32_t> pcm[kRenderChannels]; // 24-bit values
    std::vector<int> justified[kRenderChannels];    // left-justified 32-bit, for the writer
    explicit BlockScratch(int frames) {
        for (int c = 0; c < kRenderChannels; ++c) {
            pcm[c].resize(std::size_t(frames));
            justified[c].resize(std::size_t(frames));
        }
    }
};

// Writes a block, hashes it, and leaves the samples the file holds, interleaved, at
// `measured` for the loudness stage.
void writeBlock(Output& output, RenderFormat format, const float* left, const float* right,
                int frames, BlockScratch& scratch, float* measured) {
    const float* planar[kRenderChannels] = {left, right};
    bool written = false;
    if (format == RenderFormat::WavFloat32) {
        // Float writers take the float samples through the int** interface (JUCE's convention).
        written = output.writer->write(reinterpret_cast<const int**>(planar), frames);
        output.hash->addFloat(planar, frames);
        for (int i = 0; i < frames; ++i) {
            measured[2 * i] = left[i];
            measured[2 * i + 1] = right[i];
        }
    } else {
        // The file holds round(x * 2^23) (clamped); loudness and hash are measured on exactly
        // those values, as a reader of the file sees them.
        constexpr float kScale = 1.0f / 8388608.0f;
        for (int c = 0; c < kRenderChannels; ++c) {
            const std::int32_t* values = scratch.pcm[c].data();
            detail::toPcm24(planar[c], scratch.pcm[c].data(), std::size_t(frames));
            for (int i = 0; i < frames; ++i) {
                scratch.justified[c][std::size_t(i)] = int(std::uint32_t(values[i]) << 8);
                measured[2 * i + c] = float(values[i]) * kScale;
            }
        }
        const int* justified[kRenderChannels] = {scratch.justified[0].data(),
                                                 scratch.justified[1].data()};
        written = output.writer->write(justified, frames);
        const std::int32_t* pcm[kRenderChannels] = {scratch.pcm[0].data(), scratch.pcm[1].data()};
        output.hash->addPcm24(pcm, frames);
    }
    if (!written || output.state.error != 0)
        failWrite(output.target, output.state.error != 0 ? output.state.error : EIO);
}

// The loudness measurement (integrated loudness and true peak) runs beside the mixing and
// writing, up to kSegmentsAhead segments behind, on whichever thread is free: its own, or the
// render thread, which measures the oldest waiting segment itself when every slot is taken
// instead of waiting (on a busy machine, a thread held up does not hold up the other). Segments
// are measured one at a time, in order.
class LoudnessStage {
public:
    static constexpr unsigned kSegmentsAhead = 4;

    LoudnessStage(std::vector<std::unique_ptr<Output>>& outputs, int segmentFrames)
        : outputs_(outputs), stride_(std::size_t(segmentFrames) * kRenderChannels) {
        for (auto& slot : slots_)
            slot.samples.resize(outputs.size() * stride_);
        thread_ = std::thread([this] { run(); });
    }
    ~LoudnessStage() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        changed_.notify_all();
        thread_.join();
    }
    LoudnessStage(const LoudnessStage&) = delete;
    LoudnessStage& operator=(const LoudnessStage&) = delete;

    // Makes the next slot free to fill, measuring waiting segments meanwhile.
    void begin() {
        std::unique_lock<std::mutex> lock(mutex_);
        while (submitted_ - measured_ == kSegmentsAhead)
            if (!measuring_)
                measureOldest(lock);
            else
                changed_.wait(lock);
    }
    // The interleaved buffer of output `o` in the slot being filled (only this thread submits).
    float* bufferOf(std::size_t output) {
        return slots_[submitted_ % kSegmentsAhead].samples.data() + output * stride_;
    }
    void submit(int frames) {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            slots_[submitted_ % kSegmentsAhead].frames = frames;
            ++submitted_;
        }
        changed_.notify_all();
    }
    // Returns when every submitted segment is measured, measuring them too.
    void finish() {
        std::unique_lock<std::mutex> lock(mutex_);
        while (measured_ < submitted_)
            if (!measuring_)
                measureOldest(lock);
            else
                changed_.wait(lock);
        if (failed_)
            throw std::bad_alloc();
    }

private:
    struct Slot {
        std::vector<float> samples;
        int frames = 0;
    };
    // Measures the oldest waiting segment; `lock` is released meanwhile (measuring_ keeps the
    // other thread off it).
    void measureOldest(std::unique_lock<std::mutex>& lock) {
        const Slot& slot = slots_[measured_ % kSegmentsAhead];
        measuring_ = true;
        lock.unlock();
        try {
            for (std::size_t o = 0; o < outputs_.size(); ++o)
                if (!outputs_[o]->loudness->add(slot.samples.data() + o * stride_,
                                                std::size_t(slot.frames)))
                    failed_ = true;
        } catch (...) {
            failed_ = true;
        }
        lock.lock();
        measuring_ = false;
        ++measured_;
        changed_.notify_all();
    }
    void run() {
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;) {
            changed_.wait(lock,
                          [&] { return stopping_ || (measured_ < submitted_ && !measuring_); });
            if (stopping_)
                return; // finish() measured everything, or the render failed
            measureOldest(lock);
        }
    }

    std::vector<std::unique_ptr<Output>>& outputs_;
    const std::size_t stride_;
    Slot slots_[kSegmentsAhead];
    std::uint64_t submitted_ = 0; // segments handed over
    std::uint64_t measured_ = 0;  // segments measured (the oldest ones)
    bool measuring_ = false;      // a thread is measuring segment measured_
    std::mutex mutex_;
    std::condition_variable changed_;
    bool stopping_ = false;
    std::atomic<bool> failed_{false};
    std::thread thread_;
};

void fsyncFolder(const std::string& path) {
    const fs::path folder = fs::path(path).parent_path();
    const int fd = ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

// A playback graph for a render, with the live tracks it serves inline (declared before it: it
// uses them to the end).
struct OfflineGraph {
    detail::LiveStats liveStats;
    detail::RetireQueue<detail::LiveChain> retiredChains; // stays empty: nothing is replaced
    std::map<std::string, std::shared_ptr<detail::LiveTrack>> live;
    std::unique_ptr<detail::PlaybackGraph> graph;
};

bool isCancelled(const std::atomic<bool>* cancel) {
    return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

// Holds stem buffers back by `delay` frames: after pass(frames), each buffer holds what it held
// `delay` frames of passes before (zeros at first), so stems line up with a mix the master
// limiter delays.
class StemDelay {
public:
    StemDelay(std::vector<std::vector<float>>& buffers, int delay)
        : buffers_(buffers),
          held_(delay > 0 ? buffers.size() : 0, std::vector<float>(std::size_t(delay), 0.0f)) {}
    void pass(int frames) {
        for (std::size_t b = 0; b < held_.size(); ++b) {
            std::vector<float>& held = held_[b];
            float* buffer = buffers_[b].data();
            held.insert(held.end(), buffer, buffer + frames);
            std::copy_n(held.begin(), frames, buffer);
            held.erase(held.begin(), held.begin() + frames);
        }
    }

private:
    std::vector<std::vector<float>>& buffers_;
    std::vector<std::vector<float>> held_;
};

} // namespace

RenderFormat renderFormatFor(const std::string& path, bool floatingPoint) {
    const std::string extension = lowerExtension(path);
    if (extension == ".wav")
        return floatingPoint ? RenderFormat::WavFloat32 : RenderFormat::Wav24;
    if (extension == ".flac") {
        if (floatingPoint)
            throw BadInput(path + ": FLAC holds integer samples; 32-bit float needs a .wav file");
        return RenderFormat::Flac24;
    }
    throw BadInput(path + ": unknown audio format " +
                   (extension.empty() ? std::string("(no extension)") : "'" + extension + "'") +
                   "; render writes .wav (24-bit or 32-bit float) or .flac (24-bit)");
}

std::string stemFileName(const Project& project, std::size_t trackIndex, RenderFormat format) {
    return stemFileName(trackIndex, project.tracks.size(), project.tracks.at(trackIndex).name,
                        format == RenderFormat::Flac24 ? ".flac" : ".wav");
}

std::vector<RenderedFile> renderProject(const Project& project, const RenderRequest& request,
                                        const std::function<void(double)>& progress,
                                        const std::atomic<bool>* cancel) {
    if (request.mixPath.empty() && request.stemsDir.empty())
        throw BadInput("render needs a mix file, a stems folder or both");
    if (project.sampleRate <= 0)
        throw BadInput("project sample rate must be positive, not " +
                       std::to_string(project.sampleRate));
    if (!request.mixPath.empty() &&
        renderFormatFor(request.mixPath, request.format == RenderFormat::WavFloat32) !=
            request.format)
        throw BadInput(request.mixPath + ": the file name's extension does not match the format");
    if (!request.stemsDir.empty() && !fs::is_directory(request.stemsDir))
        throw BadInput(request.stemsDir + ": stems folder does not exist");
    if (project.length() <= 0)
        throw BadInput("nothing to render: the project has no clips");
    const std::int64_t start = request.rangeStart;
    const std::int64_t end = request.rangeEnd == 0 ? project.length() : request.rangeEnd;
    if (start < 0 || end <= start)
        throw BadInput("the range to render must start at 0 or later and end after it starts (" +
                       std::to_string(project.samplesToSeconds(start)) + " s to " +
                       std::to_string(project.samplesToSeconds(end)) + " s)");
    if (end > project.length())
        throw BadInput("the range to render ends at " +
                       std::to_string(project.samplesToSeconds(end)) +
                       " s, after the project's end at " +
                       std::to_string(project.samplesToSeconds(project.length())) + " s");
    const std::int64_t length = end - start;
    if (const auto& target = request.loudnessTarget) {
        if (!request.stemsDir.empty() || request.mixPath.empty())
            throw BadInput("a loudness target applies to a mix: render stems without it");
        if (!(target->integratedLufs >= -70.0 && target->integratedLufs <= 0.0))
            throw BadInput("loudness target " + std::to_string(target->integratedLufs) +
                           " LUFS is outside -70 .. 0 LUFS");
        if (!(target->truePeakCeilingDb >= -20.0 && target->truePeakCeilingDb <= 0.0))
            throw BadInput("true-peak ceiling " + std::to_string(target->truePeakCeilingDb) +
                           " dBTP is outside -20 .. 0 dBTP");
    }

    // Media (decoded in parallel, shared with playback through the cache), then the graph.
    prepareProjectMedia(
        project,
        [&](double done) {
            if (progress)
                progress(0.5 * done);
        },
        cancel);
    std::map<std::string, std::shared_ptr<const DecodedMedia>> media;
    for (const Track& track : project.tracks)
        for (const Clip& clip : track.clips)
            if (!clip.offline && clip.length > 0 && media.count(clip.file) == 0)
                media[clip.file] = loadMedia(clip.file, project.sampleRate, cancel);
    // A graph as playback builds it, with fresh live processors: the analysis pass of a loudness
    // target and the render each run one from the range's start. `limiter`: the master limiter
    // to run instead of the project's (a loudness target's gain and ceiling).
    auto newGraph = [&](std::shared_ptr<detail::MasterLimiterNode> limiter) {
        auto built = std::make_unique<OfflineGraph>();
        OfflineGraph& offline = *built;
        const bool anySolo = std::any_of(project.tracks.begin(), project.tracks.end(),
                                         [](const Track& t) { return t.solo; });
        if (request.processorFor)
            for (const Track& track : project.tracks)
                if (std::shared_ptr<dsp::StreamProcessor> processor = request.processorFor(track)) {
                    processor->prepare(project.sampleRate, detail::kLiveServeFrames);
                    auto slot = std::make_shared<detail::LiveTrack>(true);
                    slot->retired = &offline.retiredChains;
                    slot->stats = &offline.liveStats;
                    slot->publish(new detail::LiveChain(
                        std::move(processor), nullptr, // inline: nothing to stand by for
                        detail::liveReserve(request.liveBlockSize, project.sampleRate),
                        std::max(1,
                                 int(std::lround(project.sampleRate * detail::kLiveFadeSeconds)))));
                    offline.live[track.id] = std::move(slot);
                }
        offline.graph = detail::buildPlaybackGraph(
            project, [&](const Clip& clip) { return media.at(clip.file); },
            [&](const Track& track) {
                auto controls = std::make_shared<detail::TrackControls>();
                detail::loadControls(*controls, track, anySolo, true, project.sampleRate);
                return controls;
            },
            [&offline](const Track& track) {
                auto found = offline.live.find(track.id);
                return found == offline.live.end() ? nullptr : found->second;
            },
            {}, {}, std::move(limiter));
        return built;
    };
    const int block = std::clamp(request.blockSize, 1, kMaxChunkFrames);
    std::vector<float> mixLeft(static_cast<std::size_t>(block));
    std::vector<float> mixRight(static_cast<std::size_t>(block));

    // The loudness target: the mix measured by passes that write nothing, then one gain before
    // the master limiter, whose ceiling is the target's (or the project's, when lower). The
    // limiter lowers the loudness it takes peaks from, so the gain is corrected by measuring the
    // limited mix, up to kLoudnessPasses times, until it is within kLoudnessTolerance.
    std::shared_ptr<detail::MasterLimiterNode> targetLimiter;
    double targetGainDb = 0;
    if (const auto& target = request.loudnessTarget) {
        const MasterLimiter ceiling{true, project.limiter.on ? std::min(project.limiter.ceilingDbtp,
                                                                        target->truePeakCeilingDb)
                                                             : target->truePeakCeilingDb};
        auto measure = [&](std::shared_ptr<detail::MasterLimiterNode> through) {
            auto analysis = newGraph(std::move(through));
            detail::PlaybackGraph& graph = *analysis->graph;
            detail::LoudnessMeter meter(kRenderChannels, project.sampleRate);
            std::vector<float> interleaved(2 * std::size_t(block));
            const std::int64_t delay = detail::PlaybackGraph::latencyOf(graph.limiter.get());
            for (std::int64_t offset = 0; offset < length + delay; offset += block) {
                if (isCancelled(cancel))
                    throw Cancelled();
                const int frames = int(std::min<std::int64_t>(block, length + delay - offset));
                graph.process(start + offset, frames, mixLeft.data(), mixRight.data());
                // The limiter's first `delay` frames out come before the range.
                const int skip = int(std::clamp<std::int64_t>(delay - offset, 0, frames));
                for (int i = skip; i < frames; ++i) {
                    interleaved[2 * std::size_t(i - skip)] = mixLeft[std::size_t(i)];
                    interleaved[2 * std::size_t(i - skip) + 1] = mixRight[std::size_t(i)];
                }
                if (!meter.add(interleaved.data(), std::size_t(frames - skip)))
                    throw std::bad_alloc();
            }
            return meter.integratedLoudness();
        };
        const double lufs = measure(nullptr);
        if (!std::isfinite(lufs))
            throw BadInput("the mix is silent (below EBU R128's gate): no gain reaches " +
                           std::to_string(target->integratedLufs) + " LUFS");
        targetGainDb = target->integratedLufs - lufs;
        for (int pass = 0; pass < kLoudnessPasses; ++pass) {
            auto trial = std::make_shared<detail::MasterLimiterNode>(ceiling, project.sampleRate,
                                                                     targetGainDb);
            const double limited = measure(trial);
            if (trial->limiter.deepestReductionDb() == 0.0 ||
                std::fabs(limited - target->integratedLufs) <= kLoudnessTolerance)
                break;
            targetGainDb += target->integratedLufs - limited;
        }
        targetLimiter =
            std::make_shared<detail::MasterLimiterNode>(ceiling, project.sampleRate, targetGainDb);
    }
    auto offline = newGraph(targetLimiter);
    detail::PlaybackGraph& graph = *offline->graph;

    // Outputs: the mix, then one stem per track.
    std::vector<std::unique_ptr<Output>> outputs;
    if (!request.mixPath.empty()) {
        outputs.push_back(std::make_unique<Output>());
        outputs.back()->target = detail::absolutePath(request.mixPath);
    }
    if (!request.stemsDir.empty())
        for (std::size_t t = 0; t < project.tracks.size(); ++t) {
            outputs.push_back(std::make_unique<Output>());
            Output& stem = *outputs.back();
            stem.target = (fs::path(detail::absolutePath(request.stemsDir)) /
                           stemFileName(project, t, request.format))
                              .string();
            stem.trackId = project.tracks[t].id;
            stem.trackIndex = int(t);
        }
    for (auto& output : outputs)
        openOutput(*output, request.format, project.sampleRate);

    // Render: the graph in chunks, every file written as it goes.
    const std::size_t tracks = project.tracks.size();
    std::vector<std::vector<float>> stemBuffers(request.stemsDir.empty() ? 0 : 2 * tracks,
                                                std::vector<float>(std::size_t(block)));
    std::vector<float*> stemLeft, stemRight;
    for (std::size_t t = 0; t < stemBuffers.size() / 2; ++t) {
        stemLeft.push_back(stemBuffers[2 * t].data());
        stemRight.push_back(stemBuffers[2 * t + 1].data());
    }
    BlockScratch scratch(block);
    const int segment = std::max(1, kSegmentFrames / block) * block;
    const std::int64_t progressStep = std::max<std::int64_t>(segment, length / 200);
    std::int64_t nextProgress = 0;
    // With the master limiter the mix lags the graph by its look-ahead: the graph runs that far
    // ahead (past the range's end, as playback goes on), and the stems, which skip the limiter,
    // are held back as long to line up with the mix.
    const int lag = detail::PlaybackGraph::latencyOf(graph.limiter.get());
    std::int64_t written = length; // frames in each file: the range, and a reverb tail
    StemDelay stemDelay(stemBuffers, lag);
    std::int64_t graphPosition = 0; // frames into the range the graph has rendered
    auto renderGraph = [&](int frames) {
        graph.process(start + graphPosition, frames, mixLeft.data(), mixRight.data(),
                      stemLeft.empty() ? nullptr : stemLeft.data(),
                      stemRight.empty() ? nullptr : stemRight.data());
        graphPosition += frames;
        stemDelay.pass(frames);
    };
    for (int primed = 0; primed < lag; primed += block)
        renderGraph(std::min(block, lag - primed));
    {
        LoudnessStage loudness(outputs, segment);
        for (std::int64_t at = 0; at < length; at += segment) {
            const int segmentLength = int(std::min<std::int64_t>(segment, length - at));
            loudness.begin();
            for (int offset = 0; offset < segmentLength; offset += block) {
                if (isCancelled(cancel))
                    throw Cancelled(); // the outputs' destructors remove every temporary file
                const int frames = std::min(block, segmentLength - offset);
                renderGraph(frames);
                for (std::size_t o = 0; o < outputs.size(); ++o) {
                    Output& output = *outputs[o];
                    const bool mix = output.trackIndex < 0;
                    writeBlock(output, request.format,
                               mix ? mixLeft.data() : stemLeft[std::size_t(output.trackIndex)],
                               mix ? mixRight.data() : stemRight[std::size_t(output.trackIndex)],
                               frames, scratch,
                               loudness.bufferOf(o) + std::size_t(offset) * kRenderChannels);
                }
            }
            loudness.submit(segmentLength);
            if (progress && at >= nextProgress) {
                progress(0.5 + 0.5 * double(at + segmentLength) / double(length));
                nextProgress = at + progressStep;
            }
        }
        // The reverb tail: each step rendered and held, written only when it still sounds.
        if (request.rangeEnd == 0 && graph.reverb != nullptr) {
            const auto cap = std::int64_t(kMaxTailSeconds * project.sampleRate);
            std::vector<std::vector<float>> held(2 * outputs.size(),
                                                 std::vector<float>(kTailStepFrames));
            while (written - length < cap) {
                float peak = 0.0f;
                for (int offset = 0; offset < kTailStepFrames; offset += block) {
                    if (isCancelled(cancel))
                        throw Cancelled();
                    const int frames = std::min(block, kTailStepFrames - offset);
                    renderGraph(frames);
                    for (int i = 0; i < frames; ++i)
                        peak = std::max({peak, std::abs(mixLeft[std::size_t(i)]),
                                         std::abs(mixRight[std::size_t(i)])});
                    for (std::size_t o = 0; o < outputs.size(); ++o) {
                        const int track = outputs[o]->trackIndex;
                        std::copy_n(track < 0 ? mixLeft.data() : stemLeft[std::size_t(track)],
                                    frames, held[2 * o].begin() + offset);
                        std::copy_n(track < 0 ? mixRight.data() : stemRight[std::size_t(track)],
                                    frames, held[2 * o + 1].begin() + offset);
                    }
                }
                if (peak < kTailSilence)
                    break;
                loudness.begin();
                for (int offset = 0; offset < kTailStepFrames; offset += block) {
                    const int frames = std::min(block, kTailStepFrames - offset);
                    for (std::size_t o = 0; o < outputs.size(); ++o)
                        writeBlock(*outputs[o], request.format, held[2 * o].data() + offset,
                                   held[2 * o + 1].data() + offset, frames, scratch,
                                   loudness.bufferOf(o) + std::size_t(offset) * kRenderChannels);
                }
                loudness.submit(kTailStepFrames);
                written += kTailStepFrames;
            }
        }
        loudness.finish();
    }

    // Finish every file (header, fsync), then rename them all into place.
    std::vector<RenderedFile> results;
    for (auto& output : outputs) {
        output->writer.reset(); // flushes and writes the final header through our stream
        if (output->state.error != 0)
            failWrite(output->target, output->state.error);
        if (::fsync(output->state.fd) != 0)
            failWrite(output->target, errno);
        const int fd = output->state.fd;
        output->state.fd = -1;
        if (::close(fd) != 0)
            failWrite(output->target, errno);

        RenderedFile file;
        file.path = output->target;
        file.trackId = output->trackId;
        file.durationSeconds = double(written) / project.sampleRate;
        file.pcmSha256 = output->hash->finishHex();
        file.lufs = output->loudness->integratedLoudness();
        const double peak = output->loudness->truePeak();
        file.truePeakDb =
            peak > 0.0 ? 20.0 * std::log10(peak) : -std::numeric_limits<double>::infinity();
        if (graph.limiter && output->trackIndex < 0) {
            file.targetGainDb = targetGainDb;
            file.limiterReductionDb = graph.limiter->limiter.deepestReductionDb();
        }
        results.push_back(file);
    }
    if (isCancelled(cancel))
        throw Cancelled();
    for (auto& output : outputs) {
        if (::rename(output->temp.c_str(), output->target.c_str()) != 0)
            failWrite(output->target, errno);
        output->temp.clear();
        fsyncFolder(output->target);
    }
    if (progress)
        progress(1.0);
    return results;
}

} // namespace accord::audio
