#include "demo.h"

#include "accord/audio/audio_file.h"
#include "accord/core/files.h"
#include "accord/core/policy.h"
#include "accord/core/registry.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <ostream>

namespace accord::cli {
namespace {

std::string materialRoot() {
    if (const char* dir = std::getenv("ACCORD_MATERIAL_DIR"); dir && *dir)
        return dir;
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.cache/accord/material";
}

std::string materialFile(const std::string& relative) {
    const std::string path = materialRoot() + "/" + relative;
    if (!fileExists(path))
        throw BadInput(path + ": demo recording missing; run scripts/fetch-material.sh first");
    return path;
}

std::string makeTemporaryFolder() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/accord-demo-XXXXXX";
    if (!mkdtemp(pattern.data()))
        throw BadInput(pattern + ": cannot create a temporary folder");
    return pattern;
}

std::string seconds(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f s", value);
    return text;
}

class Story {
public:
    Story(std::ostream& out, bool quiet) : out_(out), quiet_(quiet) {}
    void chapter(const std::string& title) {
        if (!quiet_)
            out_ << "\n== " << title << " ==\n";
    }
    void say(const std::string& line) {
        if (!quiet_)
            out_ << "   " << line << "\n";
    }
    void decision(const std::string& question, const Decision& d) {
        if (quiet_)
            return;
        out_ << "   ? " << question << "\n     -> " << (d.allowed ? "ALLOWED" : "DENIED") << "\n";
        for (const auto& r : d.relied)
            out_ << "        " << r.asset << " by grant " << r.grant << "\n";
        for (const auto& m : d.missing)
            out_ << "        missing: " << (m.asset.empty() ? "" : m.asset + ", ") << "owner "
                 << m.owner << ", " << scopeName(m.scope) << ": " << m.why << "\n";
    }

private:
    std::ostream& out_;
    bool quiet_;
};

} // namespace

