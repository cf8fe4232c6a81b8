// Catalogue identify through the ledger server (docs/LEDGER.md "Catalogue", "Measured"), side by
// side with local identify on the same fingerprints: both are given the same landmarks (the local
// index beside a registry, the ledger's claims and rows on a throwaway PostgreSQL cluster,
// tests/support/postgres_cluster.h), grown to each size in ACCORD_BENCH_CATALOGUE_HOURS
// (comma-separated, default "1,10"), and asked the same queries at each size: issue 14's
// conditions (tests/bench/identify_queries.h, as bench_identify makes them: whole files, 10 s and
// 5 s excerpts, mixes at 0 and +6 dB, MP3, resampled, speed, pitch, stretch),
// ACCORD_BENCH_QUERIES of each (default 20), for recall and query time (median, 95th percentile),
// and ACCORD_BENCH_UNRELATED unrelated 5 s queries (default 500; a list gives one number per
// size, the last for the sizes past it), for false matches; the draw's
// seed is ACCORD_BENCH_SEED (20). Recordings: the first 12 hyperrogue tracks, registered (so local
// identify's second look reads their audio as the ledger's reads their claims), then, to grow, the
// same tracks played backwards at speeds from 0.8 to 1.2 (as bench_identify grows its index:
// music of the same spectra whose landmarks are not the queries').
// ACCORD_BENCH_CATALOGUE_LOCAL_HOURS (default: every size) stops the local side at the sizes above
// it: the local index's SQLite inserts are then the slowest part of the growth, and the ledger's
// figures past it need no local index (docs/LEDGER.md "Measured"). The next recordings are
// fingerprinted on a second thread while a batch is pushed, and at each size the server's own
// time for one query's lookup is printed (EXPLAIN ANALYZE), to tell the server's share of a
// query's growth from the client's. The ledger's mixes are also counted as the server's rows alone
// find them (before identify's second look in the claims' landmarks), every query the two sides
// answer differently is named, and how the rows spread over the hashes is printed at each size
// (the stop-list's share, each hash field's entropy). Each ledger query's server CPU is its
// backend's (the process serving the bench's connection, read by its CPU clock). With
// ACCORD_BENCH_CATALOGUE_FIRST_READER=1 the clean 5 s excerpts and the unrelated queries are also
// asked of the ledger as the first reader of every stopped hash they meet (the server's stop-list
// entries of the query's hashes taken out before each: their rows sent, and listed again by the
// query), alternating which pass goes first by condition, so the two are measured at one size and
// load (docs/LEDGER.md "Measured").

#include "accord/audio/audio_file.h"
#include "accord/core/crypto.h"
#include "accord/core/registry.h"
#include "accord/dsp/fingerprint.h"
#include "accord/ledger/catalogue.h"
#include "accord/workflows/identify.h"
#include "accord/workflows/ledger_catalogue.h"
#include "bench_common.h"
#include "identify_queries.h"
#include "postgres_cluster.h"

#include <QCoreApplication>

#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <future>
#include <map>
#include <random>

using namespace accord;
using bench::threadCpuSeconds;

