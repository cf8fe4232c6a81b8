// Split sheets, canonical JSON and manifest signatures (core/provenance.h) on a real registry;
// the lineage of a render sung over live input (the Accord Voice plugin's) and the migration that
// lets the registry record it.

#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/json_input.h"
#include "accord/core/provenance.h"
#include "accord/core/registry.h"

#include "raw_sql.h"

#include <QTemporaryDir>
#include <QTest>

using namespace accord;

class ProvenanceTest : public QObject {
    Q_OBJECT

    QTemporaryDir dir;
    int registries = 0;

    std::unique_ptr<Registry> newRegistry() {
        return Registry::open(dir.filePath(QString("p%1.sqlite").arg(++registries)).toStdString());
    }

    static Asset addAsset(Registry& registry, const std::string& owner, const std::string& tag) {
        AudioIdentity identity{sha256Hex("file " + tag), sha256Hex("pcm " + tag), 10, 48000, 1};
        return registry.addAsset({owner, identity, "", AssetOrigin::Recorded, "/" + tag + ".wav"})
            .asset;
    }

    static int sumOf(const SplitSheet& sheet) {
        int total = 0;
        for (const auto& share : sheet.shares)
            total += share.basisPoints;
        return total;
    }

private slots:
    void equalPartsRoundToExactlyOneHundred() {
        auto registry = newRegistry();
        std::vector<SplitPart> parts;
        for (const char* name : {"Ada", "Bo", "Cy"}) {
            const Holder holder = registry->addHolder(name, "");
            parts.push_back({{InputKind::Asset, addAsset(*registry, holder.id, name).id}, {}, 7});
        }
        const SplitSheet sheet = computeSplitSheet(registry->consentGraph(), parts, currentTime());
        QCOMPARE(sheet.shares.size(), std::size_t(3));
        QCOMPARE(sumOf(sheet), 10000);
        // 33.33 each and one extra point to the largest remainder, ties by holder id.
        QCOMPARE(sheet.shares[0].holder, std::string("h-1"));
        QCOMPARE(sheet.shares[0].basisPoints, 3334);
        QCOMPARE(sheet.shares[1].basisPoints, 3333);
        QCOMPARE(sheet.toCsv(), std::string("holder,name,percent\nh-1,\"Ada\",33.34\n"
                                            "h-2,\"Bo\",33.33\nh-3,\"Cy\",33.33\n"));
        // Deterministic: the same question, the same sheet.
        QVERIFY(computeSplitSheet(registry->consentGraph(), parts, currentTime()).toJson() ==
                sheet.toJson());
    }

    void voiceOwnerGetsTheShareOfTheirGenerateGrant() {
        auto registry = newRegistry();
        const Holder ada = registry->addHolder("Ada", "");
        const Holder bo = registry->addHolder("Bo", "");
        const Asset voice = addAsset(*registry, ada.id, "voice");
        const Asset take = addAsset(*registry, bo.id, "take");
        const Asset piano = addAsset(*registry, bo.id, "piano");
        const Grant train = registry->addGrant({ada.id, Scope::TrainVoice, voice.id, {}, {}});
        const Model model = registry->addModel(
            {ModelKind::Voice, ada.id, "/m", sha256Hex("w"), "{}", "{}", {{voice.id, train.id}}});
        const Render sung =
            registry->addRender({"conversion",
                                 "/c.wav",
                                 sha256Hex("c"),
                                 {{InputKind::Asset, take.id}, {InputKind::Model, model.id}},
                                 "acw1-00000001"});
        const std::vector<SplitPart> parts = {{{InputKind::Render, sung.id}, {}, 60},
                                              {{InputKind::Asset, piano.id}, {}, 60}};

        // No share stated: the voice owner gets half of the re-sung part.
        SplitSheet sheet = computeSplitSheet(registry->consentGraph(), parts, currentTime());
        QCOMPARE(sumOf(sheet), 10000);
        QCOMPARE(sheet.shares[0].holder, bo.id);
        QCOMPARE(sheet.shares[0].basisPoints, 7500);
        QCOMPARE(sheet.shares[1].basisPoints, 2500);

        // Ada allows generating with a 30% share: 18 of 120 s -> 15%.
        GrantTerms terms;
        terms.sharePercent = 30;
        registry->addGrant({ada.id, Scope::Generate, voice.id, {}, terms});
        sheet = computeSplitSheet(registry->consentGraph(), parts, currentTime());
        QCOMPARE(sheet.shares[0].basisPoints, 8500);
        QCOMPARE(sheet.shares[1].holder, ada.id);
        QCOMPARE(sheet.shares[1].basisPoints, 1500);

        // A track running live through the model counts the same way.
        SplitPart sungLivePart;
        sungLivePart.source = {InputKind::Asset, take.id};
        sungLivePart.liveModel = model.id;
        sungLivePart.seconds = 10;
        const std::vector<SplitPart> sungLive = {sungLivePart};
        sheet = computeSplitSheet(registry->consentGraph(), sungLive, currentTime());
        QCOMPARE(sheet.shares[0].holder, bo.id);
        QCOMPARE(sheet.shares[0].basisPoints, 7000);

        // The disclosure names the model behind the generated vocals.
        const auto disclosure = disclosureJson(registry->consentGraph(), parts);
        QVERIFY(disclosure["vocals"]["generated"].get<bool>());
        QCOMPARE(disclosure["vocals"]["models"][0].get<std::string>(), model.id);
        QVERIFY(!disclosure["composition"]["generated"].get<bool>());

        const std::vector<SplitPart> nothingPlayed = {{{InputKind::Asset, take.id}, {}, 0}};
        QVERIFY_EXCEPTION_THROWN(
            computeSplitSheet(registry->consentGraph(), nothingPlayed, currentTime()), BadInput);
    }

