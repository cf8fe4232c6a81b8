// The layering of docs/ARCHITECTURE.md "Layers", checked on the source tree: what each layer may
// not include, and that only workflows/ (and the registry and policy engine themselves in core/)
// asks the policy engine or writes lineage to the registry. The linker already refuses a
// dependency a layer's CMake library does not declare; this also catches a header-only one.

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kRoot = ACCORD_SOURCE_DIR;

struct SourceFile {
    std::string path; // relative to the root
    std::vector<std::string> lines;
};

bool isSource(const fs::path& path) {
    const std::string ext = path.extension().string();
    return ext == ".h" || ext == ".cpp";
}

std::vector<SourceFile> sourcesUnder(const std::string& folder) {
    std::vector<SourceFile> files;
    if (!fs::is_directory(kRoot / folder))
        return files;
    for (const auto& entry : fs::recursive_directory_iterator(kRoot / folder)) {
        if (!entry.is_regular_file() || !isSource(entry.path()))
            continue;
        SourceFile file;
        file.path = fs::relative(entry.path(), kRoot).string();
        std::ifstream in(entry.path());
        for (std::string line; std::getline(in, line);)
            file.lines.push_back(line);
        files.push_back(std::move(file));
    }
    return files;
}

// Code without its comments and string literals, line by line (a comment may name anything).
std::string codeOf(const std::string& line) {
    std::string code;
    bool inString = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (!inString && line.compare(i, 2, "//") == 0)
            break;
        if (line[i] == '"' && (i == 0 || line[i - 1] != '\\'))
            inString = !inString;
        else if (!inString)
            code += line[i];
    }
    return code;
}

// An #include line; group 1 is what it includes.
const std::regex& includeLine() {
    static const std::regex line("^\\s*#\\s*include\\s*[<\"]([^>\"]+)[>\"]");
    return line;
}

struct Rule {
    std::string layer;   // a folder
    std::string pattern; // a regular expression over #include lines
    std::string why;
};

// Every violation of `rules` as "file:line: why".
QStringList includeViolations(const std::vector<Rule>& rules) {
    QStringList found;
    for (const Rule& rule : rules) {
        const std::regex banned(rule.pattern);
        for (const SourceFile& file : sourcesUnder(rule.layer))
            for (std::size_t n = 0; n < file.lines.size(); ++n) {
                std::smatch match;
                if (std::regex_search(file.lines[n], match, includeLine()) &&
                    std::regex_search(match[1].str(), banned))
                    found << QString::fromStdString(file.path + ":" + std::to_string(n + 1) + ": " +
                                                    match[1].str() + " (" + rule.why + ")");
            }
    }
    return found;
}

} // namespace

class TestArchitecture : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void layersIncludeOnlyWhatTheyMay() {
        const std::string qt = R"(^Q[A-Za-z]+$|^Qt[A-Za-z]+/|^Q[A-Z][a-zA-Z]+\.h$)";
        const std::string juce = R"(^juce_)";
        const std::string torch = R"(^torch/|^ATen/|^c10/)";
        const std::string sqlite = R"(^sqlite3\.h$)";
        const std::vector<Rule> rules = {
            {"core", qt + "|" + juce + "|" + torch, "core is plain C++: no Qt, JUCE or Torch"},
            {"core", R"(^accord/(audio|dsp|models|ledger|workflows|ui)/)",
             "core depends on nothing"},
            {"audio", qt + "|" + torch, "audio: no Qt or Torch"},
            {"audio", R"(^accord/(models|workflows|ui)/)", "audio is below models and workflows"},
            {"audio", R"(^accord/core/(registry|policy|provenance)\.h$)",
             "audio is a capability: it knows no registry and no policy"},
            {"models", qt + "|" + juce, "models: no Qt or JUCE"},
            {"models", R"(^accord/(audio|workflows|ui)/)",
             "models uses dsp, not the engine or audio files, and is below workflows"},
            {"audio/dsp", qt + "|" + juce + "|" + torch, "dsp is plain C++: no Qt, JUCE or Torch"},
            {"audio/dsp", R"(^accord/(audio|models|workflows|ui)/)",
             "dsp depends on core only: the engine and the models build on it"},
            {"models", R"(^accord/core/(registry|policy|provenance)\.h$)",
             "models is a capability: it knows no registry and no policy"},
            {"ledger", qt + "|" + juce + "|" + torch + "|" + sqlite,
             "ledger: plain C++ over core and libpq"},
            {"ledger", R"(^accord/(audio|dsp|models|workflows|ui)/|^accord/core/registry\.h$)",
             "ledger is a store of signed statements: it knows no registry, workflows apply them"},
            {"workflows", qt + "|" + juce + "|" + torch, "workflows: plain C++ over the layers"},
            {"workflows", R"(^accord/ui/)", "workflows is below the studio"},
            {"ui", torch + "|" + sqlite + "|" + juce,
             "ui: no Torch, no SQLite (the registry API), no JUCE (the engine API)"},
            {"app/plugin", qt + "|" + torch,
             "the plugin loads into any DAW: no Qt, no Torch (docs/PLUGIN.md)"},
        };
        const QStringList violations = includeViolations(rules);
        QVERIFY2(violations.isEmpty(), qPrintable(violations.join('\n')));
    }

    // Consent is asked and lineage written only in workflows/ (and by the registry and policy
    // engine that implement them).
    void onlyWorkflowsAskConsentOrWriteLineage() {
        const std::regex gated(
            R"(\bPolicyRequest\b|\bdecide\s*\(|\badd(Asset|Model|Render|Export)\s*\()");
        QStringList found;
        for (const std::string folder : {"app", "audio", "ledger", "models", "ui", "core"}) {
            for (const SourceFile& file : sourcesUnder(folder)) {
                const bool implementsThem = file.path.rfind("core/src/", 0) == 0 ||
                                            file.path == "core/include/accord/core/policy.h" ||
                                            file.path == "core/include/accord/core/registry.h";
                if (implementsThem)
                    continue;
                for (std::size_t n = 0; n < file.lines.size(); ++n)
                    if (std::regex_search(codeOf(file.lines[n]), gated))
                        found << QString::fromStdString(file.path + ":" + std::to_string(n + 1) +
                                                        ": " + file.lines[n]);
            }
        }
        QVERIFY2(found.isEmpty(),
                 qPrintable("asks the policy engine or writes lineage outside workflows/:\n" +
                            found.join('\n')));
        // And workflows/ does both: the rule above is not vacuous.
        bool asks = false, writes = false;
        for (const SourceFile& file : sourcesUnder("workflows"))
            for (const std::string& line : file.lines) {
                asks = asks || line.find("PolicyRequest") != std::string::npos;
                writes = writes || line.find("addRender(") != std::string::npos;
            }
        QVERIFY(asks && writes);
    }

    // The checker itself: a banned include and a gated call are caught.
    void theCheckerCatchesViolations() {
        const std::string sample = "x = decide(a); y = \"decide(b)\"; // decide(c)";
        QCOMPARE(QString::fromStdString(codeOf(sample)), QString("x = decide(a); y = ; "));
        std::smatch match;
        const std::string line = "#include <QWidget>";
        QVERIFY(std::regex_search(line, match, includeLine()));
        QVERIFY(std::regex_search(match[1].str(), std::regex(R"(^Q[A-Za-z]+$)")));
    }
};

QTEST_GUILESS_MAIN(TestArchitecture)
#include "test_architecture.moc"
