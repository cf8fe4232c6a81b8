// Policy decision for an export whose lineage holds 10,000 assets of 100 holders.
// Side by side: the same question asked of the same registry file as one recursive SQL query.

#include "accord/core/crypto.h"
#include "accord/core/registry.h"
#include "bench_common.h"

#include <sqlite3.h>

using namespace accord;
using namespace accord::bench;

namespace {

const int holders = 100;
const int assetsPerHolder = 100;

// The alternative: which assets in the closure of `render` lack an active export grant?
const char* closureSql = R"sql(
WITH RECURSIVE closure(kind, id) AS (
    SELECT 'render', ?1
    UNION
    SELECT i.kind, i.input FROM render_inputs i JOIN closure c ON c.kind = 'render' AND i.render = c.id
    UNION
    SELECT 'asset', s.asset FROM model_sources s JOIN closure c ON c.kind = 'model' AND s.model = c.id
)
SELECT count(*) FROM closure c JOIN assets a ON c.kind = 'asset' AND a.id = c.id
WHERE NOT EXISTS (
    SELECT 1 FROM grants g
    WHERE g.scope = 'export' AND g.revoked_at IS NULL
      AND (g.expires_at IS NULL OR g.expires_at > ?2)
      AND g.grantee IS NULL
      AND (g.asset = a.id OR (g.asset IS NULL AND g.holder = a.owner)))
)sql";

} // namespace

int main() {
    const std::string folder = scratchFolder("accord-bench-policy");
    const std::string path = folder + "/registry.sqlite";
    std::printf("Policy benchmark: export of a mix whose lineage holds %d assets of %d holders\n",
                holders * assetsPerHolder, holders);

    std::string mixId;
    const double setup = secondsOf([&] {
        auto registry = Registry::open(path);
        registry->inOneTransaction([&] {
            std::vector<RenderInput> stems;
            for (int h = 0; h < holders; ++h) {
                const Holder holder = registry->addHolder("Holder " + std::to_string(h), "");
                std::vector<RenderInput> takes;
                for (int a = 0; a < assetsPerHolder; ++a) {
                    const std::string take = std::to_string(h) + "/" + std::to_string(a);
                    const Asset asset = registry
                                            ->addAsset({holder.id,
                                                        {sha256Hex("f" + take),
                                                         sha256Hex("p" + take), 3.0, 48000, 2},
                                                        "",
                                                        AssetOrigin::Recorded,
                                                        "/takes/" + take + ".wav"})
                                            .asset;
                    takes.push_back({InputKind::Asset, asset.id});
                    if (a % 2 == 0) // half the assets also carry a grant of their own
                        registry->addGrant({holder.id, Scope::Export, asset.id, std::nullopt, {}});
                }
                registry->addGrant({holder.id, Scope::Export, std::nullopt, std::nullopt, {}});
                stems.push_back(
                    {InputKind::Render,
                     registry->addRender({"stem", "/stems/" + holder.id + ".wav", "", takes, {}})
                         .id});
            }
            mixId = registry->addRender({"mix", "/mix.wav", "", stems, {}}).id;
        });
    });
    std::printf("  setup: %.1f s (10,000 assets, 15,000 grants, 101 renders, one transaction)\n",
                setup);

    auto registry = Registry::open(path);
    const PolicyRequest request{
        Scope::Export, {InputKind::Render, mixId}, "", currentTime(), false};

    Decision decision;
    const Timing cold = repeat(5, [&] {
        auto fresh = Registry::open(path);
        decision = fresh->decide(request);
    });
    if (!decision.allowed ||
        decision.closureAssets.size() != std::size_t(holders * assetsPerHolder)) {
        std::fprintf(stderr, "unexpected decision\n");
        return 1;
    }
    registry->decide(request); // load the graph once
    const Timing warm = repeat(200, [&] { decision = registry->decide(request); });

    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, closureSql, -1, &statement, nullptr);
    long missing = -1;
    const std::string now = formatIsoTime(currentTime());
    const Timing sql = repeat(20, [&] {
        sqlite3_reset(statement);
        sqlite3_bind_text(statement, 1, mixId.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(statement, 2, now.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_step(statement);
        missing = sqlite3_column_int64(statement, 0);
    });
    sqlite3_finalize(statement);
    sqlite3_close(db);

    std::printf("\n");
    report("Accord decide(), registry open (graph cached)", warm);
    report("Accord decide(), cold: open registry + load graph + decide", cold);
    report("peer: one recursive SQL query (counts missing only)", sql);
    std::printf("  both agree: %s (engine: %zu missing, SQL: %ld missing)\n",
                long(decision.missing.size()) == missing ? "yes" : "NO", decision.missing.size(),
                missing);

    // A denial has to name every missing grant: revoke one holder's grants.
    for (const auto& grant : registry->grants({std::nullopt, std::string("h-7")}))
        registry->revokeGrant(grant.id, "bench");
    const PolicyRequest later{
        Scope::Export, {InputKind::Render, mixId}, "", currentTime() + 1, false};
    registry->decide(later);
    const Timing denied = repeat(200, [&] { decision = registry->decide(later); });
    report("Accord decide(), denial naming " + std::to_string(decision.missing.size()) +
               " missing grants",
           denied);
    std::printf("  goal: under 5 ms median\n");
    std::system(("rm -rf '" + folder + "'").c_str());
    return 0;
}
