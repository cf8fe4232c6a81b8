// MIDI files (accord/audio/midi_file.h): round trips, real files made by mma and abc2midi, the
// canonical note list across re-saved files, drums and chords, and malformed files.

#include "accord/audio/midi_file.h"
#include "accord/core/errors.h"

#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

using namespace accord;
using namespace accord::audio;

namespace {

// Hand-made standard MIDI files: the re-saved layouts and the malformed files JUCE's writer
// never makes.
std::string bigEndian(std::uint32_t value, int bytes) {
    std::string out;
    for (int i = bytes - 1; i >= 0; --i)
        out += static_cast<char>((value >> (8 * i)) & 0xff);
    return out;
}

std::string variableLength(std::uint32_t value) {
    std::string out(1, static_cast<char>(value & 0x7f));
    while (value >>= 7)
        out.insert(out.begin(), static_cast<char>(0x80 | (value & 0x7f)));
    return out;
}

std::string header(int format, int tracks, int division) {
    return "MThd" + bigEndian(6, 4) + bigEndian(format, 2) + bigEndian(tracks, 2) +
           bigEndian(static_cast<std::uint16_t>(division), 2);
}

std::string trackChunk(const std::string& events) {
    return "MTrk" + bigEndian(static_cast<std::uint32_t>(events.size()), 4) + events;
}

struct Event {
    std::uint32_t tick;
    std::string bytes; // status (or none, under running status) and data
};

// Events (sorted by tick) as a track body with delta times and an end-of-track.
std::string trackEvents(const std::vector<Event>& events) {
    std::string body;
    std::uint32_t last = 0;
    for (const Event& event : events) {
        body += variableLength(event.tick - last) + event.bytes;
        last = event.tick;
    }
    return body + std::string("\x00\xff\x2f\x00", 4);
}

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int v : values)
        out += static_cast<char>(v);
    return out;
}

std::string tempoEvent(int microsecondsPerBeat) {
    return bytes({0xff, 0x51, 0x03}) +
           bigEndian(static_cast<std::uint32_t>(microsecondsPerBeat), 3);
}

void writeBytes(const QString& path, const std::string& content) {
    std::ofstream out(path.toStdString(), std::ios::binary);
    out << content;
}

void expectBadInput(const std::string& path, const char* what) {
    try {
        readMidiFile(path);
        QFAIL(qPrintable(QString("%1 was read").arg(what)));
    } catch (const BadInput& error) {
        qInfo("%s", error.what()); // the message a user reads, in the test's log
        QVERIFY2(std::string(error.what()).find(path) != std::string::npos, error.what());
    }
}

Melody twoTempoMelody() {
    Melody melody;
    melody.tempo = {{0, 132}, {6, 90}};
    melody.beatsPerBar = 3;
    melody.beatUnit = 4;
    const int pitches[] = {67, 67, 69, 71, 72, 74, 72, 71, 69};
    double beat = 0.5;
    for (int i = 0; i < 9; ++i) {
        const double length = i % 3 == 2 ? 1.0 / 3.0 : 0.75;
        melody.notes.push_back({beat, length, pitches[i], 40 + 9 * i});
        beat += i == 1 ? length : 1.0; // notes 2 and 3 abut, the same pitch repeated before
    }
    return melody;
}

} // namespace