namespace {

struct Track {
    std::string path;
    std::vector<float> mono;
    int rate = 0;
};

Track decodeMono(const std::string& path) {
    Track t{path, {}, 0};
    int channels = 1;
    audio::readAudioFileInBlocks(
        path,
        [&](int rate, int c) {
            t.rate = rate;
            channels = c;
        },
        [&](const float* const* planar, int frames) {
            for (int i = 0; i < frames; ++i) {
                float sum = 0;
                for (int c = 0; c < channels; ++c)
                    sum += planar[c][i];
                t.mono.push_back(sum / float(channels));
            }
        });
    return t;
}

// One side's answers to the queries of one condition.
struct Side {
    int found = 0, wrong = 0;
    int foundAtFirstLook = 0; // the ledger's, by the server's rows alone (mixes only)
    std::vector<double> wall, cpu, serverCpu;
};

// The CPU time a process of this machine has used, in seconds (the server's backend: the bench
// runs as root or as the server's user).
double processCpuSeconds(pid_t pid) {
    clockid_t clock{};
    timespec t{};
    if (clock_getcpuclockid(pid, &clock) != 0 || clock_gettime(clock, &t) != 0)
        return 0;
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

// One growth recording: track `t` played backwards as if recorded at `speed` (a declared rate, so
// its landmarks are those of music at another tempo and pitch).
struct Grown {
    std::string name;
    double seconds = 0;
    std::vector<IndexedLandmark> landmarks;
};

Grown growBackwards(const Track& track, double speed, const std::string& name) {
    const std::vector<float> backwards(track.mono.rbegin(), track.mono.rend());
    Grown grown{name, 0, {}};
    dsp::Fingerprinter f(track.rate * speed, 1, dsp::FingerprintSide::Index,
                         [&](const dsp::Landmark& l) {
                             grown.landmarks.push_back({l.hash, l.frame, l.span, l.pitchCents});
                         });
    const float* planar[1] = {backwards.data()};
    f.add(planar, backwards.size());
    f.finish();
    grown.seconds = f.seconds();
    return grown;
}

// The query landmarks of `path`, as identify takes them from a 5 s file (one window).
std::vector<dsp::Landmark> queryLandmarks(const std::string& path) {
    const Track query = decodeMono(path);
    return dsp::fingerprintSamples(query.mono, query.rate, dsp::FingerprintSide::Query);
}

// The distinct hashes a query of `path` asks the server for: each landmark's own and those it is
// looked up under besides (version 5's neighbouring register cells, cells near an edge, near ties
// of the peaks' order), as the lookup asks for them (dsp::queryHashes). A landmark's own hash alone
// left most of a version 5 query's stopped hashes listed in the first readers' pass.
std::vector<std::uint32_t> hashesAskedFor(const std::string& path) {
    std::vector<std::uint32_t> hashes;
    for (const dsp::Landmark& l : queryLandmarks(path))
        dsp::queryHashes(l, hashes);
    std::sort(hashes.begin(), hashes.end());
    hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
    return hashes;
}

// How the catalogue's rows spread over its hashes (docs/IDENTIFY.md "The stop-list as the
// catalogue grows"): distinct hashes, those past the cap and their share of the rows, the largest,
// and the entropy in bits of each of the hash's fields and of the whole hash, over the rows;
// `pastTheCap` the number of hashes past the cap.
std::string hashSpread(const accord::test::PostgresCluster& cluster, std::int64_t& pastTheCap) {
    const QString counts = cluster.psql(
        QString("SELECT hash, count(*) FROM ledger_landmarks WHERE fingerprint_version = %1 "
                "GROUP BY hash")
            .arg(dsp::fingerprint::kVersion),
        -1);
    struct Field {
        const char* name;
        int shift, bits;
    };
    // The fields of the hash (audio/dsp/src/fingerprint.cpp).
    const Field fields[] = {{"register", 0, 5}, {"interval 1", 5, 7}, {"interval 2", 12, 7},
                            {"ratio", 19, 4},   {"span", 23, 2},      {"loudest", 25, 2},
                            {"quietest", 27, 2}};
    std::vector<std::map<std::uint32_t, double>> perField(std::size(fields));
    double rows = 0, stoppedRows = 0, joint = 0, largest = 0;
    std::int64_t distinct = 0, stopped = 0;
    std::vector<double> rowsPerHash;
    for (const QString& line : counts.split('\n', Qt::SkipEmptyParts)) {
        const QStringList parts = line.split('|');
        const auto hash = std::uint32_t(parts[0].toLongLong());
        const double n = parts[1].toDouble();
        rowsPerHash.push_back(n);
        for (std::size_t f = 0; f < std::size(fields); ++f)
            perField[f][hash >> fields[f].shift & ((1u << fields[f].bits) - 1)] += n;
        rows += n;
        ++distinct;
        largest = std::max(largest, n);
        if (n > dsp::fingerprint::kMaxRowsPerHash) {
            ++stopped;
            stoppedRows += n;
        }
    }
    for (const double n : rowsPerHash)
        joint -= n / rows * std::log2(n / rows);
    pastTheCap = stopped;
    char text[256];
    std::snprintf(text, sizeof text,
                  "%lld distinct hashes, %lld (%.1f%%) past the cap holding %.1f%% of the rows, "
                  "the largest %.0f; entropy over the rows, bits: whole hash %.2f;",
                  static_cast<long long>(distinct), static_cast<long long>(stopped),
                  100.0 * double(stopped) / double(std::max<std::int64_t>(1, distinct)),
                  100.0 * stoppedRows / std::max(1.0, rows), largest, joint);
    std::string out = text;
    for (std::size_t f = 0; f < std::size(fields); ++f) {
        double h = 0;
        for (const auto& [value, n] : perField[f])
            h -= n / rows * std::log2(n / rows);
        std::snprintf(text, sizeof text, " %s %.2f of %d", fields[f].name, h, fields[f].bits);
        out += text;
    }
    return out;
}

double fileBytes(const std::string& path) {
    struct stat info {};
    return stat(path.c_str(), &info) == 0 ? double(info.st_size) : 0;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    // Line by line: a run of an hour shows its figures as they come, and keeps them if stopped.
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    const auto music = bench::hyperrogueTracks();
    if (music.size() < 17 || bench::voiceClips("-m-").empty()) {
        std::printf("bench_ledger_catalogue: material missing: run scripts/fetch-material.sh\n");
        return 1;
    }
    const std::vector<double> sizes = bench::envNumbers("ACCORD_BENCH_CATALOGUE_HOURS", "1,10");
    const double localHours = bench::envNumber("ACCORD_BENCH_CATALOGUE_LOCAL_HOURS",
                                               *std::max_element(sizes.begin(), sizes.end()));
    const int perCondition = int(bench::envNumber("ACCORD_BENCH_QUERIES", 20));
    // Unrelated queries per size, the last number for every size past the list's end (e.g.
    // "500,500,200": fewer at the large sizes, whose queries take longest).
    const std::vector<double> unrelatedPerSize = bench::envNumbers("ACCORD_BENCH_UNRELATED", "500");
    const int unrelatedCount =
        int(*std::max_element(unrelatedPerSize.begin(), unrelatedPerSize.end()));
    // The bench's own psql calls without JIT, as the catalogue's connection runs
    // (ledger::Catalogue), so the server's time printed for a lookup is the one identify sees.
    qputenv("PGOPTIONS", "-c jit=off");
    accord::test::PostgresCluster cluster;
    if (const QString why = cluster.start(); !why.isEmpty()) {
        std::printf("bench_ledger_catalogue: no PostgreSQL here: %s\n", qPrintable(why));
        return 1;
    }
    const std::string url = cluster.url().toStdString();
    const std::string scratch = bench::scratchFolder("bench-ledger-catalogue");
    auto registry = Registry::open(scratch + "/registry.sqlite");
    auto index = workflows::openFingerprintIndex(*registry);
    auto ledger = ledger::Ledger::connect(url);
    ledger::Catalogue catalogue(*ledger);
    // The backend serving `ledger`, the one client connection besides psql's own.
    const auto backend = pid_t(cluster
                                   .psql("SELECT pid FROM pg_stat_activity WHERE backend_type = "
                                         "'client backend' AND pid <> pg_backend_pid()")
                                   .toLong());
    const bool askFirstReader = bench::envNumber("ACCORD_BENCH_CATALOGUE_FIRST_READER", 0) != 0;
    const KeyPair owner = generateKeyPair();
    const std::string ownerKey = toHex(owner.publicKey);

    // Both hold the same landmarks: the local index, and the ledger's signed claims and rows.
    double hours = 0, localAddSeconds = 0, pushSeconds = 0;
    std::int64_t landmarkRows = 0, localRows = 0;
    bool growLocal = true;
    std::vector<ledger::SignedFingerprints> pending;
    auto flush = [&] {
        pushSeconds += bench::secondsOf([&] { catalogue.publish(pending); });
        pending.clear();
    };
    // A recording: `registryId` in the local index (a registered asset's id, or a grown one's
    // name), `pcmSha256` what its ledger claim names.
    auto add = [&](const std::string& registryId, const std::string& pcmSha256, double seconds,
                   const std::vector<IndexedLandmark>& landmarks) {
        if (growLocal) {
            localAddSeconds += bench::secondsOf(
                [&] { index->add(IndexedKind::Asset, registryId, pcmSha256, seconds, landmarks); });
            localRows += std::int64_t(landmarks.size());
        }
        ledger::FingerprintClaimFields claim{ownerKey,
                                             "Bench Holder",
                                             ownerKey,
                                             pcmSha256,
                                             seconds,
                                             dsp::fingerprint::kVersion,
                                             std::int64_t(landmarks.size()),
                                             sha256Hex(ledger::packLandmarks(landmarks))};
        const std::string text = ledger::fingerprintClaimText(claim);
        pending.push_back({{text, toHex(sign(owner.secretKey, text))}, landmarks});
        if (pending.size() >= workflows::kFingerprintPushBatch)
            flush();
        hours += seconds / 3600;
        landmarkRows += std::int64_t(landmarks.size());
    };

    // The 12 tracks, registered as a studio registers recordings (the local second look reads
    // their files), each known on both sides by its own PCM hash.
    struct QueriedTrack {
        std::string path;
        std::vector<float> samples; // 44.1 kHz mono, that queries are cut from
    };
    std::vector<Track> tracks;          // as decoded for the growth
    std::vector<QueriedTrack> queried;  // as the queries are cut
    std::map<std::string, int> trackOf; // local asset id or ledger PCM hash -> track
    const std::string holder = registry->addHolder("Bench Holder", "").id;
    for (std::size_t t = 0; t < 12; ++t) {
        tracks.push_back(decodeMono(music[t]));
        queried.push_back({music[t], bench::decode(music[t])});
        NewAsset asset;
        asset.owner = holder;
        asset.identity = audio::identifyAudioFile(music[t]);
        asset.path = music[t];
        const std::string id = registry->addAsset(asset).asset.id;
        trackOf[id] = trackOf[asset.identity.pcmSha256] = int(t);
        double seconds = 0;
        const auto landmarks = workflows::fingerprintFile(music[t], &seconds);
        add(id, asset.identity.pcmSha256, seconds, landmarks);
    }
    flush();

    // Queries, made as bench_identify makes them.
    std::mt19937 random(unsigned(bench::envNumber("ACCORD_BENCH_SEED", 20)));
    bench::QueryMaker<QueriedTrack> queryMaker(queried, scratch, random);
    std::vector<std::pair<std::string, std::vector<bench::Query>>> conditions;
    for (const bench::QueryCondition& c : queryMaker.conditions()) {
        conditions.push_back({c.name, {}});
        for (int n = 0; n < perCondition; ++n)
            conditions.back().second.push_back(c.make(n));
    }
    conditions.push_back({"unrelated (false matches)", {}});
    for (int n = 0; n < unrelatedCount; ++n)
        conditions.back().second.push_back(queryMaker.unrelated(n));
    const std::string explained = conditions[2].second.front().file; // a clean 5 s excerpt

    std::printf("bench_ledger_catalogue: PostgreSQL at %s; local side up to %g h; %d queries a "
                "condition, %s unrelated\n",
                url.c_str(), localHours, perCondition,
                std::getenv("ACCORD_BENCH_UNRELATED") ? std::getenv("ACCORD_BENCH_UNRELATED")
                                                      : "500");
    // The growth recordings, fingerprinted a batch ahead on another thread while the last is
    // pushed: every track in turn, each round at its own speed, in the golden ratio's steps as
    // bench_identify's (no two rounds share one; steps of 1/97 repeated every 25 hours).
    auto growthBatch = [&tracks](std::size_t first) {
        std::vector<Grown> batch;
        for (std::size_t g = first; g < first + workflows::kFingerprintPushBatch; ++g) {
            const std::size_t t = g % tracks.size(), round = g / tracks.size() + 1;
            batch.push_back(
                growBackwards(tracks[t], 0.8 + 0.4 * std::fmod(double(round) * 0.6180339887, 1.0),
                              "growth-" + std::to_string(round) + "-" + std::to_string(t)));
        }
        return batch;
    };
    std::size_t grown = 0;
    std::future<std::vector<Grown>> coming = std::async(std::launch::async, growthBatch, grown);
    std::deque<Grown> ready;
    for (std::size_t size = 0; size < sizes.size(); ++size) {
        const double target = sizes[size];
        const auto unrelatedHere =
            std::size_t(unrelatedPerSize[std::min(size, unrelatedPerSize.size() - 1)]);
        growLocal = target <= localHours;
        while (hours < target) {
            if (ready.empty()) {
                for (Grown& g : coming.get())
                    ready.push_back(std::move(g));
                grown += workflows::kFingerprintPushBatch;
                coming = std::async(std::launch::async, growthBatch, grown);
            }
            add(ready.front().name, sha256Hex(ready.front().name), ready.front().seconds,
                ready.front().landmarks);
            ready.pop_front();
        }
        flush();
        coming.wait(); // the queries below are timed with nothing else of ours running
        // What autovacuum would do after a bulk load: statistics, and the visibility map that
        // lets the lookups read the covering index alone.
        // One statement per call: VACUUM refuses to run in a multi-statement string (it is one
        // transaction), which before this made both calls fail unseen, leaving it to autovacuum.
        for (const char* table : {"ledger_landmarks", "ledger_fingerprint_claims"})
            if (cluster.psql(QString("VACUUM ANALYZE ") + table, -1).isNull())
                std::printf("bench_ledger_catalogue: VACUUM ANALYZE %s failed\n", table);
        if (growLocal) // the lookup file the studio's worker would make after an import
            index->remakeLookupFile();

        const double serverBytes = cluster
                                       .psql("SELECT pg_total_relation_size('ledger_landmarks') + "
                                             "pg_total_relation_size('ledger_fingerprint_claims')")
                                       .toDouble();
        std::printf("\n%.1f h: %lld landmark rows; server %.0f MiB (rows + index + claims), push "
                    "%.0f rows/s",
                    hours, static_cast<long long>(landmarkRows), serverBytes / (1 << 20),
                    double(landmarkRows) / pushSeconds);
        if (growLocal)
            std::printf("; local index %.0f MiB, add %.0f rows/s",
                        (fileBytes(index->path()) + fileBytes(index->path() + "-wal")) / (1 << 20),
                        double(localRows) / localAddSeconds);
        std::printf(
            "\n| condition | queries | ledger found (server's rows alone) | wrong | median "
            "ms | 95th pct ms | CPU median ms | server CPU median ms | local found | wrong | "
            "median "
            "ms | 95th pct ms | CPU median ms "
            "|%s\n|---|---|---|---|---|---|---|---|---|---|---|---|"
            "---|%s\n",
            askFirstReader ? " first reader: ledger found | wrong | median ms | 95th pct ms | CPU "
                             "median ms | server CPU median ms |"
                           : "",
            askFirstReader ? "---|---|---|---|---|---|" : "");
        std::vector<std::string> differences; // the queries the two sides answer differently
        // The server's stop-list entries of a query's hashes taken out, so that query is their
        // first reader: it is sent every stopped hash's rows and lists them again itself.
        auto unlistHashesOf = [&](const bench::Query& q) {
            QString hashes;
            for (const std::uint32_t h : hashesAskedFor(q.file))
                hashes += (hashes.isEmpty() ? "" : ",") + QString::number(std::int32_t(h));
            if (cluster
                    .psql("DELETE FROM ledger_stopped_hashes WHERE hash = ANY('{" + hashes +
                          "}'::int[])")
                    .isNull())
                std::printf("bench_ledger_catalogue: unlisting %s's hashes failed\n",
                            q.file.c_str());
        };
        auto listedCount = [&] {
            return cluster.psql("SELECT count(*) FROM ledger_stopped_hashes").toLongLong();
        };
        for (std::size_t c = 0; c < conditions.size(); ++c) {
            const auto& [condition, allQueries] = conditions[c];
            const bool mixes = condition.find("mixed") != std::string::npos;
            const bool unrelated = c + 1 == conditions.size();
            const std::vector<bench::Query> queries(
                allQueries.begin(),
                allQueries.begin() + std::ptrdiff_t(unrelated
                                                        ? std::min(unrelatedHere, allQueries.size())
                                                        : allQueries.size()));
            Side onLedger, local, firstReader;
            auto trackOfId = [&](const std::string& id) {
                const auto t = trackOf.find(id);
                return t == trackOf.end() ? -1 : t->second;
            };
            // The tracks (and only they) a side finds for `q`, timed.
            auto measure = [&](Side& side, const bench::Query& q, bool onServer,
                               const std::function<std::vector<int>()>& found) {
                const double cpu0 = threadCpuSeconds(), server0 = processCpuSeconds(backend);
                std::vector<int> tracksFound;
                side.wall.push_back(bench::secondsOf([&] { tracksFound = found(); }));
                side.cpu.push_back(threadCpuSeconds() - cpu0);
                if (onServer)
                    side.serverCpu.push_back(processCpuSeconds(backend) - server0);
                bool right = false;
                for (const int t : tracksFound) {
                    if (t == q.recording)
                        right = true;
                    else
                        ++side.wrong; // another track, a grown recording, or any for unrelated
                                      // audio
                }
                side.found += right;
                return tracksFound;
            };
            auto onLedgerFound = [&](const bench::Query& q) {
                std::vector<int> found;
                for (const auto& m : workflows::identifyFileOnLedger(*ledger, q.file))
                    found.push_back(trackOfId(m.id));
                return found;
            };
            auto names = [](const std::vector<int>& found) {
                std::string text;
                for (const int t : found)
                    text += (text.empty() ? "" : " ") +
                            (t < 0 ? std::string("grown") : "track " + std::to_string(t));
                return text.empty() ? std::string("nothing") : text;
            };
            auto describe = [&](const bench::Query& q) {
                return condition + ", " + q.file + " (track " + std::to_string(q.recording) +
                       " at " + std::to_string(q.offset) + " s)";
            };
            // The pass as the first reader of every stopped hash a query meets, for the clean 5 s
            // excerpts and the unrelated queries. Every entry it takes out is listed again by the
            // query itself, so the list must not be shorter after the pass.
            const bool passFirstReader =
                askFirstReader && (condition == "5 s excerpt" || unrelated);
            std::vector<std::vector<int>> byFirstReader(queries.size());
            auto askAsFirstReader = [&] {
                const long long listedBefore = listedCount();
                for (std::size_t i = 0; i < queries.size(); ++i) {
                    unlistHashesOf(queries[i]);
                    byFirstReader[i] = measure(firstReader, queries[i], true,
                                               [&] { return onLedgerFound(queries[i]); });
                }
                const long long listedAfter = listedCount();
                if (listedAfter < listedBefore) // it may list more: hashes no query met before
                    std::printf("bench_ledger_catalogue: the first readers' pass left %lld "
                                "hashes listed where there were %lld\n",
                                listedAfter, listedBefore);
            };
            if (passFirstReader && c % 2 == 1)
                askAsFirstReader();
            std::vector<std::vector<int>> byLedgerNow(queries.size());
            for (std::size_t i = 0; i < queries.size(); ++i) {
                const bench::Query& q = queries[i];
                std::vector<int> byLedger, byLocal;
                auto askLedger = [&] {
                    byLedger = measure(onLedger, q, true, [&] { return onLedgerFound(q); });
                };
                auto askLocal = [&] {
                    byLocal = measure(local, q, false, [&] {
                        std::vector<int> found;
                        for (const auto& m : workflows::identifyFile(*registry, *index, q.file))
                            found.push_back(trackOfId(m.id));
                        return found;
                    });
                };
                // Alternating which goes first, so neither always finds the file's pages cached.
                if (i % 2 == 0 || !growLocal) {
                    askLedger();
                    if (growLocal)
                        askLocal();
                } else {
                    askLocal();
                    askLedger();
                }
                byLedgerNow[i] = byLedger;
                if (growLocal && byLedger != byLocal)
                    differences.push_back(describe(q) + ": ledger " + names(byLedger) + ", local " +
                                          names(byLocal));
                // The server's rows alone (identify --ledger before its second look; with an
                // honest server its verified pass finds the same), untimed.
                if (mixes)
                    for (const dsp::LandmarkMatch& m : dsp::matchLandmarks(
                             queryLandmarks(q.file),
                             [&](const std::vector<std::uint32_t>&hashes, const auto&hit) {
                                 catalogue.lookup(
                                     hashes, dsp::fingerprint::kMaxRowsPerHash,
                                     dsp::fingerprint::kVersion,
                                     [&](std::size_t h, std::int64_t recording,
                                         const IndexedLandmark& l) {
                                         hit(h, {recording, l.frame, l.span, l.pitchCents});
                                     });
                             }))
                        onLedger.foundAtFirstLook +=
                            trackOfId(catalogue.recording(m.recording).fields.pcmSha256) ==
                            q.recording;
            }
            if (passFirstReader && c % 2 == 0)
                askAsFirstReader();
            if (passFirstReader)
                for (std::size_t i = 0; i < queries.size(); ++i)
                    if (byFirstReader[i] != byLedgerNow[i])
                        differences.push_back(describe(queries[i]) + ": ledger " +
                                              names(byLedgerNow[i]) + ", as the first reader " +
                                              names(byFirstReader[i]));
            auto figures = [](const Side& side) {
                char text[160];
                std::snprintf(text, sizeof text, "%d | %.1f | %.1f | %.1f", side.wrong,
                              bench::percentile(side.wall, 0.5) * 1e3,
                              bench::percentile(side.wall, 0.95) * 1e3,
                              bench::percentile(side.cpu, 0.5) * 1e3);
                std::string out = text;
                if (!side.serverCpu.empty()) {
                    std::snprintf(text, sizeof text, " | %.1f",
                                  bench::percentile(side.serverCpu, 0.5) * 1e3);
                    out += text;
                }
                return out;
            };
            std::printf("| %s | %zu | %d", condition.c_str(), queries.size(), onLedger.found);
            if (mixes)
                std::printf(" (%d)", onLedger.foundAtFirstLook);
            std::printf(" | %s | ", figures(onLedger).c_str());
            if (growLocal)
                std::printf("%d | %s |", local.found, figures(local).c_str());
            else
                std::printf("not grown past %g h | | | | |", localHours);
            if (passFirstReader)
                std::printf(" %d | %s |", firstReader.found, figures(firstReader).c_str());
            else if (askFirstReader)
                std::printf(" | | | | | |");
            std::printf("\n");
        }
        for (const std::string& d : differences)
            std::printf("answered differently: %s\n", d.c_str());
        // The server's own time for a clean 5 s query's lookup, with the index pages it found in
        // memory and those it read and the rows it sent: the statement Catalogue::lookup sends,
        // and the one it sent before migration 5 (no stop-list: every hash's first 49 rows),
        // alternating three times. Without per-node timing, whose cost per row would favour the
        // statement sending fewer rows.
        QString hashes;
        for (const std::uint32_t h : hashesAskedFor(explained))
            hashes += (hashes.isEmpty() ? "" : ",") + QString::number(std::int32_t(h));
        const QString lookupBefore =
            "SELECT q.hash, l.recording, l.frame, l.span, l.pitch_cents FROM unnest($1::int[]) "
            "AS q(hash) CROSS JOIN LATERAL (SELECT recording, frame, span, pitch_cents FROM "
            "ledger_landmarks WHERE hash = q.hash AND fingerprint_version = $2 LIMIT $3 + 1) l";
        auto explain = [&](const QString& statement) {
            const QString out = cluster.psql(
                "PREPARE lookup(int[], int, int) AS " + statement +
                QString("; EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) EXECUTE "
                        "lookup('{%1}', %2, %3)")
                    .arg(hashes)
                    .arg(dsp::fingerprint::kVersion)
                    .arg(dsp::fingerprint::kMaxRowsPerHash));
            if (out.isEmpty())
                return std::string("failed");
            const auto plan = nlohmann::json::parse(out.toStdString());
            const auto& top = plan.at(0).at("Plan");
            char text[160];
            std::snprintf(text, sizeof text,
                          "%.1f ms, %lld rows, %lld index pages in memory, %lld "
                          "read",
                          plan.at(0).at("Execution Time").get<double>(),
                          static_cast<long long>(top.at("Actual Rows").get<std::int64_t>()),
                          static_cast<long long>(top.at("Shared Hit Blocks").get<std::int64_t>()),
                          static_cast<long long>(top.at("Shared Read Blocks").get<std::int64_t>()));
            return std::string(text);
        };
        for (int round = 0; round < 3; ++round) {
            std::string before, now;
            if (round % 2 == 0)
                before = explain(lookupBefore);
            now = explain(QString::fromStdString(ledger::catalogueLookupStatement()));
            if (round % 2 == 1)
                before = explain(lookupBefore);
            std::printf("server alone, a clean 5 s query's lookup (%d hashes): before migration "
                        "5 %s; now %s\n",
                        int(hashes.count(',') + 1), before.c_str(), now.c_str());
        }
        std::int64_t pastTheCap = 0;
        const std::string spread = hashSpread(cluster, pastTheCap);
        std::printf("stop-list at %.1f h: %s\n", hours, spread.c_str());
        // On a line of its own, beside the count it is a share of (docs/LEDGER.md "The list the
        // queries made").
        std::printf("the server's stop-list at %.1f h, listed by this run's readers: %lld of the "
                    "%lld hashes past the cap\n",
                    hours, listedCount(), static_cast<long long>(pastTheCap));
        std::fflush(stdout);
    }
    std::system(("rm -rf '" + scratch + "'").c_str());
    return 0;
}
