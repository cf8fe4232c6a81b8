#pragma once

// The JSON of each registry entity, one function per entity (docs/ARCHITECTURE.md, "Consent
// registry"). Two public documents carry them, and each keeps the spelling its readers rely on:
// - JsonShape::Cli, `accord-cli --json`: snake_case keys, the terms as the CLI takes them
//   (expiry as a date); scripts parse it.
// - JsonShape::Manifest, the signed `accord-manifest` format version 1: camelCase keys like the
//   rest of the manifest, instants in full, holder names beside their ids so a file is readable
//   without the registry, and nothing local (no file paths).

#include "accord/core/policy.h"

#include <nlohmann/json.hpp>

namespace accord {

enum class JsonShape { Cli, Manifest };

// The name of holder `id`, empty when `graph` does not know them: what a manifest writes beside
// a holder's id.
std::string holderName(const ConsentGraph& graph, const std::string& id);

// Cli only (a manifest names its signer instead): {"holder", "name", "ipi", "public_key",
// "created"}.
nlohmann::json holderJson(const Holder& holder);

// Cli only (the trust store: `trust add`, `list`, `remove`): {"public_key", "name", "added",
// "removed" (null while it is trusted)}.
nlohmann::json trustedKeyJson(const TrustedKey& key);

// Cli: {"asset", "owner", "pcm_sha256", "origin", "file_sha256", "isrc", "duration",
// "sample_rate", "channels", "path"}. Manifest: {"asset", "owner", "ownerName", "pcmSha256",
// "origin"}.
nlohmann::json assetJson(const ConsentGraph& graph, const Asset& asset, JsonShape shape);

// A grant and its terms as they stand. Cli: {"grant", "holder", "scope", "asset" (null: all the
// holder's assets), "to", "share", "commercial", "licence", "attribution", "expires" (date),
// "created", "revoked", "revoke_reason"}. Manifest: the same with "grantee", "expires" (instant),
// "createdAt", "revokedAt", "revokeReason", plus "holderName" (the grant snapshot an export signs,
// workflows/src/export.cpp).
nlohmann::json grantJson(const ConsentGraph& graph, const Grant& grant, JsonShape shape);

// Manifest only (the lineage; the CLI lists no models): {"model", "kind", "owner",
// "ownerName", "weightsSha256", "training": [{"asset", "grant"}]}.
nlohmann::json modelJson(const ConsentGraph& graph, const Model& model);

// Manifest only (the lineage; the CLI lists no renders): {"render", "kind", "pcmSha256",
// "watermark" (null when none), "inputs": [{"kind", "id"}]}.
nlohmann::json renderJson(const Render& render);

} // namespace accord
