#pragma once

// Landmark fingerprints: find a recording inside other audio, also when it is cut short, mixed
// under other music, coded, resampled, sped up, pitch-shifted or time-stretched
// (docs/IDENTIFY.md). Hand-written: no library packaged here fingerprints with landmarks that
// survive speed and pitch changes (Chromaprint compares whole files, audfprint and Dejavu fail
// beyond a few percent of speed change, Panako is Java, Olaf is not pitch-invariant).
//
// A fingerprint is a list of landmarks: triplets of spectral peaks whose hash keeps what speed,
// pitch and stretch changes leave alone (log-frequency differences, the ratio of time gaps) and
// whose stored time, span and pitch let a match tell the offset, the speed and the pitch.

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace accord::dsp {

namespace fingerprint {
constexpr int kRate = 8000;    // Hz: the analysis domain (mono)
constexpr int kFftSize = 1024; // 128 ms
constexpr int kHop = 128;      // 16 ms: one frame
constexpr double kFrameSeconds = double(kHop) / kRate;
constexpr int kVersion = 5; // bumped whenever landmarks change: an index of another version is
                            // rebuilt (docs/IDENTIFY.md "Index")
// The hash's lowest bits hold the anchor's register, which a query looks up in neighbouring cells:
// the lookup file keeps the hashes that differ only there in one bucket, side by side
// (docs/IDENTIFY.md "The lookup file").
constexpr int kRegisterBits = 5;
// A hash given more landmarks than this keeps none in the index and yields nothing to queries (a
// stop-list, as audfprint's and Panako's caps): its rows carry little evidence, and without the
// cap a query's work grows with every hour indexed (docs/IDENTIFY.md "Queries").
constexpr int kMaxRowsPerHash = 48;
} // namespace fingerprint

struct Landmark {
    std::uint32_t hash = 0;
    std::uint32_t frame = 0;     // the first peak's frame
    std::uint16_t span = 0;      // frames from the first peak to the third
    std::int16_t pitchCents = 0; // the first peak's pitch, cents above 100 Hz
    // Query side only (not indexed): two bits per hashed quantity but the ratio, set when it lies
    // near the lower or upper edge of its cell, two for the runner-up of a near tie for the loudest
    // peak and two for the middle peak of a near tie for the quietest (queryHashes).
    std::uint16_t nearEdges = 0;
    double middle = 0; // the middle peak's time as a fraction of the span (its cells depend on
                       // the span's octave looked up)
};

// Index: the landmarks stored. Query: a denser set (each anchor with more of the peaks after it),
// so that a recording's landmarks are still among a query's when another track's peaks fall
// between its peaks (docs/IDENTIFY.md "Landmarks").
enum class FingerprintSide { Index, Query };

// Streaming extraction: blocks of any size and rate in, landmarks out as soon as they are
// complete. Memory is bounded whatever the length (a ring of frames and the peaks of the last
// second). The landmarks do not depend on how the input is cut into blocks.
class Fingerprinter {
public:
    using Sink = std::function<void(const Landmark&)>;
    Fingerprinter(double sampleRate, int channels, FingerprintSide side, Sink sink);
    ~Fingerprinter();
    Fingerprinter(const Fingerprinter&) = delete;
    Fingerprinter& operator=(const Fingerprinter&) = delete;

    void add(const float* const* planar, std::size_t frames);
    // The end of the input: the last landmarks. The object is spent afterwards.
    void finish();
    // Seconds of input seen.
    double seconds() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The landmarks of mono samples at `sampleRate`, all at once.
std::vector<Landmark> fingerprintSamples(const std::vector<float>& mono, double sampleRate,
                                         FingerprintSide side);

// The hashes a query landmark is looked up under: its own and, where a quantised quantity lies
// near a cell's edge, the neighbouring cells' (so a small shift of a peak still matches).
void queryHashes(const Landmark& landmark, std::vector<std::uint32_t>& out);

// A landmark of the index found under one of a query landmark's hashes.
struct LandmarkHit {
    std::int64_t recording = 0;
    std::uint32_t frame = 0;
    std::uint16_t span = 0;
    std::int16_t pitchCents = 0;
};

// One recording found in a query.
struct LandmarkMatch {
    std::int64_t recording = 0;
    double queryStart = 0;      // seconds into the query
    double recordingStart = 0;  // seconds into the recording
    double seconds = 0;         // length of the matched part, in query time
    double speed = 1;           // recording seconds per query second
    double pitchSemitones = 0;  // the query's pitch relative to the recording's
    int landmarks = 0;          // query landmarks that agree
    double chanceLandmarks = 0; // how many would agree by chance
    int onsets = 0;             // distinct query frames the agreeing landmarks start in
    double confidence = 0;      // 0..1 (docs/IDENTIFY.md "Confidence")
};

// Finds the recordings a query's landmarks point to. `lookup(hashes, hits)` appends, for each
// hash, every indexed landmark stored under it, calling `hits(index in hashes, hit)` (none for a
// hash stored more than fingerprint::kMaxRowsPerHash times). Matches come strongest first, at
// most one per recording. `candidates`, when given, gets every recording's best fit, also those a
// match's thresholds turn down (the data the confidence is fitted on: docs/IDENTIFY.md
// "Confidence").
using LandmarkLookup =
    std::function<void(const std::vector<std::uint32_t>& hashes,
                       const std::function<void(std::size_t, const LandmarkHit&)>& hits)>;
std::vector<LandmarkMatch> matchLandmarks(const std::vector<Landmark>& query,
                                          const LandmarkLookup& lookup,
                                          std::vector<LandmarkMatch>* candidates = nullptr);

} // namespace accord::dsp
