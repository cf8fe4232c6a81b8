#include "variation_views.h"

#include "accord/ui/arrangement/waveform_cache.h"
#include "accord/ui/common/palette.h"

#include <QPainter>

#include <algorithm>
#include <utility>

namespace accord::ui {

namespace {

constexpr QSize kPictureSize(220, 44);
constexpr int kMinimumPitchSpan = 12; // an octave at least, so a narrow line is not stretched

} // namespace

WaveformStrip::WaveformStrip(WaveformCache* cache, const QString& file, QWidget* parent)
    : QWidget(parent), cache_(cache), file_(file) {
    setObjectName(QStringLiteral("variationWaveform"));
    connect(cache_, &WaveformCache::ready, this, [this](const QString& key) {
        if (key == file_)
            update();
    });
    cache_->request(file_, file_);
}

QSize WaveformStrip::sizeHint() const {
    return kPictureSize;
}

void WaveformStrip::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), palette::field);
    const std::shared_ptr<const WaveformPeaks> peaks = cache_->peaks(file_);
    if (!peaks || peaks->frames <= 0 || width() <= 0)
        return;
    const double framesPerPixel = double(peaks->frames) / width();
    const WaveformPeaks::Level& level = peaks->levelFor(framesPerPixel);
    if (level.minimum.empty() || level.samplesPerBucket <= 0)
        return;
    const double middle = height() / 2.0;
    painter.setPen(palette::accent);
    for (int x = 0; x < width(); ++x) {
        const auto first = static_cast<std::size_t>(x * framesPerPixel / level.samplesPerBucket);
        const auto last = std::max(
            first + 1, static_cast<std::size_t>((x + 1) * framesPerPixel / level.samplesPerBucket));
        if (first >= level.minimum.size())
            break;
        float low = 0;
        float high = 0;
        for (std::size_t i = first; i < std::min(last, level.minimum.size()); ++i) {
            low = std::min(low, level.minimum[i]);
            high = std::max(high, level.maximum[i]);
        }
        painter.drawLine(QPointF(x, middle - high * middle), QPointF(x, middle - low * middle));
    }
}

PianoRoll::PianoRoll(accord::Melody melody, QWidget* parent)
    : QWidget(parent), melody_(std::move(melody)) {
    setObjectName(QStringLiteral("variationPianoRoll"));
}

QSize PianoRoll::sizeHint() const {
    return kPictureSize;
}

void PianoRoll::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), palette::field);
    if (melody_.notes.empty())
        return;
    int lowest = 127;
    int highest = 0;
    double end = 0;
    for (const Note& note : melody_.notes) {
        lowest = std::min(lowest, note.pitch);
        highest = std::max(highest, note.pitch);
        end = std::max(end, note.start + note.length);
    }
    const int spare = std::max(0, kMinimumPitchSpan - (highest - lowest)) / 2;
    lowest -= spare;
    highest = std::max(highest + spare, lowest + kMinimumPitchSpan);
    const double rowHeight = double(height()) / (highest - lowest + 1);
    const double pixelsPerBeat = end > 0 ? width() / end : 0;
    for (const Note& note : melody_.notes) {
        const QRectF box(note.start * pixelsPerBeat, (highest - note.pitch) * rowHeight,
                         std::max(1.0, note.length * pixelsPerBeat - 1), std::max(1.0, rowHeight));
        painter.fillRect(box, palette::positionBars);
    }
}

} // namespace accord::ui
