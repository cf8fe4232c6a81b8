#include "accord/ui/arrangement/timeline.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace accord::ui {

namespace {
// Grid steps, finest first: fractions of a beat up to one beat, then whole bars.
constexpr std::array<double, 5> kBeatSteps{1.0 / 16, 1.0 / 8, 1.0 / 4, 1.0 / 2, 1};
constexpr std::array<double, 7> kBarSteps{1, 2, 4, 8, 16, 32, 64};
} // namespace

TempoGrid::TempoGrid(const Project& project)
    : TempoGrid(project.sampleRate, project.tempo, project.timeSignature) {}

TempoGrid::TempoGrid(int sampleRate, double tempo, const TimeSignature& signature)
    : sampleRate_(std::max(1, sampleRate)), tempo_(tempo > 0 ? tempo : 120.0),
      metre_(projectMetre(sampleRate_, tempo_, signature)) {}

double TempoGrid::stepFor(double samplesPerPixel, double minPixels) const {
    for (double beats : kBeatSteps)
        if (beats * samplesPerBeat() / samplesPerPixel >= minPixels)
            return beats * samplesPerBeat();
    for (double bars : kBarSteps)
        if (bars * samplesPerBar() / samplesPerPixel >= minPixels)
            return bars * samplesPerBar();
    return kBarSteps.back() * samplesPerBar();
}

std::int64_t TempoGrid::snap(std::int64_t sample, double samplesPerPixel) const {
    const double step = stepFor(samplesPerPixel);
    const double snapped = std::round(static_cast<double>(sample) / step) * step;
    return std::max<std::int64_t>(0, std::llround(snapped));
}

TempoGrid::Position TempoGrid::position(std::int64_t sample) const {
    const double beats = static_cast<double>(std::max<std::int64_t>(0, sample)) / samplesPerBeat();
    // A hair of tolerance so that a position exactly on a beat never shows as tick 959.
    const auto totalTicks = static_cast<std::int64_t>(std::floor(beats * kTicksPerBeat + 1e-6));
    Position p;
    const std::int64_t totalBeats = totalTicks / kTicksPerBeat;
    p.tick = static_cast<int>(totalTicks % kTicksPerBeat);
    p.bar = totalBeats / beatsPerBar();
    p.beat = static_cast<int>(totalBeats % beatsPerBar());
    return p;
}

QString formatBarsBeats(const TempoGrid& grid, std::int64_t sample) {
    const TempoGrid::Position p = grid.position(sample);
    return QStringLiteral("%1.%2.%3")
        .arg(p.bar + 1)
        .arg(p.beat + 1)
        .arg(p.tick, 3, 10, QLatin1Char('0'));
}

QString formatClockTime(std::int64_t sample, int sampleRate) {
    const std::int64_t ms =
        std::max<std::int64_t>(0, sample) * 1000 / std::max<std::int64_t>(1, sampleRate);
    const std::int64_t hours = ms / 3600000;
    const std::int64_t minutes = (ms / 60000) % 60;
    const std::int64_t seconds = (ms / 1000) % 60;
    const std::int64_t millis = ms % 1000;
    const QChar zero(QLatin1Char('0'));
    if (hours > 0)
        return QStringLiteral("%1:%2:%3.%4")
            .arg(hours)
            .arg(minutes, 2, 10, zero)
            .arg(seconds, 2, 10, zero)
            .arg(millis, 3, 10, zero);
    return QStringLiteral("%1:%2.%3")
        .arg(minutes)
        .arg(seconds, 2, 10, zero)
        .arg(millis, 3, 10, zero);
}

QString formatDecibels(double db, double floorDb) {
    if (!(db > floorDb))
        return QStringLiteral("−∞");
    QString text = QString::number(db, 'f', 1);
    if (text == QLatin1String("-0.0"))
        text = QStringLiteral("0.0");
    text.replace(QLatin1Char('-'), QChar(0x2212));
    if (db > 0.05)
        text.prepend(QLatin1Char('+'));
    return text + QStringLiteral(" dB");
}

QString formatPan(double pan) {
    const int percent = static_cast<int>(std::lround(pan * 100));
    if (percent == 0)
        return QStringLiteral("C");
    return percent < 0 ? QStringLiteral("L %1").arg(-percent) : QStringLiteral("R %1").arg(percent);
}

double decibelsToGain(double db) {
    return std::pow(10.0, db / 20.0);
}

} // namespace accord::ui
