#pragma once

// SQL run on a registry file the way an attacker or an older Accord would: no Accord code, no
// foreign keys.

#include <QDebug>
#include <QString>
#include <sqlite3.h>

namespace accord::test {

// Runs `sql` on the SQLite file `path`: the rows its last statement changed, or -1 (with a
// warning saying why) when it does not run.
inline int runRawSql(const QString& path, const QString& sql) {
    sqlite3* db = nullptr;
    if (sqlite3_open(path.toUtf8().constData(), &db) != SQLITE_OK) {
        qWarning() << path << "cannot be opened:" << sqlite3_errmsg(db);
        sqlite3_close(db);
        return -1;
    }
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.toUtf8().constData(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK)
        qWarning() << sql << "failed:" << (error ? error : "");
    sqlite3_free(error);
    const int changed = sqlite3_changes(db);
    sqlite3_close(db);
    return rc == SQLITE_OK ? changed : -1;
}

} // namespace accord::test
