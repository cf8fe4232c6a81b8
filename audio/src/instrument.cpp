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

// A synth playing a soundfont another synth loaded: it gives the soundfont back before it is
// deleted, since a synth frees the soundfonts it holds.
struct BorrowingSynth {
    std::unique_ptr<fluid_synth_t, SynthDeleter> synth;
    fluid_sfont_t* soundfont;
    BorrowingSynth(fluid_settings_t* settings, fluid_sfont_t* borrowed)
        : synth(new_fluid_synth(settings)), soundfont(borrowed) {
        if (!synth || fluid_synth_add_sfont(synth.get(), soundfont) == FLUID_FAILED)
            throw BadInput("FluidSynth could not start a synthesiser");
    }
    ~BorrowingSynth() {
        if (synth)
            fluid_synth_remove_sfont(synth.get(), soundfont);
    }
    BorrowingSynth(const BorrowingSynth&) = delete;
    BorrowingSynth& operator=(const BorrowingSynth&) = delete;
};

} // namespace

std::string instrumentSoundfontPath() {
    const char* override = std::getenv("ACCORD_SOUNDFONT");
    return override != nullptr && *override != '\0' ? override : kDefaultSoundfont;
}

struct Instrument::Impl {
    std::unique_ptr<fluid_settings_t, SettingsDeleter> settings;
    // Holds the soundfont and keeps the program's samples loaded; each melody is played by a
    // fresh synth that borrows them, so no state carries from one melody to the next.
    std::unique_ptr<fluid_synth_t, SynthDeleter> loader;
    fluid_sfont_t* soundfont = nullptr;
    int program = 0;
    int sampleRate = 0;
};

Instrument::Instrument(int gmProgram, int sampleRate) : impl_(std::make_unique<Impl>()) {
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
    impl_->settings.reset(new_fluid_settings());
    fluid_settings_setnum(impl_->settings.get(), "synth.sample-rate", sampleRate);
    fluid_settings_setint(impl_->settings.get(), "synth.reverb.active", 0);
    fluid_settings_setint(impl_->settings.get(), "synth.chorus.active", 0);
    // Only the samples of the programs played are loaded, not the whole 140 MiB soundfont.
    fluid_settings_setint(impl_->settings.get(), "synth.dynamic-sample-loading", 1);
    impl_->loader.reset(new_fluid_synth(impl_->settings.get()));
    const int id = impl_->loader ? fluid_synth_sfload(impl_->loader.get(), soundfont.c_str(), 1)
                                 : FLUID_FAILED;
    if (id == FLUID_FAILED)
        throw BadInput(soundfont + ": not a soundfont FluidSynth can load");
    fluid_synth_program_change(impl_->loader.get(), 0, gmProgram);
    impl_->soundfont = fluid_synth_get_sfont_by_id(impl_->loader.get(), id);
    impl_->program = gmProgram;
    impl_->sampleRate = sampleRate;
}

Instrument::~Instrument() = default;
Instrument::Instrument(Instrument&&) noexcept = default;
Instrument& Instrument::operator=(Instrument&&) noexcept = default;

std::vector<std::vector<float>> Instrument::play(const Melody& melody) {
    checkMelody(melody, "the melody to render");
    const BorrowingSynth player(impl_->settings.get(), impl_->soundfont);
    fluid_synth_t* synth = player.synth.get();
    fluid_synth_program_change(synth, 0, impl_->program);
    const int sampleRate = impl_->sampleRate;
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
            fluid_synth_write_float(synth, count, stereo[0].data() + done, 0, 1,
                                    stereo[1].data() + done, 0, 1);
            done += count;
        }
    };
    for (const NoteEvent& event : events) {
        renderUntil(event.frame);
        if (event.on)
            fluid_synth_noteon(synth, 0, event.pitch, event.velocity);
        else
            fluid_synth_noteoff(synth, 0, event.pitch);
    }
    renderUntil(end);

    return stereo;
}

std::vector<std::vector<float>> renderMelodyWithInstrument(const Melody& melody, int gmProgram,
                                                           int sampleRate) {
    return Instrument(gmProgram, sampleRate).play(melody);
}

} // namespace accord::audio
