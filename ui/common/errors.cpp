#include "accord/ui/common/errors.h"

#include "accord/core/errors.h"

#include <QMessageBox>

namespace accord::ui {

ErrorReport describeError(const QString& title, const std::exception& error) {
    ErrorReport report;
    report.title = title;
    report.message = QString::fromStdString(error.what());
    if (const auto* known = dynamic_cast<const accord::Error*>(&error)) {
        switch (known->code()) {
        case ExitCode::BadInput:
            report.kind = QObject::tr("Invalid input");
            break;
        case ExitCode::Integrity:
            report.kind = QObject::tr("Integrity problem: stored data does not match what was "
                                      "signed or logged");
            break;
        case ExitCode::Denied:
            report.kind = QObject::tr("Consent denied");
            break;
        case ExitCode::Usage:
            report.kind = QObject::tr("Not possible this way");
            break;
        case ExitCode::Interrupted:
            report.kind = QObject::tr("Stopped");
            break;
        case ExitCode::Ok:
            report.kind = QObject::tr("Error");
            break;
        }
    } else {
        report.kind = QObject::tr("Unexpected error");
    }
    return report;
}

ErrorReport describeCurrentError(const QString& title) {
    try {
        throw;
    } catch (const std::exception& error) {
        return describeError(title, error);
    } catch (...) {
        return {title, QObject::tr("Unexpected error"), QObject::tr("An unknown error occurred.")};
    }
}

QMessageBox* showError(QWidget* parent, const ErrorReport& report) {
    auto* box =
        new QMessageBox(QMessageBox::Warning, report.title, report.title, QMessageBox::Ok, parent);
    box->setObjectName(QStringLiteral("errorBox"));
    box->setInformativeText(report.kind + QStringLiteral(".\n\n") + report.message);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(parent != nullptr ? Qt::WindowModal : Qt::ApplicationModal);
    box->open();
    return box;
}

} // namespace accord::ui
