#pragma once

#include <QDialog>

class QLabel;

namespace accord::ui {

// Name, version, what it is built on (Qt, LibTorch and its BLAS), and the registry in use.
QString aboutText(const QString& registryPath);

class AboutDialog : public QDialog {
    Q_OBJECT

public:
    explicit AboutDialog(const QString& registryPath, QWidget* parent = nullptr);
    QString text() const;

private:
    QLabel* text_;
};

} // namespace accord::ui
