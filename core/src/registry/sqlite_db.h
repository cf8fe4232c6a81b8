#pragma once

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace accord::sqlite {

// Opens (creating it and its folder unless `createIfMissing` is false) the database at `path` for
// use from any thread, waiting up to 15 s for another process's lock; throws BadInput "PATH:
// cannot open the WHAT: ...".
sqlite3* openDatabase(const std::string& path, const std::string& what,
                      bool createIfMissing = true);

// Thin RAII wrappers: every SQLite failure becomes an accord::Error naming the database file.
class Statement {
public:
    Statement(sqlite3* db, const std::string& sql, const std::string& dbPath);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, const std::string& value);
    Statement& bind(int index, const char* value) { return bind(index, std::string(value)); }
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, const std::optional<std::string>& value);
    Statement& bindBlob(int index, const void* data, std::size_t bytes);
    Statement& bindNull(int index);

    // True while a row is available.
    bool step();
    void reset();

    std::string text(int column) const;
    std::optional<std::string> optionalText(int column) const;
    std::int64_t integer(int column) const;
    double real(int column) const;
    // The column's bytes (valid until the next step or reset) and their count.
    const void* blob(int column, std::size_t& bytes) const;
    // The row as {column name: value}, with SQLite's own types (BLOBs as hex).
    nlohmann::json rowAsJson() const;

private:
    sqlite3* db_;
    sqlite3_stmt* statement_ = nullptr;
    std::string dbPath_;
};

void execute(sqlite3* db, const std::string& sql, const std::string& dbPath);
[[noreturn]] void fail(sqlite3* db, const std::string& dbPath, const std::string& doing);

} // namespace accord::sqlite
