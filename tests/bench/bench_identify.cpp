// Identification (docs/IDENTIFY.md "Measured"): recall and precision per condition for Accord and
// for Chromaprint (fpcalc on the same queries, matched by the sliding bit-error rate AcoustID
// uses), false matches over unrelated queries, indexing speed, query time, and how the index, its
// lookup file and the query time grow with the hours indexed (through the lookup file and
// through SQLite alone, side by side, with the same matches checked).
//
// Recordings (>= 100): the hyperrogue tracks but the last five cut into 20 s pieces, and the
// fillets-cs clips of the low voice joined in order into 30 s recordings. Unrelated audio: the
// last five hyperrogue tracks, the high voice's clips, sonic-pi loops, piano notes.
// Knobs: ACCORD_BENCH_QUERIES (per condition, 40), ACCORD_BENCH_UNRELATED (500),
// ACCORD_BENCH_HOURS (index growth up to this many hours, 4), ACCORD_BENCH_SEED (the queries'
// draw, 14), ACCORD_BENCH_CONDITIONS (score only the conditions whose names contain one of these
// comma-separated words; every query is still made, so the others stay the same queries),
// ACCORD_BENCH_CHROMAPRINT (0: Accord only), ACCORD_BENCH_CANDIDATES (a CSV file: every
// recording's best fit for every query, reported or not, the data the confidence is fitted on;
// docs/IDENTIFY.md "Confidence"), ACCORD_BENCH_KEEP (1: the scratch folder, its registry, grown
// index and queries, is kept and named at the end, with queries.tsv listing each query's
// condition, file and recording, for re-queries without growing the index again),
// ACCORD_BENCH_GROWTH_UNTIL (a Unix time: the index grows no more after it, and the size reached
// is measured as the largest, every scored condition and the unrelated queries asked again; a
// loaded machine that cannot reach ACCORD_BENCH_HOURS still measures recall at scale).

#include "accord/audio/audio_file.h"
#include "accord/core/registry.h"
#include "accord/dsp/fingerprint.h"
#include "accord/workflows/identify.h"
#include "accord/workflows/import.h"

#include "bench_common.h"
#include "identify_queries.h"

#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <time.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

using namespace accord;
using bench::decode;
using bench::listFiles;
using bench::processCpuSeconds;
using bench::Query;
using bench::rms;
using bench::run;
using bench::secondsOf;
using bench::shellQuoted;
using bench::threadCpuSeconds;
using bench::writeWav;

namespace {

constexpr int kRate = bench::kQueryRate;

// This thread's CPU seconds: on a machine shared with builds the wall time of a query says as
// much about the others as about it, its CPU time (reads from the OS's cache included) less.
// Runs `work`, adding its wall and CPU seconds to `wall` and `cpu`.
void timed(const std::function<void()>& work, std::vector<double>& wall, std::vector<double>& cpu) {
    const double start = threadCpuSeconds();
    wall.push_back(secondsOf(work));
    cpu.push_back(threadCpuSeconds() - start);
}

// A query file's landmarks.
std::vector<dsp::Landmark> queryLandmarks(const std::string& file) {
    std::optional<dsp::Fingerprinter> fingerprinter;
    std::vector<dsp::Landmark> landmarks;
    audio::readAudioFileInBlocks(
        file,
        [&](int rate, int channels) {
            fingerprinter.emplace(rate, channels, dsp::FingerprintSide::Query,
                                  [&](const dsp::Landmark& l) { landmarks.push_back(l); });
        },
        [&](const float* const* planar, int frames) {
            fingerprinter->add(planar, std::size_t(frames));
        });
    fingerprinter->finish();
    return landmarks;
}

// A query file's matches (identifyFile's path for a file shorter than its window), its hashes
// looked up through the lookup file or, `inSqlite`, in SQLite alone (the lookup before it).
std::vector<dsp::LandmarkMatch> matchFile(const FingerprintIndex& index, const std::string& file,
                                          bool inSqlite,
                                          std::vector<dsp::LandmarkMatch>* candidates = nullptr) {
    return dsp::matchLandmarks(
        queryLandmarks(file),
        [&](const std::vector<std::uint32_t>& hashes, const auto& hit) {
            auto found = [&](std::size_t i, std::int64_t recording, const IndexedLandmark& l) {
                hit(i, {recording, l.frame, l.span, l.pitchCents});
            };
            inSqlite ? index.lookupInSqlite(hashes, found) : index.lookup(hashes, found);
        },
        candidates);
}

bool sameMatches(const std::vector<dsp::LandmarkMatch>& a,
                 const std::vector<dsp::LandmarkMatch>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
        return x.recording == y.recording && x.landmarks == y.landmarks && x.onsets == y.onsets &&
               x.queryStart == y.queryStart && x.recordingStart == y.recordingStart &&
               x.seconds == y.seconds && x.speed == y.speed &&
               x.pitchSemitones == y.pitchSemitones && x.confidence == y.confidence;
    });
}

