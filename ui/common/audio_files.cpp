#include "accord/ui/common/audio_files.h"

#include <QFileInfo>
#include <QMimeData>
#include <QObject>
#include <QStringList>
#include <QUrl>

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

QString firstLocalFile(const QMimeData* mime) {
    if (mime == nullptr || !mime->hasUrls())
        return {};
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isFile())
            return url.toLocalFile();
    return {};
}

} // namespace accord::ui
