#include "accord/ui/shell/ledger_status.h"

#include "accord/core/registry.h"
#include "accord/workflows/ledger_sync.h"

#include <QDateTime>
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

} // namespace

LedgerStatus::LedgerStatus(QWidget* parent) : QLabel(parent) {
    setObjectName(QStringLiteral("ledgerStatus"));
    pool_.setMaxThreadCount(1);
    connect(&watcher_, &QFutureWatcher<Outcome>::finished, this, [this] {
        const Outcome outcome = watcher_.result();
        if (outcome.ok)
            showPulledAt(outcome.pulledAt);
        else {
            setText(tr("Ledger: not reached"));
            setToolTip(outcome.summary);
        }
        Q_EMIT pulled(outcome.ok, outcome.summary);
    });
    setText(url().isEmpty() ? QString() : tr("Ledger: not pulled yet"));
}

LedgerStatus::~LedgerStatus() {
    watcher_.waitForFinished();
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

void LedgerStatus::showLastPull(const QString& registryPath) {
    url_ = url();
    if (url_.isEmpty() || registryPath.isEmpty()) {
        setText(QString());
        return;
    }
    try {
        const auto registry = Registry::open(registryPath.toStdString());
        const auto at = workflows::lastPulled(*registry, url_.toStdString());
        if (at)
            showPulledAt(QString::fromStdString(*at));
        else
            setText(tr("Ledger: not pulled yet"));
    } catch (const std::exception& error) {
        setText(tr("Ledger: not pulled yet"));
        setToolTip(QString::fromUtf8(error.what()));
    }
}

void LedgerStatus::showPulledAt(const QString& isoTime) {
    const QDateTime at = QDateTime::fromString(isoTime, Qt::ISODate).toLocalTime();
    setText(tr("Ledger: pulled %1").arg(at.toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
    setToolTip(tr("Last pulled from %1 at %2").arg(url_, at.toString(Qt::ISODate)));
}

} // namespace accord::ui
