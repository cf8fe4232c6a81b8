#include "accord/audio/instrument.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"

#include <fluidsynth.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>

namespace accord::audio {
namespace {

constexpr char kDefaultSoundfont[] = "/usr/share/sounds/sf2/FluidR3_GM.sf2";

struct SettingsDeleter {
    void operator()(fluid_settings_t* settings) const { delete_fluid_settings(settings); }
};
struct SynthDeleter {
    void operator()(fluid_synth_t* synth) const { delete_fluid_synth(synth); }
};

struct NoteEvent {
    std::int64_t frame;
    bool on;
    int pitch;
    int velocity;
};

} // namespace

std::string instrumentSoundfontPath() {
    const char* override = std::getenv("ACCORD_SOUNDFONT");
    return override != nullptr && *override != '\0' ? override : kDefaultSoundfont;
}

std::vector<std::vector<float>> renderMelodyWithInstrument(const Melody& melody, int gmProgram,
                                                           int sampleRate) {
    checkMelody(melody, "the melody to render");
    if (gmProgram < 0 || gmProgram > 127)
        throw BadInput("General MIDI program " + std::to_string(gmProgram) +
                       " (0 to 127 expected)");
    if (sampleRate < 8000 || sampleRate > 192000)
        throw BadInput("a rendering rate of " + std::to_string(sampleRate) +
                       " Hz (8 to 192 kHz expected)");
    const std::string soundfont = instrumentSoundfontPath();
    if (!fileExists(soundfont))
        throw BadInput("no General MIDI soundfont at " + soundfont +
                       " (install fluid-soundfont-gm, or set ACCORD_SOUNDFONT to an .sf2 file)");

    // FluidSynth prints its warnings itself; its failures reach the caller as BadInput.
    for (int level : {FLUID_PANIC, FLUID_ERR, FLUID_WARN, FLUID_INFO, FLUID_DBG})
        fluid_set_log_function(level, nullptr, nullptr);
    const std::unique_ptr<fluid_settings_t, SettingsDeleter> settings(new_fluid_settings());
    fluid_settings_setnum(settings.get(), "synth.sample-rate", sampleRate);
    fluid_settings_setint(settings.get(), "synth.reverb.active", 0);
    fluid_settings_setint(settings.get(), "synth.chorus.active", 0);
    // Only the samples of the programs played are loaded, not the whole 140 MiB soundfont.
    fluid_settings_setint(settings.get(), "synth.dynamic-sample-loading", 1);
    const std::unique_ptr<fluid_synth_t, SynthDeleter> synth(new_fluid_synth(settings.get()));
    if (!synth || fluid_synth_sfload(synth.get(), soundfont.c_str(), 1) == FLUID_FAILED)
        throw BadInput(soundfont + ": not a soundfont FluidSynth can load");
    fluid_synth_program_change(synth.get(), 0, gmProgram);

    const auto frameAt = [&](double beat) {
        return static_cast<std::int64_t>(std::llround(secondsAtBeat(melody, beat) * sampleRate));
    };
    std::vector<NoteEvent> events;
    for (const Note& note : melody.notes) {
        events.push_back({frameAt(note.start), true, note.pitch, note.velocity});
        events.push_back({frameAt(note.start + note.length), false, note.pitch, 0});
    }
    // In time order, a note-off before a note-on at the same frame (a repeated pitch restarts).
    std::stable_sort(events.begin(), events.end(), [](const NoteEvent& a, const NoteEvent& b) {
        return a.frame != b.frame ? a.frame < b.frame : !a.on && b.on;
    });
    const std::int64_t end = (events.empty() ? 0 : events.back().frame) +
                             std::llround(kInstrumentReleaseSeconds * sampleRate);

    std::vector<std::vector<float>> stereo(2, std::vector<float>(static_cast<std::size_t>(end)));
    std::int64_t done = 0;
    const auto renderUntil = [&](std::int64_t frame) {
        while (done < frame) {
            const int count = static_cast<int>(std::min<std::int64_t>(frame - done, 4096));
            fluid_synth_write_float(synth.get(), count, stereo[0].data() + done, 0, 1,
                                    stereo[1].data() + done, 0, 1);
            done += count;
        }
    };
    for (const NoteEvent& event : events) {
        renderUntil(event.frame);
        if (event.on)
            fluid_synth_noteon(synth.get(), 0, event.pitch, event.velocity);
        else
            fluid_synth_noteoff(synth.get(), 0, event.pitch);
    }
    renderUntil(end);
    return stereo;
}

} // namespace accord::audio
