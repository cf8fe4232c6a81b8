// Catalogue identify through the ledger server (docs/LEDGER.md "Catalogue", "Measured"), side by
// side with local identify on the same fingerprints: both are given the same landmarks (the local
// index beside a registry, the ledger's claims and rows on a throwaway PostgreSQL cluster,
// tests/support/postgres_cluster.h), grown to each size in ACCORD_BENCH_CATALOGUE_HOURS
// (comma-separated, default "1,10"), and asked the same queries at each size: 20 clean 5 s
// excerpts and 20 mixed under other music (sox -m, the other track at the same gain), for recall,
// and 20 unrelated 5 s excerpts, for false matches. Recordings: the first 12 hyperrogue tracks,
// then, to grow, the same tracks played backwards at speeds from 0.8 to 1.2 (as bench_identify
// grows its index: music of the same spectra whose landmarks are not the queries').
// ACCORD_BENCH_CATALOGUE_LOCAL_HOURS (default: every size) stops the local side at the sizes above
// it: the local index's SQLite inserts are then the slowest part of the growth, and the ledger's
// figures past it need no local index (docs/LEDGER.md "Measured"). The next recordings are
// fingerprinted on a second thread while a batch is pushed, and at each size the server's own
// time for one query's lookup is printed (EXPLAIN ANALYZE), to tell the server's share of a
// query's growth from the client's. The ledger's mixes are also counted as the server's rows alone
// find them (before identify's second look in the claims' landmarks), and how the rows spread over
// the hashes is printed at each size (the stop-list's share, each hash field's entropy).

#include "accord/audio/audio_file.h"
#include "accord/core/crypto.h"
#include "accord/core/registry.h"
#include "accord/dsp/fingerprint.h"
#include "accord/ledger/catalogue.h"
#include "accord/workflows/identify.h"
#include "accord/workflows/ledger_catalogue.h"
#include "bench_common.h"
#include "postgres_cluster.h"

#include <QCoreApplication>

#include <nlohmann/json.hpp>

#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

#include <cmath>
#include <deque>
#include <future>
#include <map>
#include <random>
#include <set>

using namespace accord;
using bench::threadCpuSeconds;

