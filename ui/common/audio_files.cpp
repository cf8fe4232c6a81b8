#include "accord/ui/common/audio_files.h"

#include <QFileInfo>
#include <QObject>
#include <QStringList>

namespace accord::ui {

namespace {

const QStringList& audioSuffixes() {
    static const QStringList suffixes{QStringLiteral("wav"),  QStringLiteral("wave"),
                                      QStringLiteral("aif"),  QStringLiteral("aiff"),
                                      QStringLiteral("flac"), QStringLiteral("ogg"),
                                      QStringLiteral("oga"),  QStringLiteral("mp3")};
    return suffixes;
}

} // namespace

bool isAudioFile(const QString& path) {
    return audioSuffixes().contains(QFileInfo(path).suffix().toLower());
}

QString audioFileFilter() {
    QStringList patterns;
    for (const QString& suffix : audioSuffixes())
        patterns << QStringLiteral("*.") + suffix;
    return QObject::tr("Audio files (%1);;All files (*)").arg(patterns.join(QLatin1Char(' ')));
}

} // namespace accord::ui
