#pragma once

#include <QFutureWatcher>
#include <QLabel>
#include <QThreadPool>

namespace accord::ui {

// The shared consent ledger in the status bar (docs/LEDGER.md, docs/STUDIO.md "Ledger"): pulls on
// a worker with its own registry connection, at start when a ledger is set and on demand, pushes on
// demand, and says when it last pulled and pushed or why it could not.
class LedgerStatus : public QLabel {
    Q_OBJECT

public:
    // What a pull or a push on the worker brought back.
    struct Outcome {
        bool ok = false;
        QString summary; // or the error
        QString at;      // when it pulled or pushed
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
    // Pushes what the registry at `registryPath` signed since its last push, and its models',
    // packs' and exports' records, to url(); nothing when no ledger is set or a push is running.
    void push(const QString& registryPath);
    bool isPushing() const { return pushWatcher_.isRunning(); }

Q_SIGNALS:
    // A pull ended: what it applied, or why it failed (`ok` false).
    void pulled(bool ok, const QString& summary);
    // A push ended: what it sent, or why it failed (`ok` false).
    void pushed(bool ok, const QString& summary);

private:
    void showPulledAt(const QString& isoTime);
    // The text: when it last pulled and pushed, as far as known.
    void showTimes();

    QThreadPool pool_;
    QFutureWatcher<Outcome> watcher_;
    QFutureWatcher<Outcome> pushWatcher_;
    QString url_;                 // of the running pull
    QString pulledAt_, pushedAt_; // shown, local time
};

} // namespace accord::ui
