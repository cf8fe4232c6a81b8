// `audit verify` over 100,000 audit entries; SQLite's own integrity_check of the file alongside.

#include "accord/core/crypto.h"
#include "accord/core/registry.h"
#include "bench_common.h"

#include <sqlite3.h>

using namespace accord;
using namespace accord::bench;

int main() {
    const std::string folder = scratchFolder("accord-bench-audit");
    const std::string path = folder + "/registry.sqlite";
    const int target = 100000;
    std::printf("Audit benchmark: verify a registry of %d audit entries\n", target);

    const double setup = secondsOf([&] {
        auto registry = Registry::open(path);
        registry->inOneTransaction([&] {
            std::int64_t entries = 1;
            std::vector<std::string> holderIds;
            for (int h = 0; h < 100; ++h, ++entries)
                holderIds.push_back(registry->addHolder("Holder " + std::to_string(h), "").id);
            for (int i = 0; entries < target; ++i) {
                const std::string& owner =
                    holderIds[static_cast<std::size_t>(i) % holderIds.size()];
                const std::string take = std::to_string(i);
                const Asset asset =
                    registry
                        ->addAsset({owner,
                                    {sha256Hex("f" + take), sha256Hex("p" + take), 2.0, 44100, 2},
                                    "",
                                    AssetOrigin::Recorded,
                                    "/t/" + take + ".wav"})
                        .asset;
                ++entries;
                if (entries < target) {
                    GrantTerms terms;
                    terms.sharePercent = 10;
                    registry->addGrant({owner, Scope::Export, asset.id, std::nullopt, terms});
                    ++entries;
                }
            }
        });
    });
    std::printf("  setup: %.1f s\n", setup);

    auto registry = Registry::open(path);
    AuditReport result;
    const Timing verify = repeat(3, [&] { result = registry->verifyAudit(); });
    if (!result.intact || result.entries != target) {
        std::fprintf(stderr, "unexpected: intact=%d entries=%lld\n", result.intact,
                     static_cast<long long>(result.entries));
        return 1;
    }

    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    const Timing integrity =
        repeat(3, [&] { sqlite3_exec(db, "PRAGMA integrity_check", nullptr, nullptr, nullptr); });
    sqlite3_close(db);

    report("Accord audit verify (chain + signed head + replay of every row)", verify, "s", 1);
    report("peer: SQLite PRAGMA integrity_check of the same file (structure only)", integrity, "s",
           1);
    std::printf("  goal: under 2 s\n");
    std::system(("rm -rf '" + folder + "'").c_str());
    return 0;
}