ExitCode runDemo(const std::optional<std::string>& outDir, bool json, std::ostream& out,
                 std::ostream& err) {
    const std::string folder = outDir ? *outDir : makeTemporaryFolder();
    makeDirectories(folder);
    const std::string registryPath = folder + "/registry.sqlite";
    if (fileExists(registryPath))
        throw BadInput(registryPath + ": already exists; the demo starts from a fresh registry");

    // Resolve every recording first so a missing one fails before anything is written.
    const std::string voice = materialFile("npm/audio-lena/lena.flac");
    const std::string words = materialFile("alsa/Front_Center.wav");
    const std::string piano = materialFile("npm/piano-velocity10/audio/C4v10.ogg");

    Story story(out, json);
    story.chapter("A fresh consent registry");
    auto registry = Registry::open(registryPath);
    story.say("registry: " + registryPath);
    story.say("studio key: " + registry->studioPublicKey().substr(0, 16) +
              "… (signs the audit head)");

    story.chapter("Two rights holders, each with an Ed25519 key pair kept on this machine (0600)");
    const Holder ada = registry->addHolder("Ada Lovelace", "00012345678");
    const Holder bo = registry->addHolder("Bo Producer", "");
    story.say(ada.id + "  " + ada.name + " (artist), key " + ada.publicKey.substr(0, 16) + "…");
    story.say(bo.id + "  " + bo.name + " (producer), key " + bo.publicKey.substr(0, 16) + "…");

    story.chapter("Real recordings registered by content (SHA-256 of the bytes and of the PCM)");
    auto registerFile = [&](const std::string& file, const std::string& owner) {
        NewAsset asset;
        asset.owner = owner;
        asset.identity = audio::identifyAudioFile(file);
        asset.path = file;
        const AddedAsset added = registry->addAsset(asset);
        story.say((added.alreadyKnown ? "same content, same id: " : "") + added.asset.id + "  " +
                  file.substr(file.find_last_of('/') + 1) + "  " +
                  seconds(added.asset.durationSeconds) + ", pcm " +
                  added.asset.pcmSha256.substr(0, 12) + "…, owner " + owner);
        return added.asset;
    };
    const Asset vocal = registerFile(voice, ada.id);
    const Asset spoken = registerFile(words, ada.id);
    const Asset keys = registerFile(piano, bo.id);
    registerFile(voice, ada.id);

    story.chapter("Default is deny");
    const UnixTime now = currentTime();
    auto ask = [&](Scope scope, InputKind kind, const std::string& id, bool commercial = false) {
        PolicyRequest request;
        request.scope = scope;
        request.subject.kind = kind;
        request.subject.id = id;
        request.actor = bo.id;
        request.at = currentTime();
        request.commercial = commercial;
        return registry->decide(request);
    };
    story.decision("May Bo train a voice model on Ada's singing?",
                   ask(Scope::TrainVoice, InputKind::Asset, vocal.id));

    story.chapter("Ada opts in, on her own terms");
    NewGrant train{ada.id, Scope::TrainVoice, vocal.id, bo.id, {}};
    train.terms.attribution = "Voice: Ada Lovelace";
    const Grant trainGrant = registry->addGrant(train);
    NewGrant exportAll{ada.id, Scope::Export, std::nullopt, std::nullopt, {}};
    exportAll.terms.sharePercent = 50;
    exportAll.terms.commercial = true;
    exportAll.terms.licence = "CC-BY-4.0";
    const Grant exportGrant = registry->addGrant(exportAll);
    for (const Grant& g : {trainGrant, exportGrant})
        story.say(g.id + ": " + describeGrant(registry->consentGraph(), g, now));
    story.decision("May Bo train a voice model on Ada's singing?",
                   ask(Scope::TrainVoice, InputKind::Asset, vocal.id));
    PolicyRequest anyone;
    anyone.scope = Scope::TrainVoice;
    anyone.subject = {InputKind::Asset, vocal.id};
    anyone.at = currentTime();
    story.decision("May someone else in the studio do the same?", registry->decide(anyone));

    story.chapter("A mix of Ada's voice and Bo's piano: the gate follows the lineage");
    const Render mix = registry->addRender(
        {"mix",
         folder + "/mix.wav",
         "",
         {{InputKind::Asset, vocal.id}, {InputKind::Asset, spoken.id}, {InputKind::Asset, keys.id}},
         {}});
    story.say(mix.id + " = " + vocal.id + " + " + spoken.id + " + " + keys.id);
    story.decision("May the mix be exported commercially?",
                   ask(Scope::Export, InputKind::Render, mix.id, true));
    NewGrant bosExport{bo.id, Scope::Export, keys.id, std::nullopt, {}};
    bosExport.terms.commercial = true;
    bosExport.terms.sharePercent = 50;
    const Grant bosGrant = registry->addGrant(bosExport);
    story.say(bosGrant.id + ": " + describeGrant(registry->consentGraph(), bosGrant, now));
    const Decision allowed = ask(Scope::Export, InputKind::Render, mix.id, true);
    story.decision("And now?", allowed);

    story.chapter("Ada revokes her export consent: it takes effect at once");
    registry->revokeGrant(exportGrant.id, "album withdrawn");
    const Decision denied = ask(Scope::Export, InputKind::Render, mix.id, true);
    story.decision("May the mix be exported commercially?", denied);

    story.chapter("The audit chain");
    const AuditReport report = registry->verifyAudit();
    story.say(std::to_string(report.entries) + " entries, " +
              (report.intact ? "intact: hash chain, signed head and every row agree" : "TAMPERED"));
    for (const auto& problem : report.problems)
        err << "   " << problem << "\n";

    const bool storyHolds = allowed.allowed && !denied.allowed && report.intact;
    if (json)
        out << nlohmann::json{{"registry", registryPath},
                              {"holders", {ada.id, bo.id}},
                              {"assets", {vocal.id, spoken.id, keys.id}},
                              {"render", mix.id},
                              {"export_allowed_before_revocation", allowed.allowed},
                              {"export_allowed_after_revocation", denied.allowed},
                              {"audit_intact", report.intact},
                              {"audit_entries", report.entries}}
                   .dump(2)
            << "\n";
    else
        out << "\nDone. Inspect it yourself: accord-cli --registry " << registryPath
            << " grant list\n";
    return storyHolds ? ExitCode::Ok : ExitCode::Integrity;
}

} // namespace accord::cli
