// The fingerprint (audio/dsp fingerprint.h) on a real recording: the landmarks do not depend on
// how the stream is cut into blocks, two channels mix down as their mean, and a recording
// matches itself at offset 0, speed 1, pitch 0.

#include "accord/dsp/fingerprint.h"

#include "test_support.h"

#include <QtTest>

namespace {

using accord::dsp::Landmark;

const QString kTrack = "hyperrogue/hr3-desert.ogg";

std::vector<Landmark> inBlocks(const std::vector<float>& mono, std::size_t block) {
    std::vector<Landmark> out;
    accord::dsp::Fingerprinter f(44100, 1, accord::dsp::FingerprintSide::Index,
                                 [&](const Landmark& l) { out.push_back(l); });
    for (std::size_t start = 0; start < mono.size(); start += block) {
        const float* planar[1] = {mono.data() + start};
        f.add(planar, std::min(block, mono.size() - start));
    }
    f.finish();
    return out;
}

bool same(const std::vector<Landmark>& a, const std::vector<Landmark>& b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](const Landmark& x, const Landmark& y) {
               return x.hash == y.hash && x.frame == y.frame && x.span == y.span &&
                      x.pitchCents == y.pitchCents && x.nearEdges == y.nearEdges;
           });
}

} // namespace

class TestFingerprint : public QObject {
    Q_OBJECT

private slots:
    void landmarksDoNotDependOnBlocks() {
        ACCORD_REQUIRE_MATERIAL(track, kTrack);
        const auto mono = accord::test::soxFloats(track, {"trim", "0", "30", "channels", "1"});
        QVERIFY(!mono.empty());
        const auto whole =
            accord::dsp::fingerprintSamples(mono, 44100, accord::dsp::FingerprintSide::Index);
        QVERIFY2(whole.size() > 30 * 50, qPrintable(QString::number(whole.size())));
        QVERIFY(same(whole, inBlocks(mono, 1)));
        QVERIFY(same(whole, inBlocks(mono, 777)));
        QVERIFY(same(whole, inBlocks(mono, 16384)));
    }

    void stereoIsItsMean() {
        ACCORD_REQUIRE_MATERIAL(track, kTrack);
        const auto left = accord::test::soxFloats(track, {"trim", "0", "10", "remix", "1"});
        const auto right = accord::test::soxFloats(track, {"trim", "0", "10", "remix", "2"});
        QVERIFY(!left.empty() && left.size() == right.size());
        std::vector<float> mean(left.size());
        for (std::size_t i = 0; i < left.size(); ++i)
            mean[i] = (left[i] + right[i]) * 0.5f;
        std::vector<Landmark> stereo;
        accord::dsp::Fingerprinter f(44100, 2, accord::dsp::FingerprintSide::Index,
                                     [&](const Landmark& l) { stereo.push_back(l); });
        const float* planar[2] = {left.data(), right.data()};
        f.add(planar, left.size());
        f.finish();
        QVERIFY(same(stereo, accord::dsp::fingerprintSamples(mean, 44100,
                                                             accord::dsp::FingerprintSide::Index)));
        QCOMPARE(f.seconds(), double(left.size()) / 44100);
    }

    void queryLandmarksHoldTheIndexOnes() {
        // The query's denser set (more later peaks per anchor) holds every indexed landmark, so
        // the index's triplets are found whatever else the query adds.
        ACCORD_REQUIRE_MATERIAL(track, kTrack);
        const auto mono = accord::test::soxFloats(track, {"trim", "0", "10", "channels", "1"});
        const auto indexed =
            accord::dsp::fingerprintSamples(mono, 44100, accord::dsp::FingerprintSide::Index);
        const auto query =
            accord::dsp::fingerprintSamples(mono, 44100, accord::dsp::FingerprintSide::Query);
        QVERIFY(query.size() > indexed.size() * 2);
        std::size_t held = 0;
        for (const Landmark& l : indexed)
            held += std::any_of(query.begin(), query.end(), [&](const Landmark& q) {
                return q.hash == l.hash && q.frame == l.frame && q.span == l.span;
            });
        QCOMPARE(held, indexed.size());
    }

    void recordingMatchesItself() {
        ACCORD_REQUIRE_MATERIAL(track, kTrack);
        const auto mono = accord::test::soxFloats(track, {"trim", "0", "30", "channels", "1"});
        const auto landmarks =
            accord::dsp::fingerprintSamples(mono, 44100, accord::dsp::FingerprintSide::Index);
        const auto matches = accord::dsp::matchLandmarks(
            landmarks, [&](const std::vector<std::uint32_t>& hashes, const auto& hit) {
                for (std::size_t i = 0; i < hashes.size(); ++i)
                    for (const Landmark& l : landmarks)
                        if (l.hash == hashes[i])
                            hit(i, {7, l.frame, l.span, l.pitchCents});
            });
        QCOMPARE(int(matches.size()), 1);
        QCOMPARE(matches.front().recording, std::int64_t(7));
        QVERIFY(std::abs(matches.front().queryStart - matches.front().recordingStart) < 0.02);
        QVERIFY(std::abs(matches.front().speed - 1) < 1e-3);
        QVERIFY(std::abs(matches.front().pitchSemitones) < 0.01);
        QVERIFY(matches.front().seconds > 29);
    }
};

QTEST_GUILESS_MAIN(TestFingerprint)
#include "test_fingerprint.moc"
