#pragma once

// Waveform overviews for the arrangement, computed on a worker (accord::audio::
// computeWaveformOverview) and kept per asset (or per file for a render), with coarser levels so
// drawing costs the same at any zoom. Thread: owned and read by the UI thread; the workers only
// compute and hand the result back through a QFutureWatcher.

#include <QHash>
#include <QObject>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <memory>
#include <vector>

namespace accord::ui {

struct WaveformPeaks {
    struct Level {
        int samplesPerBucket = 0; // frames of the file per bucket
        std::vector<float> minimum;
        std::vector<float> maximum;
    };
    int sampleRate = 0;        // of the file
    std::int64_t frames = 0;   // length of the file in its own frames (approximately)
    std::vector<Level> levels; // finest first; each next one is 4x coarser

    // The coarsest level whose buckets are still at most `framesPerPixel` long.
    const Level& levelFor(double framesPerPixel) const;
};

class WaveformCache : public QObject {
    Q_OBJECT

public:
    explicit WaveformCache(QObject* parent = nullptr);
    // Cancels what is running and waits for it (the workers never outlive the cache).
    ~WaveformCache() override;

    // Null until computed.
    std::shared_ptr<const WaveformPeaks> peaks(const QString& key) const;
    QString failure(const QString& key) const; // why it could not be computed, or empty
    // Starts computing when neither cached nor running nor failed.
    void request(const QString& key, const QString& file);
    bool isPending(const QString& key) const;
    int pendingCount() const { return static_cast<int>(jobs_.size()); }

    // Drops everything not yet computed (the keys may be requested again later).
    void cancelAll();
    void clear();

Q_SIGNALS:
    void ready(const QString& key);
    void failed(const QString& key, const QString& message);
    void pendingChanged(int pending);

private:
    struct Job {
        std::shared_ptr<std::atomic<bool>> cancel;
    };
    QThreadPool pool_;
    QHash<QString, std::shared_ptr<const WaveformPeaks>> peaks_;
    QHash<QString, QString> failures_;
    QHash<QString, Job> jobs_;
};

} // namespace accord::ui
