// Adds grants to a registry as fast as it can: the crash and concurrency tests kill and race it.
// usage: registry_writer REGISTRY HOLDER ASSET COUNT

#include "accord/core/errors.h"
#include "accord/core/registry.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc != 5) {
        std::cerr << "usage: registry_writer REGISTRY HOLDER ASSET COUNT\n";
        return 1;
    }
    try {
        auto registry = accord::Registry::open(argv[1]);
        const long count = std::strtol(argv[4], nullptr, 10);
        std::cout << "ready" << std::endl;
        for (long i = 0; i < count; ++i) {
            accord::NewGrant grant{
                argv[2], accord::Scope::Export, std::string(argv[3]), std::nullopt, {}};
            grant.terms.attribution =
                "writer " + std::to_string(::getpid()) + " #" + std::to_string(i);
            grant.terms.sharePercent = static_cast<double>(i % 100);
            registry->addGrant(grant);
            if (i == 0)
                std::cout << "wrote" << std::endl; // a test may kill it from now on
        }
        return 0;
    } catch (const accord::Error& e) {
        std::cerr << e.what() << "\n";
        return static_cast<int>(e.code());
    }
}
