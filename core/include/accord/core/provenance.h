#pragma once

// What an exported file proves about itself (docs/ARCHITECTURE.md "Export with proof"): the
// manifest's canonical form and its Ed25519 signature, the lineage and grants it records, and the
// split sheet. Plain values and JSON; the audio layer embeds the result in WAV and FLAC files
// (accord/audio/export.h).

#include "accord/core/entity_json.h"
#include "accord/core/policy.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace accord {

class Registry;

constexpr int kManifestFormatVersion = 1;
constexpr const char* kManifestFormat = "accord-manifest";

// ---- canonical JSON and signatures ------------------------------------------------------------

// Object keys sorted, no insignificant whitespace, UTF-8 as is: the same value always gives the
// same bytes, whatever order or spacing it was read with. Throws BadInput for NaN or infinity.
std::string canonicalJson(const nlohmann::json& value);

// Signs `manifest` as `holder` (empty: the studio itself): sets "signer" ({"holder", "name",
// "publicKey"}) and then "signature", the Ed25519 signature (hex) of
// "accord-manifest-v1\n" + canonicalJson(the manifest without "signature").
nlohmann::json signManifest(const Registry& registry, nlohmann::json manifest,
                            const std::string& holder);

enum class SignatureState { Valid, Invalid, Absent };
std::string signatureStateName(SignatureState state); // "valid", "invalid", "absent"

// Checks the signature against the public key the manifest names (so it works on a file alone);
// `problem` says what is wrong when it is not valid.
SignatureState checkManifestSignature(const nlohmann::json& manifest, std::string& problem);

// What the signature covers: "accord-manifest-v1\n" + canonicalJson(the manifest without
// "signature").
std::string manifestSignedMessage(nlohmann::json manifest);

// What a model's owner signs of a model pack's manifest (docs/CONSENT.md "Model packs"):
// "accord-pack-manifest-v1\n" + canonicalJson(the manifest without "ownerSignature"). Beside the
// signatures over the whole pack file, so a reader holding the manifest alone (the ledger's pack
// record, docs/LEDGER.md) can check it.
std::string packManifestSignedMessage(nlohmann::json manifest);

// ---- reading a manifest -----------------------------------------------------------------------

// Checks that `manifest` (parsed with parseJsonInput, accord/core/json_input.h) is shaped as
// format 1 is written wherever a reader relies on it: "format", "signer" (its "publicKey", "name"
// and "holder" or null), "signature" when present, "content" ("pcmSha256"), "render", "lineage"
// (its assets, models and renders with their ids and owners), "grants", "watermarks", "split",
// "disclosure" and "studio" ("publicKey"), each of its JSON type. Throws BadInput "<where>: ..."
// naming the first field that is wrong, so a reader never meets a value of an unexpected type.
void requireManifestShape(const nlohmann::json& manifest, const std::string& where);

// ---- lineage and grants as recorded in a manifest ---------------------------------------------

// {"assets": [...], "models": [...], "renders": [...]} of everything `subjects` were made from,
// transitively, sorted by id; each entry in its manifest shape (accord/core/entity_json.h). The
// grants a manifest relied on are snapshots in the same shape (grantJson).
nlohmann::json lineageJson(const ConsentGraph& graph, const std::vector<Subject>& subjects);

// ---- split sheet (docs/SPLIT_SHEET.md explains the method) ------------------------------------

// One part of an exported file: what sounds, through which voice model (a track's live model),
// and for how long.
struct SplitPart {
    Subject source;
    std::string liveModel; // model id, or empty
    double seconds = 0;
};

struct SplitShare {
    std::string holder;
    std::string name;
    int basisPoints = 0; // hundredths of a percent; a sheet's shares sum to exactly 10,000
    double percent() const { return basisPoints / 100.0; }
};

struct SplitSheet {
    std::string method;
    std::vector<SplitShare> shares; // largest first, then by holder id

    // {"method", "shares": [{"holder", "name", "percent"}]} (docs/CLI.md "export")
    nlohmann::json toJson() const;
    // holder,name,percent with a header line; percents with two decimals.
    std::string toCsv() const;
};

// The share of a voice model's owner in the parts rendered with it: the largest share percent
// among the active `generate` grants covering the model's training assets, 50 when none states
// one.
double voiceShareOfModel(const ConsentGraph& graph, const std::string& modelId, UnixTime at);

// Deterministic: the same parts and registry give the same sheet. Throws BadInput when nothing
// sounds (no part longer than zero).
SplitSheet computeSplitSheet(const ConsentGraph& graph, const std::vector<SplitPart>& parts,
                             UnixTime at);

// ---- AI disclosure ----------------------------------------------------------------------------

// IPTC digital source types, the vocabulary C2PA uses for AI disclosure.
constexpr const char* kSourceTypeCapture = "http://cv.iptc.org/newscodes/digitalsourcetype/"
                                           "digitalCapture";
constexpr const char* kSourceTypeComposite = "http://cv.iptc.org/newscodes/digitalsourcetype/"
                                             "compositeWithTrainedAlgorithmicMedia";
constexpr const char* kSourceTypeGenerated = "http://cv.iptc.org/newscodes/digitalsourcetype/"
                                             "trainedAlgorithmicMedia";
constexpr const char* kSourceTypeHumanComposite = "http://cv.iptc.org/newscodes/"
                                                  "digitalsourcetype/composite";

// The models a part sounds through: those in its source's lineage and its track's live model.
std::set<std::string> modelsBehind(const ConsentGraph& graph, const SplitPart& part);

// Per part (vocals, instrumentation, composition): whether a model generated it and which
// models. Voice models re-sing, so their renders are generated vocals; style models vary
// phrases, so their renders are generated composition. Everything else is human performance.
// {"digitalSourceType", "vocals": {"generated", "models"}, "instrumentation": {...},
//  "composition": {...}}
nlohmann::json disclosureJson(const ConsentGraph& graph, const std::vector<SplitPart>& parts);

} // namespace accord
