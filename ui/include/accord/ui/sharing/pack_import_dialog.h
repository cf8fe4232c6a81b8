#pragma once

// A model pack from another studio, before it is imported (docs/CONSENT.md "Model packs"): every
// signature and hash checked, then what the model may do here, for whom, until when and what it
// pays whom, in plain words; Import records it. A pack that was changed says what was changed and
// cannot be imported.
// Thread: the UI thread (verifying a pack reads and hashes a file of the model's size: ~10 ms).

#include "accord/workflows/revocations.h"
#include "accord/workflows/share.h"

#include <QDialog>
#include <QString>

#include <optional>

class QLabel;
class QPushButton;

namespace accord::ui {

class RegistrySession;

class PackImportDialog : public QDialog {
    Q_OBJECT

public:
    PackImportDialog(RegistrySession* session, const QString& packFile, QWidget* parent = nullptr);

    // The pack as verified; nullopt when it was refused (the reason shown).
    const std::optional<workflows::PackContents>& contents() const { return contents_; }
    const std::optional<workflows::ImportedPack>& imported() const { return imported_; }
    // Imports the pack; false (the error shown) when it cannot.
    bool importPack();

private:
    RegistrySession* session_;
    QString packFile_;
    QLabel* summary_;
    QPushButton* importButton_;
    std::optional<workflows::PackContents> contents_;
    std::optional<workflows::ImportedPack> imported_;
};

// What a pack allows, in plain words: "A voice model of Ada, for Bo (h-1 here) …" and one line per
// holder's terms.
QString describePack(const workflows::PackContents& contents);
// What importing a revocations file did: "2 of Ada's grants revoked; model m-1 is now
// source-revoked …".
QString describeRevocations(const workflows::RevocationsApplied& applied);

} // namespace accord::ui