class TestMidiFile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTripKeepsNotesTempoAndSignature() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("line.mid").toStdString();
        const Melody melody = twoTempoMelody();
        writeMidiFile(path, melody, 73);
        QVERIFY(looksLikeMidi(path));
        const MidiFileContent content = readMidiFile(path);
        QCOMPARE(content.lines.size(), std::size_t(1));
        const Melody& back = content.lines[0];
        QCOMPARE(back.notes.size(), melody.notes.size());
        for (std::size_t i = 0; i < melody.notes.size(); ++i) {
            QVERIFY(std::abs(back.notes[i].start - melody.notes[i].start) < 1e-3);
            QVERIFY(std::abs(back.notes[i].length - melody.notes[i].length) < 1e-3);
            QCOMPARE(back.notes[i].pitch, melody.notes[i].pitch);
            QCOMPARE(back.notes[i].velocity, melody.notes[i].velocity);
        }
        QCOMPARE(back.tempo.size(), std::size_t(2));
        QCOMPARE(back.tempo[1].beat, 6.0);
        QVERIFY(std::abs(back.tempo[0].bpm - 132) < 1e-3 &&
                std::abs(back.tempo[1].bpm - 90) < 1e-3);
        QCOMPARE(back.beatsPerBar, 3);
        QCOMPARE(back.beatUnit, 4);
        const Note& last = melody.notes.back();
        QVERIFY(std::abs(content.durationSeconds -
                         secondsAtBeat(melody, last.start + last.length)) < 1e-3);
        QCOMPARE(content.fileSha256.size(), std::size_t(64));
        QVERIFY(content.fileSha256 != content.notesSha256);

        try {
            writeMidiFile(dir.filePath("bad.mid").toStdString(), melody, 128);
            QFAIL("program 128 was written");
        } catch (const BadInput& error) {
            QVERIFY2(std::string(error.what()).find("bad.mid") != std::string::npos, error.what());
        }
        QVERIFY(!QFile::exists(dir.filePath("bad.mid")));
    }

    // The same two parts as a format-1 file at 960 ticks per beat with a track each, and as a
    // format-0 file at 480 with the parts on channels 1 and 2, note-offs written as note-ons of
    // velocity 0 and running status.
    void resavedFileHasTheSameNotes() {
        QTemporaryDir dir;
        const auto part = [](int channel, int pitchBase, int ticksPerBeat, bool runningStatus) {
            std::vector<Event> events;
            for (int i = 0; i < 6; ++i) {
                const std::uint32_t on = static_cast<std::uint32_t>(i * ticksPerBeat);
                const int pitch = pitchBase + 2 * i;
                events.push_back({on, bytes({0x90 | (channel - 1), pitch, 80 + i})});
                events.push_back(
                    {on + ticksPerBeat / 2,
                     runningStatus ? bytes({pitch, 0}) : bytes({0x80 | (channel - 1), pitch, 64})});
            }
            return events;
        };
        // One track, channels interleaved in time: running status holds only within one channel,
        // so each event of the other channel restates its status.
        std::vector<Event> merged;
        const std::vector<Event> first = part(1, 60, 480, true), second = part(2, 48, 480, true);
        for (std::size_t i = 0; i < first.size(); ++i) {
            Event a = first[i], b = second[i];
            if (a.bytes.size() == 2)
                a.bytes.insert(a.bytes.begin(), static_cast<char>(0x90));
            if (b.bytes.size() == 2)
                b.bytes.insert(b.bytes.begin(), static_cast<char>(0x91));
            merged.push_back(a);
            merged.push_back(b);
        }
        // ... but within a run of one channel's events the status is left out.
        merged.push_back({6 * 480, bytes({0x90, 90, 100})});
        merged.push_back({6 * 480 + 240, bytes({90, 0})});
        std::vector<Event> splitTail = {{6 * 960, bytes({0x90, 90, 100})},
                                        {6 * 960 + 480, bytes({0x80, 90, 0})}};
        const QString single = dir.filePath("single.mid");
        writeBytes(single, header(0, 1, 480) + trackChunk(tempoEvent(500000).insert(0, 1, '\0') +
                                                          trackEvents(merged)));
        const QString split = dir.filePath("split.mid");
        std::vector<Event> firstPart = part(1, 60, 960, false);
        firstPart.insert(firstPart.end(), splitTail.begin(), splitTail.end());
        writeBytes(split, header(1, 3, 960) + trackChunk(trackEvents({{0, tempoEvent(500000)}})) +
                              trackChunk(trackEvents(firstPart)) +
                              trackChunk(trackEvents(part(2, 48, 960, false))));

        const MidiFileContent a = readMidiFile(split.toStdString());
        const MidiFileContent b = readMidiFile(single.toStdString());
        QCOMPARE(a.notesSha256, b.notesSha256);
        QVERIFY(a.fileSha256 != b.fileSha256);
        QCOMPARE(a.lines.size(), std::size_t(2));
        QCOMPARE(b.lines.size(), std::size_t(2));
        for (std::size_t l = 0; l < 2; ++l) {
            QCOMPARE(a.lines[l].notes.size(), b.lines[l].notes.size());
            for (std::size_t i = 0; i < a.lines[l].notes.size(); ++i) {
                QCOMPARE(a.lines[l].notes[i].start, b.lines[l].notes[i].start);
                QCOMPARE(a.lines[l].notes[i].pitch, b.lines[l].notes[i].pitch);
            }
        }
        QCOMPARE(a.lines[0].notes.size(), std::size_t(7));

        // A melody written by writeMidiFile and the same notes hand-made at 480 ticks per beat.
        Melody melody;
        melody.notes = {{0, 0.5, 60, 90}, {1, 1.5, 64, 91}, {2.5, 0.25, 67, 92}};
        const std::string written = dir.filePath("written.mid").toStdString();
        writeMidiFile(written, melody);
        const QString handMade = dir.filePath("hand.mid");
        writeBytes(handMade, header(0, 1, 480) + trackChunk(trackEvents({
                                                     {0, bytes({0x90, 60, 90})},
                                                     {240, bytes({60, 0})},
                                                     {480, bytes({64, 91})},
                                                     {1200, bytes({64, 0})},
                                                     {1200, bytes({67, 92})},
                                                     {1320, bytes({67, 0})},
                                                 })));
        const MidiFileContent c = readMidiFile(written), d = readMidiFile(handMade.toStdString());
        QCOMPARE(c.notesSha256, d.notesSha256);
        QVERIFY(c.fileSha256 != d.fileSha256);
    }

    void drumsAreIgnoredAndChordsReducedToTheTopLine() {
        QTemporaryDir dir;
        const QString path = dir.filePath("band.mid");
        // A C major chord for a beat, then E alone; a kick drum (channel 10) every half beat.
        writeBytes(path, header(0, 1, 96) + trackChunk(trackEvents({
                                                {0, bytes({0x90, 60, 70})},
                                                {0, bytes({64, 70})},
                                                {0, bytes({67, 70})},
                                                {0, bytes({0x99, 36, 120})},
                                                {48, bytes({0x99, 36, 120})},
                                                {96, bytes({0x80, 60, 0})},
                                                {96, bytes({64, 0})},
                                                {96, bytes({67, 0})},
                                                {96, bytes({0x90, 76, 70})},
                                                {192, bytes({0x80, 76, 0})},
                                            })));
        const MidiFileContent content = readMidiFile(path.toStdString());
        QCOMPARE(content.lines.size(), std::size_t(1));
        const std::vector<Note>& notes = content.lines[0].notes;
        QCOMPARE(notes.size(), std::size_t(2));
        QCOMPARE(notes[0].pitch, 67);
        QCOMPARE(notes[0].length, 1.0);
        QCOMPARE(notes[1].pitch, 76);
        QCOMPARE(notes[1].start, 1.0);

        const QString drumsOnly = dir.filePath("drums.mid");
        writeBytes(drumsOnly, header(0, 1, 96) + trackChunk(trackEvents({
                                                     {0, bytes({0x99, 36, 120})},
                                                     {48, bytes({0x89, 36, 0})},
                                                 })));
        expectBadInput(drumsOnly.toStdString(), "a file of drums only");
    }

    void readsAnMmaFile() {
        ACCORD_REQUIRE_MATERIAL(path, "melodies/mma/twinkle.mid");
        const MidiFileContent content = readMidiFile(path.toStdString());
        QVERIFY(content.lines.size() >= 2); // the melody and the accompaniment
        QVERIFY(content.durationSeconds > 10);
        for (const Melody& line : content.lines) {
            checkMelody(line, path.toStdString());
            QVERIFY(!line.notes.empty());
        }
    }

    void readsAnAbc2midiFile() {
        ACCORD_REQUIRE_MATERIAL(path, "melodies/abc/coleraine8.mid");
        const MidiFileContent content = readMidiFile(path.toStdString());
        QVERIFY(!content.lines.empty());
        std::size_t notes = 0;
        for (const Melody& line : content.lines)
            notes += line.notes.size();
        QVERIFY(notes > 50);
        QVERIFY(content.durationSeconds > 10);
    }

    void malformedFilesAreRefusedNamingThem() {
        QTemporaryDir dir;
        const std::string notes = trackEvents({{0, bytes({0x90, 60, 90})}, {96, bytes({60, 0})}});
        const std::string good = header(0, 1, 96) + trackChunk(notes);
        const struct {
            const char* name;
            std::string content;
        } cases[] = {
            {"empty.mid", ""},
            {"garbage.mid", "this is not a MIDI file at all"},
            {"riff.mid", "RIFF\x10\0\0\0WAVEfmt "},
            {"header-only.mid", header(0, 1, 96).substr(0, 10)},
            {"truncated-track.mid", good.substr(0, good.size() - 5)},
            {"huge-track.mid", header(0, 1, 96) + "MTrk" + bigEndian(0xfffffff0u, 4) + notes},
            {"zero-tracks.mid", header(1, 0, 96)},
            {"running-status-without-status.mid",
             header(0, 1, 96) + trackChunk(std::string("\x00\x3c\x40\x60\x3c\x00", 6) +
                                           std::string("\x00\xff\x2f\x00", 4))},
            {"smpte.mid", header(0, 1, 0xe728) + trackChunk(notes)},
            {"trailing-bytes.mid", good + "xyz"},
            {"no-notes.mid", header(0, 1, 96) + trackChunk(trackEvents({}))},
        };
        for (const auto& c : cases) {
            const QString path = dir.filePath(c.name);
            writeBytes(path, c.content);
            expectBadInput(path.toStdString(), c.name);
        }
        QVERIFY(!looksLikeMidi(dir.filePath("garbage.mid").toStdString()));
        QVERIFY(looksLikeMidi(dir.filePath("smpte.mid").toStdString()));

        // By content, not by name: a MIDI file named .wav is one.
        writeBytes(dir.filePath("melody.wav"), good);
        QVERIFY(looksLikeMidi(dir.filePath("melody.wav").toStdString()));
        QCOMPARE(readMidiFile(dir.filePath("melody.wav").toStdString()).lines.size(),
                 std::size_t(1));

        // Not regular files: a folder and a pipe with no writer (never waited on).
        expectBadInput(dir.path().toStdString(), "a folder");
        QVERIFY(!looksLikeMidi(dir.path().toStdString()));
        const QString fifo = dir.filePath("pipe.mid");
        QCOMPARE(::mkfifo(fifo.toLocal8Bit().constData(), 0600), 0);
        expectBadInput(fifo.toStdString(), "a pipe");
        QVERIFY(!looksLikeMidi(fifo.toStdString()));
        expectBadInput(dir.filePath("missing.mid").toStdString(), "a missing file");
    }
};

QTEST_GUILESS_MAIN(TestMidiFile)
#include "test_midi_file.moc"
