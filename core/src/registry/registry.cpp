// Opening a registry, its schema and its transactions: the glue of the Registry facade.

#include "registry_impl.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"
#include "schema.h"

#include <cstdlib>

namespace accord {

Registry::Impl::~Impl() {
    sqlite3_close_v2(db);
}

void Registry::Impl::exec(const std::string& sql) const {
    sqlite::execute(db, sql, path);
}

std::unique_ptr<sqlite::Statement> Registry::Impl::prepare(const std::string& sql) const {
    return std::make_unique<sqlite::Statement>(db, sql, path);
}

std::string Registry::Impl::nextId(const std::string& table, const std::string& prefix) const {
    auto statement = prepare("SELECT id FROM " + table + " ORDER BY rowid DESC LIMIT 1");
    std::int64_t next = 1;
    if (statement->step()) {
        const std::string last = statement->text(0);
        next = std::strtoll(last.c_str() + prefix.size() + 1, nullptr, 10) + 1;
    }
    return prefix + "-" + std::to_string(next);
}

int Registry::Impl::userVersion() const {
    auto statement = prepare("PRAGMA user_version");
    statement->step();
    return static_cast<int>(statement->integer(0));
}

void Registry::Impl::migrate() {
    const auto& migrations = schema::migrations();
    const int known = static_cast<int>(migrations.size());
    if (userVersion() > known)
        throw BadInput(path + ": written by a newer Accord (registry schema " +
                       std::to_string(userVersion()) + ", this build knows up to " +
                       std::to_string(known) + ")");
    if (userVersion() == known)
        return;
    writeTransaction([&] {
        int version = userVersion(); // another process may have migrated meanwhile
        if (version == 0) {
            auto tables = prepare("SELECT count(*) FROM sqlite_master");
            tables->step();
            if (tables->integer(0) != 0)
                throw BadInput(path + ": not an Accord registry (it holds other tables)");
        }
        for (; version < known; ++version) {
            exec(migrations[static_cast<std::size_t>(version)]);
            exec("PRAGMA user_version = " + std::to_string(version + 1));
        }
        auto studio = prepare("SELECT count(*) FROM studio");
        studio->step();
        if (studio->integer(0) == 0)
            createStudio();
        return 0;
    });
}

std::string Registry::defaultPath() {
    if (const char* explicitPath = std::getenv("ACCORD_REGISTRY"); explicitPath && *explicitPath)
        return explicitPath;
    std::string dataHome;
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        dataHome = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home)
        dataHome = std::string(home) + "/.local/share";
    else
        dataHome = ".";
    return dataHome + "/accord/registry.sqlite";
}

int Registry::schemaVersion() {
    return static_cast<int>(schema::migrations().size());
}

std::unique_ptr<Registry> Registry::open(const std::string& path) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->db = sqlite::openDatabase(path, "registry");
    try {
        impl->exec("PRAGMA journal_mode = WAL");
    } catch (const Error&) {
        switch (sqlite3_extended_errcode(impl->db) & 0xff) {
        case SQLITE_NOTADB:
        case SQLITE_CORRUPT:
            throw BadInput(path + ": not an Accord registry (not an SQLite database)");
        case SQLITE_READONLY:
        case SQLITE_CANTOPEN:
        case SQLITE_PERM:
        case SQLITE_AUTH:
            throw BadInput(path + ": the registry (or its folder) is read-only here: Accord "
                                  "keeps its write-ahead log beside it and records every "
                                  "change, so it needs write access");
        default:
            throw BadInput(path + ": cannot open the registry: " + sqlite3_errmsg(impl->db));
        }
    }
    impl->exec("PRAGMA foreign_keys = ON");
    impl->exec("PRAGMA synchronous = FULL");
    impl->migrate();
    return std::unique_ptr<Registry>(new Registry(std::move(impl)));
}

std::int64_t Registry::othersChangeCount() const {
    auto statement = impl_->prepare("PRAGMA data_version");
    statement->step();
    return statement->integer(0);
}

Registry::Registry(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Registry::~Registry() = default;

const std::string& Registry::path() const {
    return impl_->path;
}

void Registry::inOneTransaction(const std::function<void()>& work) {
    impl_->writeTransaction([&] {
        work();
        return 0;
    });
}

} // namespace accord
