#include "accord/audio/midi_file.h"

#include "source_file.h"

#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"

#include <juce_audio_basics/juce_audio_basics.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <tuple>

namespace accord::audio {
namespace {

// MIDI files are small (a long orchestral score is a few hundred KiB); anything larger is not
// one a person made by hand or by a sequencer.
constexpr std::size_t kMaxMidiFileBytes = std::size_t(16) << 20;
constexpr int kDrumChannel = 10;            // General MIDI percussion (JUCE counts channels from 1)
constexpr int kCanonicalTicksPerBeat = 960; // the grid of the canonical note list and of writing
constexpr char kMagic[] = {'M', 'T', 'h', 'd'};

struct NoteOnChannel {
    Note note;
    int channel = 1;
};

// The notes of one JUCE track (note-ons paired with their note-offs by readFrom), in beats.
// A note-on never released is cut at the track's end (readFrom adds the note-off); notes of no
// length (on and off on one tick) are left out: nothing sounds.
std::vector<NoteOnChannel> notesOf(const juce::MidiMessageSequence& track, double ticksPerBeat) {
    std::vector<NoteOnChannel> notes;
    for (int i = 0; i < track.getNumEvents(); ++i) {
        const auto* event = track.getEventPointer(i);
        const juce::MidiMessage& message = event->message;
        if (!message.isNoteOn() || message.getChannel() == kDrumChannel)
            continue;
        const double onTick = message.getTimeStamp();
        const double offTick =
            event->noteOffObject != nullptr ? event->noteOffObject->message.getTimeStamp() : onTick;
        if (offTick <= onTick)
            continue;
        NoteOnChannel note;
        note.note.start = onTick / ticksPerBeat;
        note.note.length = (offTick - onTick) / ticksPerBeat;
        note.note.pitch = message.getNoteNumber();
        note.note.velocity = message.getVelocity();
        note.channel = message.getChannel();
        notes.push_back(note);
    }
    return notes;
}

// The tempo map of every track's tempo events, in beats; 120 bpm until the first one (the SMF
// default). Of several changes on one tick the last wins.
std::vector<TempoChange> tempoMapOf(const juce::MidiFile& file, double ticksPerBeat) {
    juce::MidiMessageSequence events;
    file.findAllTempoEvents(events);
    std::vector<TempoChange> tempo{{0, 120}};
    for (int i = 0; i < events.getNumEvents(); ++i) {
        const auto& message = events.getEventPointer(i)->message;
        const double secondsPerBeat = message.getTempoSecondsPerQuarterNote();
        const TempoChange change{message.getTimeStamp() / ticksPerBeat,
                                 secondsPerBeat > 0 ? 60.0 / secondsPerBeat : 0.0};
        if (change.beat <= tempo.back().beat)
            tempo.back().bpm = change.bpm;
        else if (change.bpm != tempo.back().bpm)
            tempo.push_back(change);
    }
    return tempo;
}

std::string canonicalNotesSha256(std::vector<Note> notes) {
    using Key = std::tuple<long long, long long, int, int>;
    std::vector<Key> keys;
    keys.reserve(notes.size());
    for (const Note& note : notes)
        keys.emplace_back(std::llround(note.start * kCanonicalTicksPerBeat),
                          std::llround(note.length * kCanonicalTicksPerBeat), note.pitch,
                          note.velocity);
    std::sort(keys.begin(), keys.end());
    std::string text;
    for (const auto& [start, length, pitch, velocity] : keys)
        text += std::to_string(start) + ' ' + std::to_string(length) + ' ' + std::to_string(pitch) +
                ' ' + std::to_string(velocity) + '\n';
    return sha256Hex(text);
}

} // namespace

bool looksLikeMidi(const std::string& path) {
    try {
        const detail::SourceFile file(path);
        char magic[sizeof kMagic] = {};
        return file.readAt(0, magic, sizeof magic) == static_cast<std::int64_t>(sizeof magic) &&
               std::memcmp(magic, kMagic, sizeof magic) == 0;
    } catch (const BadInput&) {
        return false;
    }
}

MidiFileContent readMidiFile(const std::string& path) {
    const std::string bytes = readWholeFile(path, kMaxMidiFileBytes);
    const auto fail = [&](const std::string& problem) { throw BadInput(path + ": " + problem); };
    if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
        fail("not a MIDI file (no \"MThd\" header)");

    juce::MemoryInputStream stream(bytes.data(), bytes.size(), false);
    juce::MidiFile file;
    int format = 0;
    if (!file.readFrom(stream, true, &format))
        fail("truncated or malformed MIDI file (a header or track chunk runs past the end of the "
             "file, or bytes follow the last track)");
    if (file.getTimeFormat() <= 0)
        fail("SMPTE time division (frames per second), which Accord does not read; only ticks "
             "per quarter note");
    if (file.getNumTracks() == 0)
        fail("a MIDI file without tracks");
    const double ticksPerBeat = file.getTimeFormat();

    Melody shape;
    shape.tempo = tempoMapOf(file, ticksPerBeat);
    juce::MidiMessageSequence signatures;
    file.findAllTimeSigEvents(signatures);
    if (signatures.getNumEvents() > 0)
        signatures.getEventPointer(0)->message.getTimeSignatureInfo(shape.beatsPerBar,
                                                                    shape.beatUnit);

    MidiFileContent content;
    content.fileSha256 = sha256Hex(bytes);
    std::vector<Note> allNotes;
    for (int t = 0; t < file.getNumTracks(); ++t) {
        const std::vector<NoteOnChannel> notes = notesOf(*file.getTrack(t), ticksPerBeat);
        // A format-0 file holds every part in one track, told apart by channel.
        std::map<int, std::vector<Note>> parts;
        for (const NoteOnChannel& note : notes) {
            parts[format == 0 ? note.channel : 0].push_back(note.note);
            allNotes.push_back(note.note);
        }
        for (auto& [channel, partNotes] : parts) {
            Melody line = shape;
            line.notes = topLine(std::move(partNotes));
            checkMelody(line, path);
            content.lines.push_back(std::move(line));
        }
    }
    if (allNotes.empty())
        fail("no notes (drums on channel 10 are not counted)");
    content.notesSha256 = canonicalNotesSha256(std::move(allNotes));
    content.durationSeconds = secondsAtBeat(shape, file.getLastTimestamp() / ticksPerBeat);
    return content;
}

void writeMidiFile(const std::string& path, const Melody& melody, int gmProgram) {
    checkMelody(melody, path);
    if (gmProgram < 0 || gmProgram > 127)
        throw BadInput(path + ": General MIDI program " + std::to_string(gmProgram) +
                       " (0 to 127 expected)");
    const auto tick = [](double beat) { return std::round(beat * kCanonicalTicksPerBeat); };

    juce::MidiMessageSequence conductor;
    const std::vector<TempoChange> tempo =
        melody.tempo.empty() ? std::vector<TempoChange>{{0, 120}} : melody.tempo;
    for (const TempoChange& change : tempo) {
        auto message =
            juce::MidiMessage::tempoMetaEvent(static_cast<int>(std::lround(60e6 / change.bpm)));
        message.setTimeStamp(tick(change.beat));
        conductor.addEvent(message);
    }
    auto signature = juce::MidiMessage::timeSignatureMetaEvent(melody.beatsPerBar, melody.beatUnit);
    signature.setTimeStamp(0);
    conductor.addEvent(signature);

    constexpr int channel = 1;
    juce::MidiMessageSequence notes;
    notes.addEvent(juce::MidiMessage::programChange(channel, gmProgram), 0);
    for (const Note& note : melody.notes) {
        // Added in time order, so a note-off lands before a note-on on the same tick.
        notes.addEvent(
            juce::MidiMessage::noteOn(channel, note.pitch, static_cast<juce::uint8>(note.velocity)),
            tick(note.start));
        notes.addEvent(juce::MidiMessage::noteOff(channel, note.pitch),
                       tick(note.start + note.length));
    }

    juce::MidiFile file;
    file.setTicksPerQuarterNote(kCanonicalTicksPerBeat);
    file.addTrack(conductor);
    file.addTrack(notes);
    juce::MemoryOutputStream out;
    if (!file.writeTo(out, 1))
        throw BadInput(path + ": the MIDI file could not be written");
    writeFileAtomically(path,
                        std::string(static_cast<const char*>(out.getData()), out.getDataSize()));
}

} // namespace accord::audio
