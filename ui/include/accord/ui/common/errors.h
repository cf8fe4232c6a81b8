#pragma once

// One way to tell the user that something failed: a window-modal, non-blocking message box that
// names what was being done and why it failed. Never a crash, never a silent failure.

#include <QString>

#include <exception>

class QMessageBox;
class QWidget;

namespace accord::ui {

struct ErrorReport {
    QString title;   // what the studio was doing: "Could not open the registry"
    QString kind;    // the class of failure in plain words: "Integrity problem", ...
    QString message; // the exception's own message, which names the file or value at fault
};

// Classifies accord::Error by its exit code (accord::ExitCode, the CLI's exit status); other
// exceptions are "Unexpected error".
ErrorReport describeError(const QString& title, const std::exception& error);
// Inside a catch block (`catch (...)`): the exception being handled, described as above. Every
// worker reports its failure this way.
ErrorReport describeCurrentError(const QString& title);

// Opens (does not exec) a message box with objectName "errorBox", deleted when closed.
QMessageBox* showError(QWidget* parent, const ErrorReport& report);

} // namespace accord::ui