double medianOf(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

struct Recording {
    std::string path;
    std::vector<float> samples; // 44.1 kHz mono
    std::string asset;
    int source = -1; // the hyperrogue track it was cut from (-1: speech)
};

// ---- Chromaprint (fpcalc), matched as AcoustID compares fingerprints ----

std::vector<std::uint32_t> chromaprint(const std::string& file) {
    const std::string out =
        run("fpcalc -raw -json -length 7200 " + shellQuoted(file) + " 2>/dev/null");
    std::vector<std::uint32_t> items;
    try {
        const nlohmann::json result = nlohmann::json::parse(out);
        for (const auto& v : result.at("fingerprint"))
            items.push_back(std::uint32_t(v.get<std::int64_t>()));
    } catch (const std::exception&) {
    }
    return items;
}

// The lowest bit-error rate of `query` slid over `reference` with at least `minOverlap` items
// overlapping (AcoustID's comparison of raw fingerprints, at every offset).
double bestBitErrorRate(const std::vector<std::uint32_t>& query,
                        const std::vector<std::uint32_t>& reference, std::size_t minOverlap) {
    double best = 1;
    const long q = long(query.size()), r = long(reference.size());
    for (long shift = -q + long(minOverlap); shift <= r - long(minOverlap); ++shift) {
        long errors = 0, count = 0;
        for (long i = std::max(0L, -shift); i < q && i + shift < r; ++i) {
            errors += __builtin_popcount(query[std::size_t(i)] ^ reference[std::size_t(i + shift)]);
            ++count;
        }
        if (count >= long(minOverlap))
            best = std::min(best, double(errors) / (32.0 * double(count)));
    }
    return best;
}

// Two thresholds on the bit-error rate: AcoustID's permissive one (~0.35) and a strict one.
constexpr double kChromaprintMaxBer[2] = {0.35, 0.20};

// ---- queries ----

struct Score {
    // wrong: another recording reported; sameSource: of those, a piece of the same track (the
    // tracks repeat their sections, so the same music is there too)
    int queries = 0, found = 0, wrong = 0, sameSource = 0;
    std::vector<double> seconds, cpuSeconds;
};

// ACCORD_BENCH_REQUERY=<a folder ACCORD_BENCH_KEEP kept>: its queries asked again of its grown
// index without growing it, three ways: the index's lookups alone (the first look), identifyFile
// (with the second look at near matches in their own audio), and the first look with every row
// the stop-list took from the registered recordings given back (fingerprinted again from their
// files; the growth's recordings have none): what the stop-list costs a condition as the index
// grows, and how much of it the second look wins back (docs/IDENTIFY.md "Queries").
int requery(const std::string& folder) {
    auto registry = Registry::open(folder + "/registry.sqlite");
    auto index = workflows::openFingerprintIndex(*registry);
    std::unordered_map<std::uint32_t, std::vector<std::pair<std::int64_t, IndexedLandmark>>>
        registeredRows; // every row of the registered recordings, no cap
    for (const Asset& asset : registry->assets())
        if (const auto indexed = index->recording(IndexedKind::Asset, asset.id))
            for (const IndexedLandmark& l : workflows::fingerprintFile(asset.path))
                registeredRows[l.hash].push_back({indexed->id, l});
    constexpr int kWays = 3; // first look, identifyFile, rows given back
    struct Counts {
        int queries = 0, found[kWays] = {}, wrong[kWays] = {};
        std::vector<double> cpu[kWays];
        // agreeing landmarks in onsets of the recording the query was cut from, when the first
        // look misses it (its best fit, or none)
        std::vector<std::string> missed;
    };
    std::vector<std::string> conditions;
    std::map<std::string, Counts> counts;
    std::ifstream list(folder + "/queries.tsv");
    for (std::string line; std::getline(list, line);) {
        const std::size_t tab = line.find('\t'), tab2 = line.rfind('\t');
        const std::string condition = line.substr(0, tab),
                          file = line.substr(tab + 1, tab2 - tab - 1),
                          asset = line.substr(tab2 + 1);
        if (!counts.count(condition))
            conditions.push_back(condition);
        Counts& c = counts[condition];
        ++c.queries;
        for (int way = 0; way < kWays; ++way) {
            std::vector<dsp::LandmarkMatch> candidates;
            std::vector<std::string> reported; // registry ids
            std::vector<double> wall;
            timed(
                [&] {
                    if (way == 1) {
                        for (const auto& r : workflows::identifyFile(*registry, *index, file))
                            reported.push_back(r.id);
                        return;
                    }
                    const auto matches = dsp::matchLandmarks(
                        queryLandmarks(file),
                        [&](const std::vector<std::uint32_t>& hashes, const auto& hit) {
                            std::vector<bool> answered(hashes.size());
                            index->lookup(hashes, [&](std::size_t i, std::int64_t recording,
                                                      const IndexedLandmark& l) {
                                answered[i] = true;
                                hit(i, {recording, l.frame, l.span, l.pitchCents});
                            });
                            for (std::size_t i = 0; way == 2 && i < hashes.size(); ++i)
                                if (const auto rows = registeredRows.find(hashes[i]);
                                    !answered[i] && rows != registeredRows.end())
                                    for (const auto& [recording, l] : rows->second)
                                        hit(i, {recording, l.frame, l.span, l.pitchCents});
                        },
                        &candidates);
                    for (const dsp::LandmarkMatch& m : matches) {
                        const auto r = index->recording(m.recording);
                        reported.push_back(r ? r->registryId : "");
                    }
                },
                wall, c.cpu[way]);
            const bool right = std::count(reported.begin(), reported.end(), asset) > 0;
            c.found[way] += right;
            // Wrong: the grown material, or anything for unrelated audio (another registered
            // recording found in an excerpt is often a piece of the same track, which repeats
            // its sections: "Measured").
            for (const std::string& id : reported)
                c.wrong[way] += id != asset && (asset == "-" || !registry->asset(id));
            if (!right && way == 0 && asset != "-") {
                std::string fit = "none";
                for (const dsp::LandmarkMatch& m : candidates)
                    if (const auto r = index->recording(m.recording); r && r->registryId == asset)
                        fit = std::to_string(m.landmarks) + " in " + std::to_string(m.onsets);
                c.missed.push_back(fit);
            }
        }
    }
    std::printf("%d recordings indexed, %.1f h\n", int(index->recordings().size()), [&] {
        double seconds = 0;
        for (const IndexedRecording& r : index->recordings())
            seconds += r.seconds;
        return seconds / 3600;
    }());
    std::printf("| condition | queries | first look: found | wrong (grown, or any for unrelated "
                "audio) | CPU median ms | with the second look (identifyFile): found | wrong | CPU "
                "median ms | the stopped rows of the registered recordings given back: found | "
                "wrong | first look's misses: "
                "agreeing landmarks in onsets |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (const std::string& name : conditions) {
        const Counts& c = counts[name];
        std::string missed;
        for (const std::string& m : c.missed)
            missed += (missed.empty() ? "" : ", ") + m;
        std::printf("| %s | %d | %d | %d | %.1f | %d | %d | %.1f | %d | %d | %s |\n", name.c_str(),
                    c.queries, c.found[0], c.wrong[0], medianOf(c.cpu[0]) * 1e3, c.found[1],
                    c.wrong[1], medianOf(c.cpu[1]) * 1e3, c.found[2], c.wrong[2], missed.c_str());
        std::fflush(stdout);
    }
    return 0;
}

} // namespace

