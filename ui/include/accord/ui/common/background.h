#pragma once

namespace accord::ui {

// Called at the start of work on a background thread (imports, waveforms, media preparation,
// autosave): lowers the calling thread's scheduling priority (nice 10 on Linux) so the window
// and the audio thread always get the cores first. Idempotent; never fails loudly.
void backgroundPriority();

} // namespace accord::ui
