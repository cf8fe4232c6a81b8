#include "accord/ui/arrangement/waveform_cache.h"

#include "accord/audio/media.h"
#include "accord/ui/common/background.h"
#include "accord/ui/common/errors.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace accord::ui {

namespace {

constexpr int kLevelFactor = 4;
constexpr std::size_t kCoarsestBuckets = 512;

struct Outcome {
    std::shared_ptr<WaveformPeaks> peaks;
    QString error;
    bool cancelled = false;
};

// Runs on a worker.
Outcome compute(const QString& file, std::shared_ptr<std::atomic<bool>> cancel) {
    backgroundPriority();
    Outcome outcome;
    try {
        audio::WaveformOverview overview =
            audio::computeWaveformOverview(file.toStdString(), cancel.get());
        if (cancel->load()) {
            outcome.cancelled = true;
            return outcome;
        }
        auto peaks = std::make_shared<WaveformPeaks>();
        peaks->sampleRate = overview.sampleRate;
        peaks->frames = static_cast<std::int64_t>(overview.minimum.size()) *
                        std::max(1, overview.samplesPerBucket);
        WaveformPeaks::Level level;
        level.samplesPerBucket = std::max(1, overview.samplesPerBucket);
        level.minimum = std::move(overview.minimum);
        level.maximum = std::move(overview.maximum);
        peaks->levels.push_back(std::move(level));
        // Coarser levels: each bucket the extremes of kLevelFactor finer ones.
        while (peaks->levels.back().minimum.size() > kCoarsestBuckets) {
            const WaveformPeaks::Level& fine = peaks->levels.back();
            WaveformPeaks::Level coarse;
            coarse.samplesPerBucket = fine.samplesPerBucket * kLevelFactor;
            const std::size_t count = (fine.minimum.size() + kLevelFactor - 1) / kLevelFactor;
            coarse.minimum.resize(count);
            coarse.maximum.resize(count);
            for (std::size_t i = 0; i < count; ++i) {
                const std::size_t begin = i * kLevelFactor;
                const std::size_t end = std::min(begin + kLevelFactor, fine.minimum.size());
                coarse.minimum[i] =
                    *std::min_element(fine.minimum.begin() + begin, fine.minimum.begin() + end);
                coarse.maximum[i] =
                    *std::max_element(fine.maximum.begin() + begin, fine.maximum.begin() + end);
            }
            peaks->levels.push_back(std::move(coarse));
        }
        outcome.peaks = std::move(peaks);
    } catch (...) {
        outcome.cancelled = cancel->load();
        outcome.error = describeCurrentError(QString()).message;
    }
    return outcome;
}

} // namespace

const WaveformPeaks::Level& WaveformPeaks::levelFor(double framesPerPixel) const {
    std::size_t chosen = 0;
    for (std::size_t i = 1; i < levels.size(); ++i)
        if (levels[i].samplesPerBucket <= framesPerPixel)
            chosen = i;
    return levels[chosen];
}

WaveformCache::WaveformCache(QObject* parent) : QObject(parent) {
    // One worker: overviews queue behind each other instead of taking both cores from the
    // window and the audio thread.
    pool_.setMaxThreadCount(1);
    pool_.setObjectName(QStringLiteral("waveforms"));
}

WaveformCache::~WaveformCache() {
    cancelAll();
    pool_.waitForDone();
}

std::shared_ptr<const WaveformPeaks> WaveformCache::peaks(const QString& key) const {
    return peaks_.value(key);
}

QString WaveformCache::failure(const QString& key) const {
    return failures_.value(key);
}

bool WaveformCache::isPending(const QString& key) const {
    return jobs_.contains(key);
}

void WaveformCache::request(const QString& key, const QString& file) {
    if (key.isEmpty() || peaks_.contains(key) || jobs_.contains(key) || failures_.contains(key))
        return;
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    jobs_.insert(key, Job{cancel});
    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, key, cancel] {
        watcher->deleteLater();
        const Outcome outcome = watcher->result();
        // A job cancelled (and perhaps requested again) is not this job any more.
        const auto job = jobs_.find(key);
        if (job == jobs_.end() || job->cancel != cancel)
            return;
        jobs_.erase(job);
        if (outcome.peaks) {
            peaks_.insert(key, outcome.peaks);
            Q_EMIT ready(key);
        } else if (!outcome.cancelled) {
            failures_.insert(key, outcome.error);
            Q_EMIT failed(key, outcome.error);
        }
        Q_EMIT pendingChanged(pendingCount());
    });
    watcher->setFuture(QtConcurrent::run(&pool_, compute, file, cancel));
    Q_EMIT pendingChanged(pendingCount());
}

void WaveformCache::cancelAll() {
    if (jobs_.isEmpty())
        return;
    for (const Job& job : std::as_const(jobs_))
        job.cancel->store(true);
    jobs_.clear();
    Q_EMIT pendingChanged(0);
}

void WaveformCache::clear() {
    cancelAll();
    peaks_.clear();
    failures_.clear();
}

} // namespace accord::ui