int main() {
    if (const char* kept = std::getenv("ACCORD_BENCH_REQUERY"); kept && *kept)
        return requery(kept);
    // As in the studio: the first query that finds the lookup file too old asks the worker for a
    // new one ("first query after 1 h more"; docs/IDENTIFY.md "The lookup file").
    FingerprintIndex::remakeStaleLookupFilesOnLookups(true);
    const auto music = bench::hyperrogueTracks();
    const auto lowVoice = bench::voiceClips("-v-");
    if (music.size() < 17 || lowVoice.empty() || bench::voiceClips("-m-").empty()) {
        std::printf("bench_identify: material missing: run scripts/fetch-material.sh\n");
        return 1;
    }
    const int perCondition = int(bench::envNumber("ACCORD_BENCH_QUERIES", 40));
    const int unrelatedCount = int(bench::envNumber("ACCORD_BENCH_UNRELATED", 500));
    const double growthHours = bench::envNumber("ACCORD_BENCH_HOURS", 4);
    const double growthUntil = bench::envNumber("ACCORD_BENCH_GROWTH_UNTIL", 0);
    auto growthTimeUp = [&] { return growthUntil > 0 && double(time(nullptr)) >= growthUntil; };
    const std::string scratch = bench::scratchFolder("bench-identify");
    std::mt19937 random(unsigned(bench::envNumber("ACCORD_BENCH_SEED", 14)));
    const char* conditionWords = std::getenv("ACCORD_BENCH_CONDITIONS");
    auto scored = [&](const std::string& condition) {
        if (!conditionWords || !*conditionWords)
            return true;
        std::string words = std::string(conditionWords) + ",";
        for (std::size_t start = 0, comma; (comma = words.find(',', start)) != std::string::npos;
             start = comma + 1)
            if (comma > start &&
                condition.find(words.substr(start, comma - start)) != std::string::npos)
                return true;
        return false;
    };
    const bool withChromaprint = bench::envNumber("ACCORD_BENCH_CHROMAPRINT", 1) != 0;
    const char* candidatesPath = std::getenv("ACCORD_BENCH_CANDIDATES");
    FILE* candidatesFile =
        candidatesPath && *candidatesPath ? std::fopen(candidatesPath, "w") : nullptr;
    if (candidatesFile)
        std::fprintf(candidatesFile, "condition,query,recording,right,reported,landmarks,"
                                     "chance,onsets,speed,pitch\n");

    // Recordings: 30 s pieces of the first 12 tracks and the low voice joined into 30 s.
    std::vector<Recording> recordings;
    const std::size_t piece = 20 * kRate;
    for (std::size_t t = 0; t + bench::kUnregisteredTracks < music.size(); ++t) {
        const auto track = decode(music[t]);
        for (std::size_t start = 0; start + 10 * kRate < track.size(); start += piece) {
            Recording r;
            r.source = int(t);
            r.samples.assign(track.begin() + std::ptrdiff_t(start),
                             track.begin() + std::ptrdiff_t(std::min(track.size(), start + piece)));
            recordings.push_back(std::move(r));
        }
    }
    {
        Recording r;
        r.source = -1;
        for (const std::string& clip : lowVoice) {
            const auto samples = decode(clip);
            r.samples.insert(r.samples.end(), samples.begin(), samples.end());
            if (r.samples.size() >= 30 * kRate) {
                recordings.push_back(std::move(r));
                r = Recording();
                r.source = -1;
            }
        }
    }
    double indexedSeconds = 0;
    for (std::size_t i = 0; i < recordings.size(); ++i) {
        recordings[i].path = scratch + "/recording-" + std::to_string(i) + ".wav";
        writeWav(recordings[i].samples, recordings[i].path);
        indexedSeconds += double(recordings[i].samples.size()) / kRate;
    }
    std::printf("bench_identify: %zu recordings, %.1f min (music pieces and joined speech)\n",
                recordings.size(), indexedSeconds / 60);

    auto registry = Registry::open(scratch + "/registry.sqlite");
    const std::string owner = registry->addHolder("Bench Holder", "").id;
    for (Recording& r : recordings)
        r.asset = workflows::registerRecording(*registry, r.path, owner, AssetOrigin::Recorded, "")
                      .asset.id;
    std::map<std::string, int> recordingOfAsset;
    for (std::size_t i = 0; i < recordings.size(); ++i)
        recordingOfAsset[recordings[i].asset] = int(i);

    // Indexing speed: decoding and fingerprinting on one thread, then the index's writes (a
    // rebuild: registering already indexed each recording, as an import's scan does).
    std::vector<double> fingerprintWall, fingerprintCpu, indexWall, indexCpu;
    for (const Recording& r : recordings)
        timed([&] { workflows::fingerprintFile(r.path); }, fingerprintWall, fingerprintCpu);
    auto index = workflows::openFingerprintIndex(*registry);
    workflows::IndexUpdate update;
    timed([&] { update = workflows::reindexFingerprints(*registry, *index); }, indexWall, indexCpu);
    auto sum = [](const std::vector<double>& v) {
        return std::accumulate(v.begin(), v.end(), 0.0);
    };
    std::printf("  indexing: %.0f s of audio per s, %.0f per CPU s (decode + fingerprint, one "
                "core); %.0f s of audio per s, %.0f per CPU s, with the index's writes\n",
                indexedSeconds / sum(fingerprintWall), indexedSeconds / sum(fingerprintCpu),
                indexedSeconds / sum(indexWall), indexedSeconds / sum(indexCpu));

    // Queries (tests/bench/identify_queries.h).
    bench::QueryMaker<Recording> queryMaker(recordings, scratch, random);
    const std::vector<bench::QueryCondition> conditions = queryMaker.conditions();

    // Chromaprint fingerprints of the indexed files.
    std::vector<std::vector<std::uint32_t>> references;
    if (withChromaprint)
        for (const Recording& r : recordings)
            references.push_back(chromaprint(r.path));

    // Every recording's best fit for the query (identifyFile's path for a file shorter than its
    // window), whether reported or not: right is 1 for the recording the query was cut from or a
    // piece of the same track, 0 otherwise.
    std::map<std::int64_t, int> recordingOfIndexed;
    for (const IndexedRecording& r : index->recordings())
        recordingOfIndexed[r.id] =
            recordingOfAsset.count(r.registryId) ? recordingOfAsset[r.registryId] : -2;
    int candidateQueries = 0;
    auto writeCandidates = [&](const Query& q, const std::string& condition) {
        std::vector<dsp::LandmarkMatch> candidates;
        const auto reported = matchFile(*index, q.file, false, &candidates);
        ++candidateQueries;
        for (const dsp::LandmarkMatch& c : candidates) {
            const int rec = recordingOfIndexed[c.recording];
            const bool right =
                q.recording >= 0 && rec >= 0 &&
                (rec == q.recording || (recordings[std::size_t(rec)].source >= 0 &&
                                        recordings[std::size_t(rec)].source ==
                                            recordings[std::size_t(q.recording)].source));
            const bool isReported =
                std::any_of(reported.begin(), reported.end(),
                            [&](const auto& m) { return m.recording == c.recording; });
            std::fprintf(candidatesFile, "\"%s\",%d,%d,%d,%d,%d,%.3f,%d,%.4f,%.3f\n",
                         condition.c_str(), candidateQueries, q.recording, right, isReported,
                         c.landmarks, c.chanceLandmarks, c.onsets, c.speed, c.pitchSemitones);
        }
    };

    auto scoreAccord = [&](const Query& q, Score& s) {
        std::vector<workflows::IdentifiedRecording> found;
        timed([&] { found = workflows::identifyFile(*registry, *index, q.file); }, s.seconds,
              s.cpuSeconds);
        bool right = false;
        for (const auto& r : found) {
            const int rec = recordingOfAsset.count(r.id) ? recordingOfAsset[r.id] : -2;
            if (rec == q.recording) {
                right = true;
            } else {
                ++s.wrong;
                s.sameSource += q.recording >= 0 && rec >= 0 &&
                                recordings[std::size_t(rec)].source >= 0 &&
                                recordings[std::size_t(rec)].source ==
                                    recordings[std::size_t(q.recording)].source;
            }
        }
        s.found += right;
        ++s.queries;
    };
    auto scoreChromaprint = [&](const Query& q, Score(&s)[2]) {
        const auto items = chromaprint(q.file);
        const std::size_t minOverlap = std::max<std::size_t>(1, items.size() * 3 / 4);
        bool right[2] = {false, false};
        for (std::size_t i = 0; i < references.size() && !items.empty(); ++i) {
            const double ber = bestBitErrorRate(items, references[i], minOverlap);
            for (int t = 0; t < 2; ++t)
                if (ber < kChromaprintMaxBer[t]) {
                    if (int(i) == q.recording) {
                        right[t] = true;
                    } else {
                        ++s[t].wrong;
                        s[t].sameSource +=
                            q.recording >= 0 && recordings[i].source >= 0 &&
                            recordings[i].source == recordings[std::size_t(q.recording)].source;
                    }
                }
        }
        for (int t = 0; t < 2; ++t) {
            s[t].found += right[t];
            ++s[t].queries;
        }
    };

    std::printf("\n| condition | queries | Accord recall | Accord precision | Chromaprint recall, "
                "BER < 0.35 | precision | Chromaprint recall, BER < 0.2 | precision "
                "|\n|---|---|---|---|---|---|---|---|\n");
    std::vector<double> fiveSecondQueries, fiveSecondCpu;
    // The conditions asked again at every size once the index has grown (docs/IDENTIFY.md
    // "Measured"); every scored condition is asked again at the largest size.
    const std::vector<std::string> askedAtEverySize = {"5 s excerpt", "5 s mixed, other 0 dB",
                                                       "5 s mixed, other +6 dB"};
    std::vector<std::string> keptConditions; // in the order they were scored
    std::map<std::string, std::vector<Query>> keptQueries;
    for (const bench::QueryCondition& c : conditions) {
        Score accord, chroma[2];
        for (int n = 0; n < perCondition; ++n) {
            const Query q = c.make(n);
            if (!scored(c.name))
                continue;
            if (keptQueries[c.name].empty())
                keptConditions.push_back(c.name);
            keptQueries[c.name].push_back(q);
            scoreAccord(q, accord);
            if (withChromaprint)
                scoreChromaprint(q, chroma);
            if (candidatesFile)
                writeCandidates(q, c.name);
        }
        if (!scored(c.name))
            continue;
        if (c.name == "5 s excerpt") {
            fiveSecondQueries = accord.seconds;
            fiveSecondCpu = accord.cpuSeconds;
        }
        // Strict: only the recording the query was cut from counts; in brackets, a piece of the
        // same track counts too.
        auto precision = [](const Score& s, int alsoRight) {
            const int reported = s.found + s.wrong;
            return reported ? 100.0 * (s.found + alsoRight) / reported : 100.0;
        };
        std::printf("| %s | %d | %.0f%% | %.0f%% (%.0f%%)", c.name.c_str(), accord.queries,
                    100.0 * accord.found / accord.queries, precision(accord, 0),
                    precision(accord, accord.sameSource));
        for (const Score& s : chroma)
            if (withChromaprint)
                std::printf(" | %.0f%% | %.0f%% (%.0f%%)", 100.0 * s.found / s.queries,
                            precision(s, 0), precision(s, s.sameSource));
            else
                std::printf(" | - | -");
        std::printf(" |\n");
        std::fflush(stdout);
    }

    // Unrelated audio: the unregistered tracks, the other voice, loops and piano notes.
    Score unrelatedAccord, unrelatedChroma[2];
    std::vector<Query> unrelated; // asked again once the index has grown
    for (int n = 0; n < unrelatedCount; ++n) {
        const Query q = queryMaker.unrelated(n);
        unrelated.push_back(q);
        scoreAccord(q, unrelatedAccord);
        if (withChromaprint)
            scoreChromaprint(q, unrelatedChroma);
        if (candidatesFile)
            writeCandidates(q, "unrelated");
    }
    if (candidatesFile)
        std::fclose(candidatesFile);
    std::printf("\nfalse matches over %d unrelated queries: Accord %d", unrelatedCount,
                unrelatedAccord.wrong);
    if (withChromaprint)
        std::printf(", Chromaprint %d (BER < 0.35), %d (BER < 0.2)", unrelatedChroma[0].wrong,
                    unrelatedChroma[1].wrong);
    std::printf("\n");

    std::sort(fiveSecondQueries.begin(), fiveSecondQueries.end());
    auto indexBytes = [&] {
        double bytes = 0;
        for (const std::string& file : {index->path(), index->path() + "-wal"}) {
            struct stat info {};
            if (stat(file.c_str(), &info) == 0)
                bytes += double(info.st_size);
        }
        return bytes;
    };
    if (!fiveSecondQueries.empty()) // none with ACCORD_BENCH_QUERIES=0
        std::printf("5 s query (decode, fingerprint, look up, match): median %.1f ms, max %.1f "
                    "ms; CPU median %.1f ms; index %.1f MiB for %.2f h\n",
                    fiveSecondQueries[fiveSecondQueries.size() / 2] * 1e3,
                    fiveSecondQueries.back() * 1e3, medianOf(fiveSecondCpu) * 1e3,
                    indexBytes() / (1 << 20), indexedSeconds / 3600);

    // Growth: more hours made in process from the indexed recordings, each version of them a new
    // recording to the index: every recording played backwards, summed at equal loudness with
    // another one (also backwards, the pairing shifting by one each version) and declared at a
    // speed from 0.8 to 1.2 (the golden ratio's steps: no two versions share one). Played
    // forwards at any speed they would hold the queries' own landmarks (the hash ignores speed);
    // backwards alone, every version repeats most of the same triplets, and past 97 versions the
    // first run of this bench repeated whole versions. The same 5 s queries timed, and counted
    // found, at each size: through the lookup file and, side by side on the same index, through
    // SQLite alone; the lookup file's making timed on its own (removed, then made again). Then
    // one hour more is added and the first query after it timed (the lookup that finds the file
    // stale), and the twenty again (the file with the hour's changes beside it).
    std::printf(
        "\n| hours indexed | index MiB | lookup file MiB | lookup file made in s (CPU s) | "
        "indexing s of audio per CPU s (per s) | the writes alone, per CPU s | 5 s query CPU "
        "median ms, lookup file | SQLite "
        "alone | median ms, lookup file | SQLite alone | found | same matches | first query "
        "after 1 h more, CPU ms (ms) | file made again by it | then CPU median ms "
        "|\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    double hours = indexedSeconds / 3600;
    int version = 0;
    std::vector<Query> timing;
    for (int n = 0; n < 20; ++n)
        timing.push_back(queryMaker.plainExcerpt(5, "", "timing", n));
    for (Recording& r : recordings)
        std::reverse(r.samples.begin(), r.samples.end());
    std::vector<double> loudness;
    for (const Recording& r : recordings)
        loudness.push_back(std::max(rms(r.samples), 1e-4));
    auto fileMiB = [](const std::string& file) {
        struct stat info {};
        return stat(file.c_str(), &info) == 0 ? double(info.st_size) / (1 << 20) : 0.0;
    };
    auto fileIdentity = [](const std::string& file) {
        struct stat info {};
        return stat(file.c_str(), &info) == 0 ? std::uint64_t(info.st_ino) : 0;
    };
    // One recording of the growth: ten versions of consecutive recordings (the length of a song,
    // about 4 min), made and fingerprinted on a second thread while the index writes the one
    // before. One per piece (20-30 s), one thread alone grew the index by 43-102 s of audio per
    // wall second under a load of 12 (docs/IDENTIFY.md "Measured"), a third of it in the
    // write-ahead log's page writes, each transaction writing every page it touched.
    constexpr std::size_t kPiecesPerGrownRecording = 10;
    struct GrownRecording {
        std::string id;
        double seconds = 0;
        std::vector<IndexedLandmark> landmarks;
    };
    auto makeGrown = [&](int grownVersion, std::size_t first) {
        const double speed = 0.8 + 0.4 * std::fmod(double(grownVersion) * 0.6180339887, 1.0);
        GrownRecording grown;
        grown.id = "growth-" + std::to_string(grownVersion) + "-" + std::to_string(first);
        std::uint32_t frameOffset = 0;
        for (std::size_t i = first;
             i < std::min(first + kPiecesPerGrownRecording, recordings.size()); ++i) {
            const std::size_t partner = (i + std::size_t(grownVersion)) % recordings.size();
            const auto& own = recordings[i].samples;
            const auto& other = recordings[partner].samples;
            const float gain = float(loudness[i] / loudness[partner]);
            std::vector<float> samples(own.begin(), own.end());
            for (std::size_t k = 0; k < samples.size() && k < other.size(); ++k)
                samples[k] = 0.5f * (samples[k] + gain * other[k]);
            dsp::Fingerprinter f(kRate * speed, 1, dsp::FingerprintSide::Index,
                                 [&](const dsp::Landmark& l) {
                                     grown.landmarks.push_back(
                                         {l.hash, l.frame + frameOffset, l.span, l.pitchCents});
                                 });
            const float* planar[1] = {samples.data()};
            f.add(planar, samples.size());
            f.finish();
            grown.seconds += f.seconds();
            frameOffset += std::uint32_t(std::ceil(f.seconds() / dsp::fingerprint::kFrameSeconds));
        }
        return grown;
    };
    std::future<GrownRecording> nextGrown; // being made while the index writes
    std::size_t nextGrownRecording = 0;
    auto makeNextGrown = [&] {
        if (nextGrownRecording == 0)
            ++version;
        nextGrown = std::async(std::launch::async, makeGrown, version, nextGrownRecording);
        nextGrownRecording += kPiecesPerGrownRecording;
        if (nextGrownRecording >= recordings.size())
            nextGrownRecording = 0;
    };
    double growWall = 0, growCpu = 0, grownSeconds = 0;
    double growWritesCpu = 0; // of growCpu, the index's writes alone
    auto grow = [&](double target) {
        const double cpuStart = processCpuSeconds();
        growWall += secondsOf([&] {
            while (hours < target && !growthTimeUp()) {
                if (!nextGrown.valid())
                    makeNextGrown();
                const GrownRecording grown = nextGrown.get();
                makeNextGrown();
                const double writesStart = threadCpuSeconds();
                index->add(IndexedKind::Asset, grown.id, "", grown.seconds, grown.landmarks);
                growWritesCpu += threadCpuSeconds() - writesStart;
                hours += grown.seconds / 3600;
                grownSeconds += grown.seconds;
            }
        });
        growCpu += processCpuSeconds() - cpuStart;
    };
    const std::string lookupFile = FingerprintIndex::lookupFilePath(index->path());
    std::vector<std::string> recallAsGrown; // printed after the table
    // Doubling from 1 h, the last step exactly ACCORD_BENCH_HOURS (100 h: 1, 2, ..., 64, 100).
    for (double target = 1; target <= growthHours;
         target = target < growthHours ? std::min(target * 2, growthHours) : growthHours + 1) {
        grow(target);
        const bool largest = target >= growthHours || growthTimeUp();
        const double rate = grownSeconds / growCpu, wallRate = grownSeconds / growWall,
                     writesRate = grownSeconds / growWritesCpu;
        growWall = growCpu = grownSeconds = growWritesCpu = 0;
        std::remove(lookupFile.c_str());
        index = workflows::openFingerprintIndex(*registry);
        std::vector<double> makeWall, makeCpu;
        timed([&] { index->remakeLookupFile(); }, makeWall, makeCpu);
        std::vector<double> wallMapped, cpuMapped, wallSqlite, cpuSqlite;
        int found = 0, same = 0; // the stop-list drops more hashes as the index grows: recall may
                                 // fall
        for (const Query& q : timing) {
            std::vector<dsp::LandmarkMatch> mapped, stored;
            // Alternating which goes first, so neither always finds the pages the other read.
            auto viaMap = [&] {
                timed([&] { mapped = matchFile(*index, q.file, false); }, wallMapped, cpuMapped);
            };
            auto viaSqlite = [&] {
                timed([&] { stored = matchFile(*index, q.file, true); }, wallSqlite, cpuSqlite);
            };
            if ((&q - timing.data()) % 2 == 1) {
                viaSqlite();
                viaMap();
            } else {
                viaMap();
                viaSqlite();
            }
            same += sameMatches(mapped, stored);
            const std::string asset = recordings[std::size_t(q.recording)].asset;
            found += std::any_of(mapped.begin(), mapped.end(), [&](const auto& m) {
                const auto r = index->recording(m.recording);
                return r && r->registryId == asset;
            });
        }
        const double sizeHours = hours, indexMiB = indexBytes() / (1 << 20),
                     lookupMiB = fileMiB(lookupFile);
        // The stop-list drops more of a query's hashes as the index grows, and chance agreement
        // grows with the recordings compared: the kept queries asked again at each size, every
        // scored condition's at the largest.
        for (const std::string& name : keptConditions) {
            if (!largest && !std::count(askedAtEverySize.begin(), askedAtEverySize.end(), name))
                continue;
            Score grown;
            for (const Query& q : keptQueries[name])
                scoreAccord(q, grown);
            char line[256];
            if (grown.queries) {
                std::snprintf(line, sizeof line,
                              "%s with %.1f h indexed: %d of %d found, %d wrong recordings "
                              "reported (%d of them a piece of the same track)\n",
                              name.c_str(), sizeHours, grown.found, grown.queries, grown.wrong,
                              grown.sameSource);
                recallAsGrown.push_back(line);
            }
        }
        // One hour more (it belongs to the next size's growth), then the first query after it.
        std::vector<double> firstWall, firstCpu, thenWall, thenCpu;
        const bool another = !largest;
        bool madeAgain = false;
        if (another) {
            grow(hours + 1);
            const std::uint64_t before = fileIdentity(lookupFile);
            timed([&] { matchFile(*index, timing[0].file, false); }, firstWall, firstCpu);
            madeAgain = fileIdentity(lookupFile) != before;
            for (const Query& q : timing)
                timed([&] { matchFile(*index, q.file, false); }, thenWall, thenCpu);
            // (the next size's indexing not timed beside a file being made)
            FingerprintIndex::waitForLookupFiles();
        }
        std::printf(
            "| %.1f | %.0f | %.0f | %.1f (%.1f) | %.0f (%.0f) | %.0f | %.1f | %.1f | %.1f | %.1f | "
            "%d/%zu | %d/%zu | ",
            sizeHours, indexMiB, lookupMiB, makeWall[0], makeCpu[0], rate, wallRate, writesRate,
            medianOf(cpuMapped) * 1e3, medianOf(cpuSqlite) * 1e3, medianOf(wallMapped) * 1e3,
            medianOf(wallSqlite) * 1e3, found, timing.size(), same, timing.size());
        if (another)
            std::printf("%.1f (%.1f) | %s | %.1f |\n", firstCpu[0] * 1e3, firstWall[0] * 1e3,
                        madeAgain ? "yes" : "no", medianOf(thenCpu) * 1e3);
        else
            std::printf("- | - | - |\n");
        std::fflush(stdout);
        if (largest)
            break;
    }
    for (const std::string& line : recallAsGrown)
        std::printf("%s", line.c_str());
    // Chance agreement grows with the recordings a query is compared with.
    if (growthHours >= 1 && !unrelated.empty()) {
        Score grown;
        for (const Query& q : unrelated)
            scoreAccord(q, grown);
        std::printf("\nfalse matches over %zu unrelated queries with %.1f h indexed: Accord %d\n",
                    unrelated.size(), hours, grown.wrong);
    }
    if (bench::envNumber("ACCORD_BENCH_KEEP", 0) == 0) {
        run("rm -rf " + shellQuoted(scratch));
        return 0;
    }
    // Each query's condition, file and the asset it was cut from ("-": unrelated audio).
    FILE* manifest = std::fopen((scratch + "/queries.tsv").c_str(), "w");
    for (const std::string& name : keptConditions)
        for (const Query& q : keptQueries[name])
            std::fprintf(manifest, "%s\t%s\t%s\n", name.c_str(), q.file.c_str(),
                         recordings[std::size_t(q.recording)].asset.c_str());
    for (const Query& q : unrelated)
        std::fprintf(manifest, "unrelated\t%s\t-\n", q.file.c_str());
    std::fclose(manifest);
    std::printf("kept: %s (registry.sqlite, its index, queries.tsv)\n", scratch.c_str());
    return 0;
}
