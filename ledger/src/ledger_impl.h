#pragma once

#include "postgres.h"

#include "accord/ledger/ledger.h"

namespace accord::ledger {

// A ledger's connection, shared by its statements (ledger.cpp) and its catalogue (catalogue.cpp).
struct Ledger::Impl {
    explicit Impl(const std::string& url) : connection(url) {}
    mutable pq::Connection connection;
};

} // namespace accord::ledger
