#pragma once

// The audio files the studio imports and verifies, by their suffix: what the arrangement accepts
// from a drop and what the file dialogs offer.

#include <QString>

class QMimeData;

namespace accord::ui {

bool isAudioFile(const QString& path);
// For a file dialog: "Audio files (*.wav *.wave … *.mp3);;All files (*)".
QString audioFileFilter();
// The first local file (not a folder) a drag carries, or empty: what the panels that take one
// dropped file (Verify, Identify) accept.
QString firstLocalFile(const QMimeData* mime);

} // namespace accord::ui
