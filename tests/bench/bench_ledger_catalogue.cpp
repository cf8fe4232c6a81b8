// Catalogue identify through the ledger server (docs/LEDGER.md "Catalogue", "Measured"), side by
// side with local identify on the same fingerprints: both are given the same landmarks (the local
// index beside a registry, the ledger's claims and rows on a throwaway PostgreSQL cluster,
// tests/support/postgres_cluster.h), grown to each size in ACCORD_BENCH_CATALOGUE_HOURS
// (comma-separated, default "1,10"), and asked the same queries at each size: 20 clean 5 s
// excerpts and 20 mixed under other music (sox -m, the other track at the same gain), for recall,
// and 20 unrelated 5 s excerpts, for false matches. Recordings: the first 12 hyperrogue tracks,
// then, to grow, the same tracks played backwards at speeds from 0.8 to 1.2 (as bench_identify
// grows its index: music of the same spectra whose landmarks are not the queries').

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

#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

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
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

double fileBytes(const std::string& path) {
    struct stat info {};
    return stat(path.c_str(), &info) == 0 ? double(info.st_size) : 0;
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const auto music = oggFiles(bench::materialRoot() + "/hyperrogue");
    if (music.size() < 17) {
        std::printf("bench_ledger_catalogue: material missing: run scripts/fetch-material.sh\n");
        return 1;
    }
    std::vector<double> sizes;
    {
        const char* list = std::getenv("ACCORD_BENCH_CATALOGUE_HOURS");
        std::string text = list && *list ? list : "1,10";
        for (std::size_t start = 0; start < text.size();) {
            const std::size_t comma = std::min(text.find(',', start), text.size());
            sizes.push_back(std::atof(text.substr(start, comma - start).c_str()));
            start = comma + 1;
        }
    }
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
    std::int64_t landmarkRows = 0;
    std::vector<ledger::SignedFingerprints> pending;
    auto flush = [&] {
        pushSeconds += bench::secondsOf([&] { catalogue.publish(pending); });
        pending.clear();
    };
    auto add = [&](const std::string& name, double seconds,
                   const std::vector<IndexedLandmark>& landmarks) {
        localAddSeconds += bench::secondsOf(
            [&] { index->add(IndexedKind::Asset, name, sha256Hex(name), seconds, landmarks); });
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

    std::printf("bench_ledger_catalogue: PostgreSQL at %s\n", url.c_str());
    std::printf("| hours | landmark rows | server MiB (rows + index + claims) | local index MiB | "
                "push, rows/s | local add, rows/s | ledger 5 s query median ms (CPU here) | "
                "local median ms (CPU) | ledger found clean, mixed | local found clean, mixed | "
                "false matches ledger, local |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    int version = 0;
    for (const double target : sizes) {
        while (hours < target) {
            const double speed = 0.8 + 0.4 * double(++version % 97) / 97;
            for (std::size_t t = 0; t < tracks.size() && hours < target; ++t) {
                std::vector<float> backwards(tracks[t].mono.rbegin(), tracks[t].mono.rend());
                std::vector<IndexedLandmark> landmarks;
                dsp::Fingerprinter f(
                    tracks[t].rate * speed, 1, dsp::FingerprintSide::Index,
                    [&](const dsp::Landmark& l) {
                        landmarks.push_back({l.hash, l.frame, l.span, l.pitchCents});
                    });
                const float* planar[1] = {backwards.data()};
                f.add(planar, backwards.size());
                f.finish();
                add("growth-" + std::to_string(version) + "-" + std::to_string(t), f.seconds(),
                    landmarks);
            }
        }
        flush();
        // What autovacuum would do after a bulk load: statistics, and the visibility map that
        // lets the lookups read the covering index alone.
        cluster.psql("VACUUM ANALYZE ledger_landmarks; VACUUM ANALYZE ledger_fingerprint_claims");
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
        std::printf("| %.1f | %lld | %.0f | %.0f | %.0f | %.0f | %.1f (%.1f) | %.1f (%.1f) | %d, "
                    "%d | %d, %d | %d, %d |\n",
                    hours, static_cast<long long>(landmarkRows), serverBytes / (1 << 20),
                    (fileBytes(index->path()) + fileBytes(index->path() + "-wal")) / (1 << 20),
                    double(landmarkRows) / pushSeconds, double(landmarkRows) / localAddSeconds,
                    median(onLedger.wall) * 1e3, median(onLedger.cpu) * 1e3,
                    median(local.wall) * 1e3, median(local.cpu) * 1e3, onLedger.foundClean,
                    onLedger.foundMixed, local.foundClean, local.foundMixed, onLedger.falseMatches,
                    local.falseMatches);
        std::fflush(stdout);
    }
    std::system(("rm -rf '" + scratch + "'").c_str());
    return 0;
}