    // A render sung over live input (docs/PLUGIN.md "What it makes is marked"): its lineage
    // names the model and the live input in plain words, the live input asks no one's consent
    // and is credited to no one, and only the plugin's source is one.
    void aLiveRenderNamesItsLiveInput() {
        auto registry = newRegistry();
        const Holder ada = registry->addHolder("Ada", "");
        const Asset voice = addAsset(*registry, ada.id, "voice");
        const Grant train = registry->addGrant({ada.id, Scope::TrainVoice, voice.id, {}, {}});
        registry->addGrant({ada.id, Scope::Export, voice.id, {}, {}});
        const Model model = registry->addModel(
            {ModelKind::Voice, ada.id, "/m", sha256Hex("w"), "{}", "{}", {{voice.id, train.id}}});
        const Render live = registry->addRender(
            {"live",
             "",
             "",
             {{InputKind::Model, model.id}, {InputKind::LiveInput, kAccordVoiceInput}},
             "acw1-00000003"});
        const std::optional<Render> read = registry->renderByWatermark("acw1-00000003");
        QVERIFY(read);
        QCOMPARE(read->inputs.size(), std::size_t(2));
        QCOMPARE(int(read->inputs[1].kind), int(InputKind::LiveInput));
        QCOMPARE(inputKindName(read->inputs[1].kind), std::string("live-input"));
        QVERIFY_EXCEPTION_THROWN(
            registry->addRender({"live", "", "", {{InputKind::LiveInput, "elsewhere"}}, ""}),
            BadInput);

        const ConsentGraph& graph = registry->consentGraph();
        const auto lineage = lineageJson(graph, {{InputKind::Render, live.id}});
        QCOMPARE(lineage["models"][0]["model"].get<std::string>(), model.id);
        QCOMPARE(lineage["liveInputs"][0]["description"].get<std::string>(),
                 std::string("live input through the Accord Voice plugin"));
        QVERIFY(!lineageJson(graph, {{InputKind::Model, model.id}}).contains("liveInputs"));
        // Exporting it asks the voice's owner only; the split credits her.
        PolicyRequest exportLive;
        exportLive.subject = {InputKind::Render, live.id};
        exportLive.at = currentTime();
        const Decision decision = decide(graph, exportLive);
        QVERIFY(decision.allowed);
        QCOMPARE(decision.closureAssets.size(), std::size_t(1));
        const SplitSheet sheet =
            computeSplitSheet(graph, {{{InputKind::Render, live.id}, {}, 30}}, currentTime());
        QCOMPARE(sheet.shares.size(), std::size_t(1));
        QCOMPARE(sheet.shares[0].holder, ada.id);
        QVERIFY(registry->verifyAudit().intact);
    }

