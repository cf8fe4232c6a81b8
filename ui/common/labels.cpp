#include "accord/ui/common/labels.h"

#include <QDateTime>
#include <QFileInfo>
#include <QLocale>
#include <QObject>

#include <cmath>

namespace accord::ui {

QString holderName(const ConsentGraph& graph, const std::string& holderId) {
    const auto holder = graph.holders.find(holderId);
    return holder == graph.holders.end() ? fromStd(holderId) : fromStd(holder->second.name);
}

QString holderLabel(const Holder& holder) {
    return QStringLiteral("%1 (%2)").arg(fromStd(holder.name), fromStd(holder.id));
}

QString holderLabel(const ConsentGraph& graph, const std::string& holderId) {
    const auto holder = graph.holders.find(holderId);
    return holder == graph.holders.end() ? fromStd(holderId) : holderLabel(holder->second);
}

QString assetLabel(const ConsentGraph& graph, const std::string& assetId) {
    const auto asset = graph.assets.find(assetId);
    if (asset == graph.assets.end() || asset->second.path.empty())
        return fromStd(assetId);
    return QStringLiteral("%1 (%2)").arg(QFileInfo(fromStd(asset->second.path)).fileName(),
                                         fromStd(assetId));
}

QString assetName(const Asset& asset) {
    return asset.path.empty() ? fromStd(asset.id) : QFileInfo(fromStd(asset.path)).fileName();
}

QString assetName(const ConsentGraph& graph, const std::string& assetId) {
    const auto asset = graph.assets.find(assetId);
    return asset == graph.assets.end() ? fromStd(assetId) : assetName(asset->second);
}

QString modelName(const Model& model) {
    const QString name = QFileInfo(fromStd(model.file)).completeBaseName();
    return name.isEmpty() ? fromStd(model.id) : name;
}

QStringList missingGrantReasons(const Decision& decision) {
    QStringList reasons;
    for (const MissingGrant& missing : decision.missing)
        reasons << fromStd(missing.why);
    return reasons;
}

QString scopeUse(accord::Scope scope) {
    switch (scope) {
    case accord::Scope::TrainVoice:
        return QObject::tr("voice training");
    case accord::Scope::TrainStyle:
        return QObject::tr("style training");
    case accord::Scope::Generate:
        return QObject::tr("singing with its models");
    case accord::Scope::Export:
        return QObject::tr("export");
    case accord::Scope::Share:
        return QObject::tr("sharing its models");
    }
    return fromStd(accord::scopeName(scope));
}

QString localTime(const std::string& iso) {
    const QDateTime time = QDateTime::fromString(fromStd(iso), Qt::ISODate);
    return time.isValid() ? QLocale().toString(time.toLocalTime(), QLocale::ShortFormat)
                          : fromStd(iso);
}

QString counted(int n, const QString& one, const QString& many) {
    return n == 1 ? one : many.arg(n);
}

QString formatMinutesSeconds(double seconds) {
    const auto total = static_cast<long long>(std::llround(seconds));
    return QStringLiteral("%1:%2").arg(total / 60).arg(total % 60, 2, 10, QLatin1Char('0'));
}

} // namespace accord::ui
