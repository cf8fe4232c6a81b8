#pragma once

// The fingerprint index (docs/IDENTIFY.md "Index"): the landmarks of every registered recording,
// in an SQLite database beside the registry (`<registry>.fingerprints`). Derived data: not
// audited, not signed, rebuilt from the recordings on demand; deleting it loses nothing.
// Each recording's landmarks land in one transaction (WAL), so a crash leaves a recording
// indexed whole or not at all. Queries read a lookup file made from it beside it
// (`<index>.lookup`, memory-mapped), made again on a worker thread when missing, too old or
// damaged. One object per thread, like the registry.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace accord {

// One landmark as stored: its hash, the frame of its first peak, its span in frames and the
// first peak's pitch in cents (accord/dsp/fingerprint.h makes them).
struct IndexedLandmark {
    std::uint32_t hash = 0;
    std::uint32_t frame = 0;
    std::uint16_t span = 0;
    std::int16_t pitchCents = 0;
};

enum class IndexedKind { Asset, Render };
std::string indexedKindName(IndexedKind kind);

// What a render was made of, named by content so it means the same in every studio: the models
// it sounds through by their weights' SHA-256 and the recordings it came from by their PCM
// SHA-256, each with its owner's public key and name (a render's fingerprint claim on the ledger,
// docs/LEDGER.md "Renders in the catalogue").
struct LineageModel {
    std::string kind; // voice or style
    std::string weightsSha256;
    std::string ownerKey;
    std::string ownerName;
};
struct LineageSource {
    std::string pcmSha256;
    std::string ownerKey;
    std::string ownerName;
};
struct RenderLineage {
    std::string kind; // conversion, variation, mix, stem
    std::vector<LineageModel> models;
    std::vector<LineageSource> sources;
};

struct IndexedRecording {
    std::int64_t id = 0; // the index's own number for it
    IndexedKind kind = IndexedKind::Asset;
    std::string registryId; // the asset's or render's id in the registry
    std::string pcmSha256;
    double seconds = 0;
    std::int64_t landmarks = 0;
};

class FingerprintIndex {
public:
    // `<registry path>.fingerprints`.
    static std::string pathBeside(const std::string& registryPath);
    // The lookup file of the index at `indexPath`: `<index path>.lookup`, derived from it.
    static std::string lookupFilePath(const std::string& indexPath);
    // Opens or creates the index at `path`. A hash given more than `maxRowsPerHash` landmarks
    // keeps none (a stop-list: such a hash carries little evidence, and reading its rows would
    // make a query's work grow with the hours indexed; docs/IDENTIFY.md "Index"). An index made
    // by another `fingerprintVersion` or cap is emptied (its landmarks would not match this
    // version's). The hash's lowest `neighbourBits` hold a field whose neighbouring values one
    // query asks together: the lookup file keeps such hashes side by side (docs/IDENTIFY.md "The
    // lookup file"). Throws BadInput naming the file.
    static std::unique_ptr<FingerprintIndex> open(const std::string& path, int fingerprintVersion,
                                                  int maxRowsPerHash, int neighbourBits = 0);
    ~FingerprintIndex();
    FingerprintIndex(const FingerprintIndex&) = delete;
    FingerprintIndex& operator=(const FingerprintIndex&) = delete;

    const std::string& path() const;

    // Replaces what the index holds for that recording, in one transaction.
    IndexedRecording add(IndexedKind kind, const std::string& registryId,
                         const std::string& pcmSha256, double seconds,
                         const std::vector<IndexedLandmark>& landmarks);
    // Hands each landmark of a recording to `sink`, returns its length in seconds.
    using LandmarkSource =
        std::function<double(const std::function<void(const IndexedLandmark&)>& sink)>;
    // The same, the landmarks streamed from `source` inside the transaction and written in
    // batches: memory stays bounded whatever the recording's length (a source that throws leaves
    // the index as it was).
    IndexedRecording add(IndexedKind kind, const std::string& registryId,
                         const std::string& pcmSha256, const LandmarkSource& source);
    std::optional<IndexedRecording> recording(IndexedKind kind,
                                              const std::string& registryId) const;
    std::optional<IndexedRecording> recording(std::int64_t id) const;
    std::vector<IndexedRecording> recordings() const;
    // Every landmark stored under each hash: found(index into hashes, recording id, landmark),
    // hash by hash in increasing order, each hash's rows in (recording, frame, span, pitch) order.
    // A hash beyond the cap yields nothing, so a lookup reads at most the cap's rows whatever the
    // index's size. Read through the lookup file beside the index (lookupFilePath) but for the
    // hashes changed since it was made, read from SQLite; a lookup never waits for the file to be
    // made: one missing or damaged is made again on a worker thread while SQLite answers, one too
    // old only in a long-lived process (remakeStaleLookupFilesOnLookups) or after a write
    // (renewLookupFileIfStale; docs/IDENTIFY.md "The lookup file").
    using LookupFound = std::function<void(std::size_t, std::int64_t, const IndexedLandmark&)>;
    void lookup(const std::vector<std::uint32_t>& hashes, const LookupFound& found) const;
    // The same rows, read from SQLite alone (one B-tree descent per hash): what the lookup file
    // must give, and the lookup it replaced (tests and tests/bench/bench_identify compare them).
    void lookupInSqlite(const std::vector<std::uint32_t>& hashes, const LookupFound& found) const;
    // Makes the lookup file again from the index as it is now, on this thread (atomically:
    // another handle keeps reading the file it mapped; a rebuild's end, benchmarks). False when
    // it cannot be written (lookups then read SQLite).
    bool remakeLookupFile();
    // After indexing: when lookups would not take the lookup file as it is (none usable, or the
    // hashes changed since it was made past its share of its rows), asks this process's worker
    // for a new one, which the process finishes before it exits: the command that changed the
    // index leaves a file that serves it, and a one-shot query never pays for one.
    void renewLookupFileIfStale();
    // Returns once no lookup file is being made on this process's worker (tests, benchmarks).
    // At exit a process finishes the file being made only if a write, or a lookup that found no
    // usable file, asked for it; it leaves off one that lookups found too old.
    static void waitForLookupFiles();
    // Long-lived processes (the studio): a lookup that finds the file too old asks the worker for
    // a new one too, left off if the process exits first. Off by default: a one-shot command's
    // query answers from the old file and the changes since (docs/IDENTIFY.md "The lookup
    // file").
    static void remakeStaleLookupFilesOnLookups(bool enabled);
    // Empties the index (before a rebuild).
    void clear();
    // Every landmark as (recording's registry kind and id, landmark), in a fixed order: two
    // indexes of the same recordings compare equal whatever order they were built in.
    std::vector<std::pair<std::string, IndexedLandmark>> dump() const;

private:
    struct Impl;
    explicit FingerprintIndex(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace accord
