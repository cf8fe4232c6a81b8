#pragma once

// The words the studio shows for registry records and plain values, written in one place so that
// every panel names a rights holder, a recording or a refusal the same way.

#include "accord/core/policy.h"

#include <QString>
#include <QStringList>

#include <string>

namespace accord::ui {

// Text from core (UTF-8 std::string) as Qt shows it.
inline QString fromStd(const std::string& text) {
    return QString::fromStdString(text);
}

// "Ada Lovelace", or the id when the registry has no such holder.
QString holderName(const accord::ConsentGraph& graph, const std::string& holderId);
// "Ada Lovelace (h-1)".
QString holderLabel(const accord::Holder& holder);
// "Ada Lovelace (h-1)", or the id alone when the registry has no such holder.
QString holderLabel(const accord::ConsentGraph& graph, const std::string& holderId);
// "Front_Center.wav (a-1)": a recording is known to people by its file name; the id tells it
// apart in the registry. The id alone when the registry knows no file for it.
QString assetLabel(const accord::ConsentGraph& graph, const std::string& assetId);
// "Front_Center.wav": the file name alone, for the main views (the id goes in a tooltip); the
// id when no file is known.
QString assetName(const accord::Asset& asset);
QString assetName(const accord::ConsentGraph& graph, const std::string& assetId);
// "Ada Lovelace voice": a model is known by its file's name (the id goes in a tooltip).
QString modelName(const accord::Model& model);
// Why a decision was refused: each missing grant's reason, in the policy engine's order.
QStringList missingGrantReasons(const accord::Decision& decision);

// What a scope lets others do with a recording, in words: "voice training", "export".
QString scopeUse(accord::Scope scope);

// "2026-11-23T21:54:01Z" (as stored) in the user's time zone and locale: "23/11/2026 22:54".
QString localTime(const std::string& iso);

// "1 grant" / "2 grants": the studio ships no translations, so the plural is chosen here.
QString counted(int n, const QString& one, const QString& many);
// "3:05": a recording's length in minutes and seconds.
QString formatMinutesSeconds(double seconds);

} // namespace accord::ui
