#pragma once

// The audio files the studio imports and verifies, by their suffix: what the arrangement accepts
// from a drop and what the file dialogs offer.

#include <QString>

namespace accord::ui {

bool isAudioFile(const QString& path);
// For a file dialog: "Audio files (*.wav *.wave … *.mp3);;All files (*)".
QString audioFileFilter();

} // namespace accord::ui
