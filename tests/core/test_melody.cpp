// Note events (accord/core/melody.h): the tempo map both ways, one line from overlapping notes,
// the checks on melodies read from outside.

#include "accord/core/errors.h"
#include "accord/core/melody.h"

#include <QtTest>

using namespace accord;

class MelodyTest : public QObject {
    Q_OBJECT

private slots:
    void tempoMapBothWays() {
        Melody melody;
        QCOMPARE(secondsAtBeat(melody, 4), 2.0); // 120 bpm without a tempo map
        melody.tempo = {{0, 60}, {2, 120}, {6, 240}};
        QCOMPARE(secondsAtBeat(melody, 1), 1.0);
        QCOMPARE(secondsAtBeat(melody, 2), 2.0);
        QCOMPARE(secondsAtBeat(melody, 4), 3.0);
        QCOMPARE(secondsAtBeat(melody, 8), 4.5);
        for (double beat : {0.0, 0.5, 1.99, 2.0, 3.3, 6.0, 7.25, 100.0})
            QVERIFY(std::abs(beatAtSeconds(melody, secondsAtBeat(melody, beat)) - beat) < 1e-9);
    }

    void topLineKeepsTheHighestSoundingNote() {
        // A chord, a melody note over a held bass, and a low note starting under a high one.
        const std::vector<Note> notes = {{0, 2, 48, 90}, {0, 1, 64, 90},   {0, 1, 60, 90},
                                         {1, 1, 67, 90}, {1.5, 1, 55, 90}, {3, 1, 62, 90}};
        const std::vector<Note> line = topLine(notes);
        QCOMPARE(line.size(), std::size_t(3));
        QCOMPARE(line[0].pitch, 64);
        QCOMPARE(line[1].pitch, 67);
        QCOMPARE(line[2].pitch, 62);
        // A held note is cut where a higher one starts.
        const std::vector<Note> cut = topLine({{0, 4, 60, 90}, {1, 1, 72, 90}});
        QCOMPARE(cut.size(), std::size_t(2));
        QCOMPARE(cut[0].length, 1.0);
    }

    void badMelodiesAreNamed() {
        Melody melody;
        melody.notes = {{0, 1, 60, 90}, {0.5, 1, 62, 90}};
        QVERIFY_EXCEPTION_THROWN(checkMelody(melody, "phrase.mid"), BadInput);
        try {
            checkMelody(melody, "phrase.mid");
        } catch (const BadInput& e) {
            QVERIFY(QString(e.what()).startsWith("phrase.mid: note 2 "));
        }
        melody.notes = {{0, 1, 128, 90}};
        QVERIFY_EXCEPTION_THROWN(checkMelody(melody, "x"), BadInput);
        melody.notes = {{0, 0, 60, 90}};
        QVERIFY_EXCEPTION_THROWN(checkMelody(melody, "x"), BadInput);
        melody.notes = {{0, 1, 60, 90}};
        melody.tempo = {{0, 0}};
        QVERIFY_EXCEPTION_THROWN(checkMelody(melody, "x"), BadInput);
        melody.tempo = {{0, 100}};
        melody.beatUnit = 3;
        QVERIFY_EXCEPTION_THROWN(checkMelody(melody, "x"), BadInput);
        melody.beatUnit = 8;
        checkMelody(melody, "x");
    }
};

QTEST_GUILESS_MAIN(MelodyTest)
#include "test_melody.moc"