namespace {

std::vector<std::string> oggFiles(const std::string& folder) {
    std::vector<std::string> files;
    if (DIR* d = opendir(folder.c_str())) {
        while (const dirent* e = readdir(d)) {
            const std::string name = e->d_name;
            if (name.size() > 4 && name.substr(name.size() - 4) == ".ogg")
                files.push_back(folder + "/" + name);
        }
        closedir(d);
    }
    std::sort(files.begin(), files.end());
    return files;
}

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

bool sox(const std::string& arguments) {
    return std::system(("sox " + arguments + " 2>/dev/null").c_str()) == 0;
}

struct Query {
    std::string file;
    std::string recording; // the name of the recording it was cut from; empty: unrelated
    double offset = 0;
};

struct Side {
    std::vector<double> wall, cpu;
    int foundClean = 0, foundMixed = 0, falseMatches = 0;
    int mixedAtFirstLook = 0; // the ledger's mixes found by the server's rows alone
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
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

// The distinct hashes a query of `path` asks the server for, fingerprinted as identify does.
std::vector<std::uint32_t> queryHashes(const std::string& path) {
    const Track query = decodeMono(path);
    std::set<std::uint32_t> hashes;
    dsp::Fingerprinter f(query.rate, 1, dsp::FingerprintSide::Query,
                         [&](const dsp::Landmark& l) { hashes.insert(l.hash); });
    const float* planar[1] = {query.mono.data()};
    f.add(planar, query.mono.size());
    f.finish();
    return {hashes.begin(), hashes.end()};
}

// The query landmarks of `path`, as identify takes them from a 5 s file (one window).
std::vector<dsp::Landmark> queryLandmarks(const std::string& path) {
    const Track query = decodeMono(path);
    return dsp::fingerprintSamples(query.mono, query.rate, dsp::FingerprintSide::Query);
}

// How the catalogue's rows spread over its hashes (docs/IDENTIFY.md "The stop-list as the
// catalogue grows"): distinct hashes, those past the cap and their share of the rows, the largest,
// and the entropy in bits of each of the hash's fields and of the whole hash, over the rows.
std::string hashSpread(const accord::test::PostgresCluster& cluster) {
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
    const Field fields[] = {{"interval 1", 0, 7}, {"interval 2", 7, 7}, {"ratio", 14, 4},
                            {"register", 18, 4},  {"span", 22, 2},      {"loudest", 24, 2},
                            {"quietest", 26, 2}};
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
    const auto music = oggFiles(bench::materialRoot() + "/hyperrogue");
    if (music.size() < 17) {
        std::printf("bench_ledger_catalogue: material missing: run scripts/fetch-material.sh\n");
        return 1;
    }
    const std::vector<double> sizes = bench::envNumbers("ACCORD_BENCH_CATALOGUE_HOURS", "1,10");
    const double localHours = bench::envNumber("ACCORD_BENCH_CATALOGUE_LOCAL_HOURS",
                                               *std::max_element(sizes.begin(), sizes.end()));
    accord::test::PostgresCluster cluster;
    if (const QString why = cluster.start(); !why.isEmpty()) {
        std::printf("bench_ledger_catalogue: no PostgreSQL here: %s\n", qPrintable(why));
        return 1;
    }
    const std::string url = cluster.url().toStdString();
    const std::string scratch = bench::scratchFolder("bench-ledger-catalogue");
    auto registry = Registry::open(scratch + "/registry.sqlite");
    auto index =
        FingerprintIndex::open(scratch + "/registry.sqlite.fingerprints",
                               dsp::fingerprint::kVersion, dsp::fingerprint::kMaxRowsPerHash);
    auto ledger = ledger::Ledger::connect(url);
    ledger::Catalogue catalogue(*ledger);
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
    auto add = [&](const std::string& name, double seconds,
                   const std::vector<IndexedLandmark>& landmarks) {
        if (growLocal) {
            localAddSeconds += bench::secondsOf(
                [&] { index->add(IndexedKind::Asset, name, sha256Hex(name), seconds, landmarks); });
            localRows += std::int64_t(landmarks.size());
        }
        ledger::FingerprintClaimFields claim{ownerKey,
                                             "Bench Holder",
                                             ownerKey,
                                             sha256Hex(name),
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

    std::vector<Track> tracks;
    for (std::size_t t = 0; t < 12; ++t) {
        tracks.push_back(decodeMono(music[t]));
        double seconds = 0;
        const auto landmarks = workflows::fingerprintFile(music[t], &seconds);
        add("track-" + std::to_string(t), seconds, landmarks);
    }
    flush();

    // Queries, cut with sox from the tracks' files.
    std::mt19937 random(20);
    std::vector<Query> queries;
    for (int n = 0; n < 60; ++n) {
        Query q;
        q.file = scratch + "/query-" + std::to_string(n) + ".wav";
        const bool unrelated = n >= 40;
        const std::size_t t = unrelated ? 12 + random() % 5 : random() % 12;
        const double length = audio::identifyAudioFile(music[t]).durationSeconds;
        q.offset = 5 + std::uniform_real_distribution<double>(0, length - 15)(random);
        const std::string cut = " trim " + std::to_string(q.offset) + " 5";
        if (!unrelated)
            q.recording = "track-" + std::to_string(t);
        if (n < 20 || unrelated) {
            sox("'" + music[t] + "' -r 44100 -c 2 '" + q.file + "'" + cut);
        } else {
            const std::string part = scratch + "/part.wav", other = scratch + "/other.wav";
            sox("'" + music[t] + "' -r 44100 -c 2 '" + part + "'" + cut);
            sox("'" + music[12 + random() % 5] + "' -r 44100 -c 2 '" + other + "' trim " +
                std::to_string(10 + random() % 60) + " 5");
            sox("-m -v 1 '" + part + "' -v 1 '" + other + "' '" + q.file + "'");
        }
        queries.push_back(q);
    }

    std::printf("bench_ledger_catalogue: PostgreSQL at %s; local side up to %g h\n", url.c_str(),
                localHours);
    std::printf("| hours | landmark rows | server MiB (rows + index + claims) | push, rows/s | "
                "ledger 5 s query median ms (CPU here) | ledger found clean, mixed (mixed by the "
                "server's rows alone) | ledger false "
                "matches | server alone, one query's lookup ms (index pages in memory, read) | "
                "local index MiB | local add, rows/s | local median ms (CPU) | local found clean, "
                "mixed | local false matches |\n|---|---|---|---|---|---|---|---|---|---|---|---|"
                "---|\n");
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
    for (const double target : sizes) {
        growLocal = target <= localHours;
        while (hours < target) {
            if (ready.empty()) {
                for (Grown& g : coming.get())
                    ready.push_back(std::move(g));
                grown += workflows::kFingerprintPushBatch;
                coming = std::async(std::launch::async, growthBatch, grown);
            }
            add(ready.front().name, ready.front().seconds, ready.front().landmarks);
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
        Side onLedger, local;
        for (std::size_t i = 0; i < queries.size(); ++i) {
            const Query& q = queries[i];
            const std::string right = q.recording.empty() ? "" : sha256Hex(q.recording);
            auto measure = [&](Side& side, const std::function<std::vector<std::string>()>& ids) {
                const double cpu0 = threadCpuSeconds();
                std::vector<std::string> found;
                side.wall.push_back(bench::secondsOf([&] { found = ids(); }));
                side.cpu.push_back(threadCpuSeconds() - cpu0);
                for (const std::string& id : found)
                    (id == right ? (i < 20 ? side.foundClean : side.foundMixed)
                                 : side.falseMatches) += 1;
            };
            measure(onLedger, [&] {
                std::vector<std::string> ids;
                for (const auto& m : workflows::identifyFileOnLedger(*ledger, q.file))
                    ids.push_back(m.id);
                return ids;
            });
            // The server's rows alone (identify --ledger before its second look; with an honest
            // server its verified pass finds the same), untimed.
            if (i >= 20 && i < 40)
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
                    onLedger.mixedAtFirstLook +=
                        catalogue.recording(m.recording).fields.pcmSha256 == right;
            if (growLocal)
                measure(local, [&] {
                    std::vector<std::string> ids;
                    for (const auto& m : workflows::identifyFile(*registry, *index, q.file))
                        ids.push_back(sha256Hex(m.id));
                    return ids;
                });
        }
        const double serverBytes = cluster
                                       .psql("SELECT pg_total_relation_size('ledger_landmarks') + "
                                             "pg_total_relation_size('ledger_fingerprint_claims')")
                                       .toDouble();
        // The server's own time for the first clean query's lookup, the statement
        // Catalogue::lookup sends, with the index pages it found in memory and those it read.
        QString hashes;
        for (const std::uint32_t h : queryHashes(queries[0].file))
            hashes += (hashes.isEmpty() ? "" : ",") + QString::number(std::int32_t(h));
        const auto plan = nlohmann::json::parse(
            cluster
                .psql(QString("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT q.hash, l.recording, "
                              "l.frame, l.span, l.pitch_cents FROM unnest('{%1}'::int[]) AS "
                              "q(hash) CROSS JOIN LATERAL (SELECT recording, frame, span, "
                              "pitch_cents FROM ledger_landmarks WHERE hash = q.hash AND "
                              "fingerprint_version = %2 LIMIT %3) l")
                          .arg(hashes)
                          .arg(dsp::fingerprint::kVersion)
                          .arg(dsp::fingerprint::kMaxRowsPerHash + 1))
                .toStdString());
        const auto& top = plan.at(0).at("Plan");
        std::printf("| %.1f | %lld | %.0f | %.0f | %.1f (%.1f) | %d, %d (first look %d) | %d | "
                    "%.1f (%lld, %lld) |",
                    hours, static_cast<long long>(landmarkRows), serverBytes / (1 << 20),
                    double(landmarkRows) / pushSeconds, median(onLedger.wall) * 1e3,
                    median(onLedger.cpu) * 1e3, onLedger.foundClean, onLedger.foundMixed,
                    onLedger.mixedAtFirstLook, onLedger.falseMatches,
                    plan.at(0).at("Execution Time").get<double>(),
                    static_cast<long long>(top.at("Shared Hit Blocks").get<std::int64_t>()),
                    static_cast<long long>(top.at("Shared Read Blocks").get<std::int64_t>()));
        if (growLocal)
            std::printf(" %.0f | %.0f | %.1f (%.1f) | %d, %d | %d |\n",
                        (fileBytes(index->path()) + fileBytes(index->path() + "-wal")) / (1 << 20),
                        double(localRows) / localAddSeconds, median(local.wall) * 1e3,
                        median(local.cpu) * 1e3, local.foundClean, local.foundMixed,
                        local.falseMatches);
        else
            std::printf(" not grown past %g h | | | | |\n", localHours);
        std::printf("stop-list at %.1f h: %s\n", hours, hashSpread(cluster).c_str());
        std::fflush(stdout);
    }
    std::system(("rm -rf '" + scratch + "'").c_str());
    return 0;
}
