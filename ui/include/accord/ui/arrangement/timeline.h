#pragma once

// Musical time on the arrangement: the grid following the project's tempo and time signature,
// snapping, and how positions are shown. Pure functions over samples at the project rate; no
// widgets.

#include "accord/core/project.h"

#include <QString>

#include <cstdint>

namespace accord::ui {

class TempoGrid {
public:
    static constexpr int kTicksPerBeat = 960;

    explicit TempoGrid(const Project& project);
    TempoGrid(int sampleRate, double tempo, const TimeSignature& signature = {});

    int sampleRate() const { return sampleRate_; }
    double tempo() const { return tempo_; }
    int beatsPerBar() const { return metre_.beatsPerBar; }
    double samplesPerBeat() const { return metre_.samplesPerBeat; }
    double samplesPerBar() const { return metre_.samplesPerBar(); }

    // The finest musical step (1/16 beat .. a beat, then 1 .. 64 bars) whose lines are at least
    // `minPixels` apart at `samplesPerPixel`: what the grid draws and what snapping uses at this
    // zoom. Steps longer than a beat are whole bars, so a 3/4 or 7/8 grid never splits a bar.
    double stepFor(double samplesPerPixel, double minPixels = 12.0) const;
    // The nearest grid line to `sample` at this zoom (never below 0).
    std::int64_t snap(std::int64_t sample, double samplesPerPixel) const;

    // Zero-based position in bars, beats and ticks.
    struct Position {
        std::int64_t bar = 0;
        int beat = 0;
        int tick = 0;
    };
    Position position(std::int64_t sample) const;

private:
    int sampleRate_;
    double tempo_;
    Metre metre_;
};

// "5.2.480": bar.beat.tick, one-based bars and beats as musicians count them.
QString formatBarsBeats(const TempoGrid& grid, std::int64_t sample);
// "1:08.250" (minutes:seconds.milliseconds); "1:02:03.000" past an hour.
QString formatClockTime(std::int64_t sample, int sampleRate);
// "−∞" below the floor, else "−6.0 dB" with a true minus sign.
QString formatDecibels(double db, double floorDb = -60.0);
// "C", "L 30", "R 100"
QString formatPan(double pan);

double decibelsToGain(double db);

} // namespace accord::ui
