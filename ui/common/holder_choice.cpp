#include "accord/ui/common/holder_choice.h"

#include "accord/core/registry.h"

#include <QComboBox>
#include <QSignalBlocker>

namespace accord::ui {

void fillHolderChoice(QComboBox* box, const Registry* registry, const QString& nobody,
                      const QString& keep) {
    const QSignalBlocker blocker(box);
    box->clear();
    box->addItem(nobody, QString());
    if (registry != nullptr) {
        try {
            for (const Holder& holder : registry->holders()) {
                box->addItem(QString::fromStdString(holder.name),
                             QString::fromStdString(holder.id));
                box->setItemData(box->count() - 1, QString::fromStdString(holder.id),
                                 Qt::ToolTipRole);
            }
        } catch (const std::exception&) {
            // The registry's trouble is reported where the panels read it.
        }
    }
    const int index = box->findData(keep);
    box->setCurrentIndex(index < 0 ? 0 : index);
}

} // namespace accord::ui
