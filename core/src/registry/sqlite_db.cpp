#include "sqlite_db.h"

#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "accord/core/thread_checks.h"

namespace accord::sqlite {

sqlite3* openDatabase(const std::string& path, const std::string& what, bool createIfMissing) {
    const auto slash = path.find_last_of('/');
    if (createIfMissing && slash != std::string::npos && slash > 0)
        makeDirectories(path.substr(0, slash));
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX |
                            (createIfMissing ? SQLITE_OPEN_CREATE : 0),
                        nullptr) != SQLITE_OK) {
        const std::string message = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        throw BadInput(path + ": cannot open the " + what + ": " + message);
    }
    sqlite3_busy_timeout(db, 15000);
    return db;
}

void fail(sqlite3* db, const std::string& dbPath, const std::string& doing) {
    const int code = sqlite3_extended_errcode(db);
    const std::string message = dbPath + ": " + doing + ": " + sqlite3_errmsg(db);
    switch (code & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        throw IntegrityError(message);
    default:
        throw BadInput(message);
    }
}

Statement::Statement(sqlite3* db, const std::string& sql, const std::string& dbPath)
    : db_(db), dbPath_(dbPath) {
    threads::assertNotInAudioCallback("the consent registry (an SQLite statement)");
    if (sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &statement_, nullptr) !=
        SQLITE_OK)
        fail(db, dbPath, "cannot prepare query");
}

Statement::~Statement() {
    sqlite3_finalize(statement_);
}

Statement& Statement::bind(int index, const std::string& value) {
    if (sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()),
                          SQLITE_TRANSIENT) != SQLITE_OK)
        fail(db_, dbPath_, "cannot bind a value");
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
    if (sqlite3_bind_int64(statement_, index, value) != SQLITE_OK)
        fail(db_, dbPath_, "cannot bind a value");
    return *this;
}

Statement& Statement::bind(int index, double value) {
    if (sqlite3_bind_double(statement_, index, value) != SQLITE_OK)
        fail(db_, dbPath_, "cannot bind a value");
    return *this;
}

Statement& Statement::bindBlob(int index, const void* data, std::size_t bytes) {
    if (sqlite3_bind_blob64(statement_, index, data, sqlite3_uint64(bytes), SQLITE_TRANSIENT) !=
        SQLITE_OK)
        fail(db_, dbPath_, "cannot bind a value");
    return *this;
}

Statement& Statement::bind(int index, const std::optional<std::string>& value) {
    return value ? bind(index, *value) : bindNull(index);
}

Statement& Statement::bindNull(int index) {
    if (sqlite3_bind_null(statement_, index) != SQLITE_OK)
        fail(db_, dbPath_, "cannot bind a value");
    return *this;
}

bool Statement::step() {
    const int result = sqlite3_step(statement_);
    if (result == SQLITE_ROW)
        return true;
    if (result == SQLITE_DONE)
        return false;
    fail(db_, dbPath_, "query failed");
}

void Statement::reset() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
}

std::string Statement::text(int column) const {
    const auto* value = sqlite3_column_text(statement_, column);
    return value ? std::string(reinterpret_cast<const char*>(value),
                               static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)))
                 : std::string();
}

std::optional<std::string> Statement::optionalText(int column) const {
    if (sqlite3_column_type(statement_, column) == SQLITE_NULL)
        return std::nullopt;
    return text(column);
}

std::int64_t Statement::integer(int column) const {
    return sqlite3_column_int64(statement_, column);
}

double Statement::real(int column) const {
    return sqlite3_column_double(statement_, column);
}

const void* Statement::blob(int column, std::size_t& bytes) const {
    const void* data = sqlite3_column_blob(statement_, column);
    bytes = std::size_t(sqlite3_column_bytes(statement_, column));
    return data;
}

nlohmann::json Statement::rowAsJson() const {
    nlohmann::json row = nlohmann::json::object();
    const int columns = sqlite3_column_count(statement_);
    for (int i = 0; i < columns; ++i) {
        const std::string name = sqlite3_column_name(statement_, i);
        switch (sqlite3_column_type(statement_, i)) {
        case SQLITE_INTEGER:
            row[name] = sqlite3_column_int64(statement_, i);
            break;
        case SQLITE_FLOAT:
            row[name] = sqlite3_column_double(statement_, i);
            break;
        case SQLITE_TEXT:
            row[name] = text(i);
            break;
        case SQLITE_BLOB:
            row[name] = toHex(static_cast<const std::uint8_t*>(sqlite3_column_blob(statement_, i)),
                              static_cast<std::size_t>(sqlite3_column_bytes(statement_, i)));
            break;
        default:
            row[name] = nullptr;
        }
    }
    return row;
}

void execute(sqlite3* db, const std::string& sql, const std::string& dbPath) {
    threads::assertNotInAudioCallback("the consent registry (an SQLite statement)");
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
        fail(db, dbPath, "cannot run '" + sql.substr(0, 40) + "'");
}

} // namespace accord::sqlite