    // A registry of schema 7 (render_inputs without the live-input kind) migrates: its lineage
    // rows kept in order, its audit chain intact, and a live render recorded afterwards.
    void aSchema7RegistryMigratesToLiveInputs() {
        const QString path = dir.filePath("schema7.sqlite");
        std::string conversion, modelId;
        {
            auto registry = Registry::open(path.toStdString());
            const Holder ada = registry->addHolder("Ada", "");
            const Asset voice = addAsset(*registry, ada.id, "voice");
            const Asset take = addAsset(*registry, ada.id, "take");
            const Grant train = registry->addGrant({ada.id, Scope::TrainVoice, voice.id, {}, {}});
            modelId = registry
                          ->addModel({ModelKind::Voice,
                                      ada.id,
                                      "/m",
                                      sha256Hex("w"),
                                      "{}",
                                      "{}",
                                      {{voice.id, train.id}}})
                          .id;
            conversion =
                registry
                    ->addRender({"conversion",
                                 "/c.wav",
                                 sha256Hex("c"),
                                 {{InputKind::Asset, take.id}, {InputKind::Model, modelId}},
                                 "acw1-00000004"})
                    .id;
        }
        // What schema 7's render_inputs is: the kinds without live-input.
        QVERIFY(test::runRawSql(
                    path, "CREATE TABLE old_inputs (id TEXT PRIMARY KEY, render TEXT NOT NULL "
                          "REFERENCES renders(id), kind TEXT NOT NULL CHECK (kind IN ('asset', "
                          "'model', 'render')), input TEXT NOT NULL);"
                          "INSERT INTO old_inputs SELECT * FROM render_inputs ORDER BY rowid;"
                          "DROP TABLE render_inputs; ALTER TABLE old_inputs RENAME TO "
                          "render_inputs; CREATE INDEX render_inputs_by_render ON "
                          "render_inputs(render); PRAGMA user_version = 7;") >= 0);
        QVERIFY(test::runRawSql(path, "INSERT INTO render_inputs VALUES ('x', 'r-1', "
                                      "'live-input', 'accord-voice-plugin')") < 0);
        auto registry = Registry::open(path.toStdString());
        QCOMPARE(Registry::schemaVersion(), 8);
        const std::optional<Render> kept = registry->render(conversion);
        QVERIFY(kept);
        QCOMPARE(kept->inputs.size(), std::size_t(2));
        QCOMPARE(int(kept->inputs[0].kind), int(InputKind::Asset));
        QCOMPARE(kept->inputs[1].id, modelId);
        registry->addRender(
            {"live",
             "",
             "",
             {{InputKind::Model, modelId}, {InputKind::LiveInput, kAccordVoiceInput}},
             ""});
        const AuditReport report = registry->verifyAudit();
        QVERIFY2(report.intact, report.problems.empty() ? "" : report.problems.front().c_str());
    }

