#pragma once

// `accord-cli verify FILE` and the studio's Verify panel (docs/CLI.md "verify"): what a file proves
// about itself. On the file alone: the manifest's signature, the binding of the manifest to the
// sound (PCM hash) and the watermark. With a registry: whether the key that signed is one this
// studio trusts (docs/CONSENT.md "Whose signature counts"), the render the watermark names, and
// the consent state now (revoked or expired grants). Without a registry no key is trusted.

#include "accord/core/provenance.h"
#include "accord/core/registry.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace accord::workflows {

// Who signed a manifest, as it claims, and whether the key that did is trusted here.
struct SignerCheck {
    enum class Trust {
        Studio,    // trusted: this registry's studio key
        Holder,    // trusted: the key on record of a holder
        ChosenKey, // trusted: a key in the trust store
        UnknownKey,
        NotTheClaimedHolder, // a manifest of this studio names a holder whose key did not sign
        NoRegistry,
        NotSigned // the signature is absent or not valid: nobody to trust
    };

    std::string publicKey; // hex, as the manifest names it
    std::string name;      // as the manifest claims
    std::string holder;    // the holder id it claims, or empty
    Trust trust = Trust::NotSigned;
    std::string trustedHolder; // the holder on record whose key it is (Holder), or who the
                               // manifest claims but whose key did not sign (NotTheClaimedHolder)
    std::string trustedName;   // that holder's name, or the name the user gave the key
    std::string why;           // plain words: whom the key is trusted as, or why it is not

    bool trusted() const {
        return trust == Trust::Studio || trust == Trust::Holder || trust == Trust::ChosenKey;
    }
};

// The C2PA Content Credentials a file carries (docs/C2PA.md "Verify"), as Accord checks them.
struct CredentialsCheck {
    std::string manifest;  // the active manifest's label
    std::string generator; // "Accord 0.1.0"
    bool claimSignatureValid = false;
    bool hardBindingMatches = false;  // no byte outside the store changed since it was signed
    std::string signerSubject;        // the signing certificate's subject
    std::string signerKey;            // its Ed25519 key, hex
    std::vector<std::string> actions; // "c2pa.created (…/digitalCapture)", …
    std::vector<std::string> problems;
    // "valid"; "hard binding broken" (bytes changed: the notes say whether the sound did);
    // "invalid" (the claim, its signature or an assertion was changed)
    std::string state() const;
};

struct FileVerification {
    std::string file;
    SignatureState signature = SignatureState::Absent;
    std::string content = "absent"; // "match", "mismatch", "absent" (no manifest)
    bool watermarkFound = false;
    std::string watermarkPayload; // printable payload, when found
    std::string watermarkRender;  // the render it names (registry, else the manifest), or empty
    double watermarkConfidence = 0;
    nlohmann::json manifest; // the embedded manifest (else the sidecar's), or null
    std::optional<CredentialsCheck> credentials; // a WAV's C2PA store, when it has one
    std::optional<SignerCheck> signer;           // when there is a manifest
    nlohmann::json lineage; // the manifest's, else the registry's for a known render, or null
    std::string consent = "unknown";   // "ok", "revoked", "unknown" (no registry or no grants)
    std::vector<std::string> problems; // integrity failures: each says what failed
    std::vector<std::string> notes;    // everything else worth saying, in plain words

    // Nothing failed: for a file with a manifest, its signature is valid, made by a trusted key,
    // and the sound is what it signed (an untrusted signer is one of the problems).
    bool intact() const { return problems.empty(); }
    // "trusted (studio)", "trusted (holder h-1 Ada)", "trusted (key 'Label' you trust)" or
    // "untrusted (why)"; empty without a manifest.
    std::string trust() const;
    // docs/CLI.md "verify": {"signature", "signer": {"publicKey", "name", "holder", "trusted",
    // "why"}, "content", "watermark": {"found", "payload", "render"}, "c2pa", "lineage",
    // "consent", "problems", ...}
    nlohmann::json toJson() const;
};

// Verifies `path` (any format the studio reads: WAV, FLAC, AIFF, Ogg, MP3). `registry` may be
// null. Throws BadInput naming the file when it cannot be read as audio.
FileVerification verifyFile(const std::string& path, const Registry* registry);

} // namespace accord::workflows
