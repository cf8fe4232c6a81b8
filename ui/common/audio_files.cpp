#include "accord/ui/common/audio_files.h"

#include <QDropEvent>
#include <QFileInfo>
#include <QMimeData>
#include <QObject>
#include <QStringList>
#include <QUrl>
#include <QWidget>

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

namespace {

QString firstLocalFile(const QMimeData* mime) {
    if (mime == nullptr || !mime->hasUrls())
        return {};
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile() && QFileInfo(url.toLocalFile()).isFile())
            return url.toLocalFile();
    return {};
}

// Accepts drags that carry a file and opens what is dropped; other drags go on to the widget.
class FileDropFilter : public QObject {
public:
    FileDropFilter(QWidget* target, std::function<void(const QString&)> open)
        : QObject(target), open_(std::move(open)) {}

    bool eventFilter(QObject*, QEvent* event) override {
        const QEvent::Type type = event->type();
        if (type != QEvent::DragEnter && type != QEvent::DragMove && type != QEvent::Drop)
            return false;
        auto* drag = static_cast<QDropEvent*>(event);
        const QString file = firstLocalFile(drag->mimeData());
        if (file.isEmpty())
            return false;
        drag->acceptProposedAction();
        if (type == QEvent::Drop)
            open_(file);
        return true;
    }

private:
    std::function<void(const QString&)> open_;
};

} // namespace

void openDroppedFiles(QWidget* target, std::function<void(const QString&)> open) {
    target->setAcceptDrops(true);
    target->installEventFilter(new FileDropFilter(target, std::move(open)));
}

} // namespace accord::ui