    // SHA-256 (every hash in manifests and identities): FIPS 180-2's examples, whole and fed in
    // uneven pieces.
    void sha256KnownAnswers() {
        QCOMPARE(sha256Hex(""),
                 std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QCOMPARE(sha256Hex("abc"),
                 std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        const std::string twoBlocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        QCOMPARE(sha256Hex(twoBlocks),
                 std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
        const std::string million(1000000, 'a');
        Sha256 pieces;
        for (std::size_t at = 0, step = 1; at < million.size(); at += step, step = step * 3 % 1031)
            pieces.update(million.data() + at, std::min(step, million.size() - at));
        QCOMPARE(pieces.finishHex(),
                 std::string("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
    }

    void signaturesBindTheCanonicalManifest() {
        auto registry = newRegistry();
        const Holder ada = registry->addHolder("Ada", "");
        nlohmann::json manifest = {
            {"format", kManifestFormat}, {"b", 1}, {"a", {{"y", 2}, {"x", 3}}}};
        QCOMPARE(canonicalJson(manifest),
                 std::string(R"({"a":{"x":3,"y":2},"b":1,"format":"accord-manifest"})"));
        const nlohmann::json signedByAda = signManifest(*registry, manifest, ada.id);
        std::string problem;
        QCOMPARE(checkManifestSignature(signedByAda, problem), SignatureState::Valid);
        // Reordering or re-spacing keeps it valid: the signature covers the canonical form.
        QCOMPARE(checkManifestSignature(nlohmann::json::parse(signedByAda.dump(4)), problem),
                 SignatureState::Valid);
        nlohmann::json edited = signedByAda;
        edited["b"] = 2;
        QCOMPARE(checkManifestSignature(edited, problem), SignatureState::Invalid);
        QVERIFY(!problem.empty());
        nlohmann::json swapped = signedByAda;
        swapped["signature"] = signManifest(*registry, manifest, {})["signature"];
        QCOMPARE(checkManifestSignature(swapped, problem), SignatureState::Invalid);
        QCOMPARE(checkManifestSignature(manifest, problem), SignatureState::Absent);
        QVERIFY_EXCEPTION_THROWN(canonicalJson(nlohmann::json(std::nan(""))), BadInput);
    }

    // A manifest read from a file is checked field by field before anything reads it: another
    // shape is refused naming the field, in plain words, never in the parser's terms.
    void manifestsOfAnotherShapeAreRefusedNamingTheField_data() {
        QTest::addColumn<QString>("pointer");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("named");
        // Each object and list as a number, a list, text and an object it is not (a list of
        // something else than objects, an object without its fields); text as anything else.
        const char* const structured[] = {"content", "lineage",    "grants",     "signer",
                                          "split",   "disclosure", "watermarks", "studio"};
        for (const char* name : structured)
            for (const char* value : {"7", "[1]", "\"text\"", "{\"x\":true}"})
                QTest::newRow(qPrintable(QString("%1=%2").arg(name, value)))
                    << QString("/") + name << QString(value) << QString(name);
        for (const char* pointer : {"/content/pcmSha256", "/signer/publicKey"})
            for (const char* value : {"7", "[1]", "{\"x\":true}", "true"})
                QTest::newRow(qPrintable(QString("%1=%2").arg(pointer, value)))
                    << QString(pointer) << QString(value) << QString(pointer).section('/', -1);
        QTest::newRow("an asset's id") << "/lineage/assets/0/asset"
                                       << "[]"
                                       << "asset";
        QTest::newRow("a grant's id") << "/grants/0/grant"
                                      << "3"
                                      << "grant";
        QTest::newRow("a vocals part") << "/disclosure/vocals"
                                       << "1"
                                       << "vocals";
        QTest::newRow("a share's percent") << "/split/shares/0/percent"
                                           << "\"all\""
                                           << "percent";
        QTest::newRow("the signer's holder") << "/signer/holder"
                                             << "{}"
                                             << "holder";
        QTest::newRow("the format") << "/format"
                                    << "\"other\""
                                    << "not an Accord manifest";
        QTest::newRow("a number too large") << "/content/durationSeconds"
                                            << "1e999"
                                            << "too large";
    }

    void manifestsOfAnotherShapeAreRefusedNamingTheField() {
        QFETCH(QString, pointer);
        QFETCH(QString, value);
        QFETCH(QString, named);
        nlohmann::json part = {{"generated", false}, {"models", nlohmann::json::array()}};
        nlohmann::json manifest = {
            {"format", kManifestFormat},
            {"signer", {{"holder", nullptr}, {"name", "studio"}, {"publicKey", "ab"}}},
            {"signature", "cd"},
            {"content", {{"pcmSha256", "ef"}, {"durationSeconds", 1.5}}},
            {"render", "r-1"},
            {"lineage",
             {{"assets", {{{"asset", "a-1"}, {"owner", "h-1"}, {"ownerName", "Ada"}}}},
              {"models", nlohmann::json::array()},
              {"renders", nlohmann::json::array()}}},
            {"grants", {{{"grant", "g-1"}}}},
            {"watermarks", nlohmann::json::array()},
            {"split",
             {{"method", "accord-split-v1"},
              {"shares", {{{"holder", "h-1"}, {"name", "Ada"}, {"percent", 100.0}}}}}},
            {"disclosure", {{"vocals", part}, {"instrumentation", part}, {"composition", part}}},
            {"studio", {{"name", "Accord"}, {"publicKey", "ab"}}}};
        requireManifestShape(manifest, "m.json"); // as Accord writes it

        // Parsed from text, as a file would be.
        manifest[nlohmann::json::json_pointer(pointer.toStdString())] = "@@";
        std::string text = manifest.dump();
        text.replace(text.find("\"@@\""), 4, value.toStdString());
        try {
            requireManifestShape(parseJsonInput(text, "m.json"), "m.json");
            QFAIL("a manifest of another shape was accepted");
        } catch (const BadInput& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.startsWith("m.json") && message.contains(named) &&
                         !message.contains("json.exception"),
                     qPrintable(message));
        }
    }
};

QTEST_GUILESS_MAIN(ProvenanceTest)
#include "test_provenance.moc"
