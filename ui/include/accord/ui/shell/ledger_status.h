#pragma once

#include <QFutureWatcher>
#include <QLabel>
#include <QThreadPool>

namespace accord::ui {

// The shared consent ledger in the status bar (docs/LEDGER.md, docs/STUDIO.md "Ledger"): pulls on
// a worker with its own registry connection, at start when a ledger is set and on demand, and says
// when it last pulled or why it could not.
class LedgerStatus : public QLabel {
    Q_OBJECT

public:
    // What a pull on the worker brought back.
    struct Outcome {
        bool ok = false;
        QString summary; // or the error
        QString pulledAt;
    };

    explicit LedgerStatus(QWidget* parent = nullptr);
    ~LedgerStatus() override;

    // The ledger the studio pulls from (remembered in the settings); empty when none is set.
    static QString url();
    static void setUrl(const QString& url);

    // Pulls from url() into the registry at `registryPath`; nothing when no ledger is set or a
    // pull is running.
    void pull(const QString& registryPath);
    // Shows the last pull recorded for that registry and ledger.
    void showLastPull(const QString& registryPath);
    bool isPulling() const { return watcher_.isRunning(); }

Q_SIGNALS:
    // A pull ended: what it applied, or why it failed (`ok` false).
    void pulled(bool ok, const QString& summary);

private:
    void showPulledAt(const QString& isoTime);

    QThreadPool pool_;
    QFutureWatcher<Outcome> watcher_;
    QString url_; // of the running pull
};

} // namespace accord::ui
