#include "accord/ui/shell/ledger_status.h"

#include "accord/core/registry.h"
#include "accord/workflows/ledger_sync.h"

#include <QDateTime>
#include <QPointer>
#include <QSettings>
#include <QtConcurrent>

namespace accord::ui {

namespace {

constexpr const char* kUrlKey = "ledger/url";

// On the worker: the registry opened on this thread, as every worker does
// (docs/ARCHITECTURE.md "Threads").
LedgerStatus::Outcome pullOnWorker(const QString& registryPath, const QString& url) {
    try {
        const auto registry = Registry::open(registryPath.toStdString());
        const auto pulled = workflows::pullFromLedger(*registry, url.toStdString());
        const QString summary =
            LedgerStatus::tr("Pulled %1 statements from the ledger: %2 grants and %3 "
                             "revocations applied")
                .arg(pulled.read)
                .arg(pulled.granted.size())
                .arg(pulled.revoked.size());
        return {true, summary, QString::fromStdString(pulled.pulledAt)};
    } catch (const std::exception& error) {
        return {false, QString::fromUtf8(error.what()), {}};
    }
}

// On the worker, as a pull; `label` hears the progress on its own thread.
LedgerStatus::Outcome pushOnWorker(const QString& registryPath, const QString& url,
                                   QPointer<LedgerStatus> label) {
    try {
        const auto registry = Registry::open(registryPath.toStdString());
        const auto pushed = workflows::pushToLedger(
            *registry, url.toStdString(), workflows::kLedgerPushBatch, [label](std::size_t sent) {
                QMetaObject::invokeMethod(
                    label,
                    [label, sent] {
                        label->setText(LedgerStatus::tr("Ledger: pushing… %1 sent").arg(sent));
                    },
                    Qt::QueuedConnection);
            });
        const QString summary =
            LedgerStatus::tr("Pushed to the ledger: %1 new statements and %2 new records of "
                             "models, packs and exports (%3 and %4 there already)")
                .arg(pushed.stored)
                .arg(pushed.records.stored)
                .arg(pushed.alreadyThere)
                .arg(pushed.records.alreadyThere);
        const auto at = workflows::lastPushed(*registry, url.toStdString());
        return {true, summary, at ? QString::fromStdString(*at) : QString()};
    } catch (const std::exception& error) {
        return {
            false,
            LedgerStatus::tr("Could not push to %1: %2").arg(url, QString::fromUtf8(error.what())),
            {}};
    }
}

QString localTime(const QString& isoTime) {
    return QDateTime::fromString(isoTime, Qt::ISODate)
        .toLocalTime()
        .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

} // namespace

LedgerStatus::LedgerStatus(QWidget* parent) : QLabel(parent) {
    setObjectName(QStringLiteral("ledgerStatus"));
    pool_.setMaxThreadCount(1);
    connect(&watcher_, &QFutureWatcher<Outcome>::finished, this, [this] {
        const Outcome outcome = watcher_.result();
        if (outcome.ok)
            showPulledAt(outcome.at);
        else {
            setText(tr("Ledger: not reached"));
            setToolTip(outcome.summary);
        }
        Q_EMIT pulled(outcome.ok, outcome.summary);
    });
    connect(&pushWatcher_, &QFutureWatcher<Outcome>::finished, this, [this] {
        const Outcome outcome = pushWatcher_.result();
        if (outcome.ok) {
            pushedAt_ = localTime(outcome.at);
            showTimes();
        } else
            setText(tr("Ledger: push failed"));
        setToolTip(outcome.summary);
        Q_EMIT pushed(outcome.ok, outcome.summary);
    });
    setText(url().isEmpty() ? QString() : tr("Ledger: not pulled yet"));
}

LedgerStatus::~LedgerStatus() {
    watcher_.waitForFinished();
    pushWatcher_.waitForFinished();
}

QString LedgerStatus::url() {
    return QSettings().value(QString::fromLatin1(kUrlKey)).toString();
}

void LedgerStatus::setUrl(const QString& url) {
    QSettings().setValue(QString::fromLatin1(kUrlKey), url);
}

void LedgerStatus::pull(const QString& registryPath) {
    url_ = url();
    if (url_.isEmpty() || registryPath.isEmpty() || isPulling())
        return;
    setText(tr("Ledger: pulling…"));
    setToolTip(url_);
    watcher_.setFuture(QtConcurrent::run(&pool_, pullOnWorker, registryPath, url_));
}

void LedgerStatus::push(const QString& registryPath) {
    const QString url = LedgerStatus::url();
    if (url.isEmpty() || registryPath.isEmpty() || isPushing())
        return;
    setText(tr("Ledger: pushing…"));
    setToolTip(url);
    pushWatcher_.setFuture(
        QtConcurrent::run(&pool_, pushOnWorker, registryPath, url, QPointer<LedgerStatus>(this)));
}

void LedgerStatus::showLastPull(const QString& registryPath) {
    url_ = url();
    if (url_.isEmpty() || registryPath.isEmpty()) {
        setText(QString());
        return;
    }
    try {
        const auto registry = Registry::open(registryPath.toStdString());
        const auto pushedAt = workflows::lastPushed(*registry, url_.toStdString());
        pushedAt_ = pushedAt ? localTime(QString::fromStdString(*pushedAt)) : QString();
        const auto at = workflows::lastPulled(*registry, url_.toStdString());
        if (at)
            showPulledAt(QString::fromStdString(*at));
        else
            showTimes();
    } catch (const std::exception& error) {
        setText(tr("Ledger: not pulled yet"));
        setToolTip(QString::fromUtf8(error.what()));
    }
}

void LedgerStatus::showPulledAt(const QString& isoTime) {
    const QDateTime at = QDateTime::fromString(isoTime, Qt::ISODate).toLocalTime();
    pulledAt_ = localTime(isoTime);
    showTimes();
    setToolTip(tr("Last pulled from %1 at %2").arg(url_, at.toString(Qt::ISODate)));
}

void LedgerStatus::showTimes() {
    const QString pushed = pushedAt_.isEmpty() ? QString() : tr(" · pushed %1").arg(pushedAt_);
    setText(pulledAt_.isEmpty() ? tr("Ledger: not pulled yet") + pushed
                                : tr("Ledger: pulled %1").arg(pulledAt_) + pushed);
}

} // namespace accord::ui
