#pragma once

// The Verify panel (docs/ARCHITECTURE.md "Export with proof", Verify): drop a file (or choose one)
// and see what it proves about itself — the manifest's signature, who signed it and whether that
// key is trusted here (docs/CONSENT.md "Whose signature counts"), whether the sound is what was
// signed, the watermark and the render it names, the lineage (recordings with their owners,
// models), the split sheet, the AI disclosure and, with the registry open, whether the consents
// behind it still stand. The verdict follows `accord-cli verify`: proven only when the signature
// is valid, its key trusted and the sound what it signed. Every problem and note of
// accord::workflows::verifyFile is listed.
//
// Threads: verification (decoding, hashing, watermark detection) runs on a niced worker with its
// own registry connection; the newest request wins. When a grant is revoked or expires, or a key
// is trusted or no longer trusted, the shown file is verified again, so its verdict is the
// registry's now.

#include <QString>
#include <QStringList>
#include <QThreadPool>
#include <QTimer>
#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;
class QTableWidget;
class QTreeWidget;

template <typename T> class QFutureWatcher;

namespace accord::workflows {
struct FileVerification;
}

namespace accord::ui {

class RegistrySession;
struct VerifyOutcome; // what a worker hands back

class VerifyPanel : public QWidget {
    Q_OBJECT

public:
    // How one check came out, also the `state` property of its label (for the style sheet).
    enum class Mark { Pass, Fail, Unknown };

    explicit VerifyPanel(RegistrySession* session, QWidget* parent = nullptr);
    ~VerifyPanel() override;

    QString file() const { return file_; }
    bool isVerifying() const;
    // Verified at least once since the last request, and not verifying now.
    bool hasResult() const { return hasResult_ && !isVerifying(); }

    QPushButton* chooseButton() const { return choose_; }
    QPushButton* againButton() const { return again_; }
    QLabel* fileLabel() const { return fileLabel_; }
    QLabel* verdictLabel() const { return verdict_; }
    QLabel* signatureLabel() const { return signature_; }
    QLabel* signerLabel() const { return signer_; }
    QLabel* contentLabel() const { return content_; }
    QLabel* watermarkLabel() const { return watermark_; }
    QLabel* credentialsLabel() const { return credentials_; }
    QLabel* consentLabel() const { return consent_; }
    QLabel* disclosureLabel() const { return disclosure_; }
    QTreeWidget* lineageView() const { return lineage_; }
    QTableWidget* splitTable() const { return split_; }
    QListWidget* problemsList() const { return problems_; }
    QListWidget* notesList() const { return notes_; }

    // The raw states of the last result, as `accord-cli verify --json` names them.
    QString signatureState() const { return signatureState_; }
    bool signerTrusted() const { return signerTrusted_; } // verify --json's signer.trusted
    QString contentState() const { return contentState_; }
    QString consentState() const { return consentState_; }
    bool watermarkFound() const { return watermarkFound_; }

public Q_SLOTS:
    void verify(const QString& file);
    void verifyAgain();
    void chooseFile();

Q_SIGNALS:
    // A verification ended and its result is shown.
    void verified();

private:
    void start();
    void showOutcome(const VerifyOutcome& outcome);
    // The verdict follows `accord-cli verify` (docs/CLI.md "verify"). The signature, and its
    // signer: whom the key is trusted as, or why it is not and how to trust it.
    void showVerdict(const workflows::FileVerification& result);
    void showSigner(const workflows::FileVerification& result);
    void clearResult(const QString& message);
    void onRegistryChanged();
    QString verdictFingerprint() const;
    static void setMark(QLabel* label, Mark mark, const QString& text);

    RegistrySession* session_;
    QPushButton* choose_;
    QPushButton* again_;
    QLabel* fileLabel_;
    QLabel* verdict_;
    QLabel* signature_;
    QLabel* signer_;
    QLabel* content_;
    QLabel* watermark_;
    QLabel* credentials_;
    QLabel* consent_;
    QLabel* disclosure_;
    QTreeWidget* lineage_;
    QTableWidget* split_;
    QListWidget* problems_;
    QListWidget* notes_;

    QThreadPool pool_;
    QFutureWatcher<VerifyOutcome>* watcher_;
    QTimer registryDelay_;
    QString file_;
    // Until its result is handled: QFuture::isRunning turns false before the finished signal.
    bool running_ = false;
    bool pending_ = false; // a request arrived while another ran: that one's result is dropped
    bool hasResult_ = false;
    QString verifiedAgainst_; // grant states and trusted keys the shown result was verified with
    QString signatureState_;
    bool signerTrusted_ = false;
    QString contentState_;
    QString consentState_;
    bool watermarkFound_ = false;
};

} // namespace accord::ui
