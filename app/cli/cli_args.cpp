#include "cli_args.h"

#include "accord/core/registry.h"

#include <cmath>
#include <cstdlib>

namespace accord::cli {

bool Arguments::has(const std::string& option) const {
    return values.count(option) || std::find(flags.begin(), flags.end(), option) != flags.end();
}

std::optional<std::string> Arguments::value(const std::string& option) const {
    const auto found = values.find(option);
    if (found == values.end())
        return std::nullopt;
    return found->second.back();
}

std::string Arguments::required(const std::string& option) const {
    if (auto v = value(option))
        return *v;
    throw UsageError("missing " + option);
}

const std::vector<std::string>& Arguments::all(const std::string& option) const {
    static const std::vector<std::string> none;
    const auto found = values.find(option);
    return found == values.end() ? none : found->second;
}

double Arguments::number(const std::string& option, double fallback) const {
    const auto text = value(option);
    if (!text)
        return fallback;
    char* end = nullptr;
    const double parsed = std::strtod(text->c_str(), &end);
    if (text->empty() || *end != '\0' || !std::isfinite(parsed))
        throw BadInput(option + ": '" + *text + "' is not a number");
    return parsed;
}

Arguments parseArguments(const std::vector<std::string>& argv,
                         const std::vector<CommandSpec>& commands) {
    Arguments args;
    args.words = argv;
    args.registryPath = Registry::defaultPath();
    std::vector<std::string> rest;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        if (argv[i] == "--json") {
            args.json = true;
        } else if (argv[i] == "--help" || argv[i] == "-h") {
            args.help = true;
        } else if (argv[i] == "--registry") {
            if (i + 1 >= argv.size())
                throw UsageError("--registry needs a path");
            args.registryPath = argv[++i];
        } else {
            rest.push_back(argv[i]);
        }
    }

    // The longest command whose words start the line.
    for (const auto& command : commands) {
        if (rest.size() < command.words.size() ||
            !std::equal(command.words.begin(), command.words.end(), rest.begin()))
            continue;
        if (!args.command || command.words.size() > args.command->words.size())
            args.command = &command;
    }
    if (!args.command) {
        if (rest.empty() && args.help)
            return args;
        if (rest.empty())
            throw UsageError("no command given");
        throw UsageError("unknown command '" + rest.front() +
                         (rest.size() > 1 && rest[1][0] != '-' ? " " + rest[1] : "") + "'");
    }

    if (args.help)
        return args;
    for (std::size_t i = args.command->words.size(); i < rest.size(); ++i) {
        const std::string& word = rest[i];
        if (word.size() > 1 && word[0] == '-' &&
            !(word.size() > 1 &&
              (std::isdigit(static_cast<unsigned char>(word[1])) || word[1] == '.'))) {
            const auto spec =
                std::find_if(args.command->options.begin(), args.command->options.end(),
                             [&](const OptionSpec& o) { return o.name == word; });
            if (spec == args.command->options.end())
                throw UsageError(
                    "unknown option '" + word + "' for '" + args.command->words[0] +
                    (args.command->words.size() > 1 ? " " + args.command->words[1] : "") + "'");
            if (!spec->takesValue) {
                args.flags.push_back(word);
                continue;
            }
            if (i + 1 >= rest.size())
                throw UsageError(word + " needs a value");
            if (args.values.count(word) && !spec->repeatable)
                throw UsageError(word + " given twice");
            args.values[word].push_back(rest[++i]);
            // Repeatable options take every following word up to the next option.
            while (spec->repeatable && i + 1 < rest.size() && rest[i + 1].rfind("--", 0) != 0)
                args.values[word].push_back(rest[++i]);
        } else {
            args.positionals.push_back(word);
        }
    }
    if (args.positionals.size() < args.command->minPositionals)
        throw UsageError("missing argument: " + args.command->usage);
    if (args.positionals.size() > args.command->maxPositionals)
        throw UsageError("unexpected argument '" + args.positionals.back() + "'");
    return args;
}

namespace {

std::string commandLine(const CommandSpec& command) {
    std::string text = "accord-cli";
    for (const auto& word : command.words)
        text += " " + word;
    return text + (command.usage.empty() ? "" : " " + command.usage);
}

const char* const kExitCodes =
    "exit codes: 0 ok, 1 usage, 2 bad input, 3 integrity failure, 4 consent denied\n";

} // namespace

std::string usageText(const std::vector<CommandSpec>& commands) {
    std::string text = "usage: accord-cli [--registry PATH] [--json] COMMAND ...\n"
                       "       accord-cli COMMAND --help | --help | --version\n\ncommands:\n";
    for (const auto& command : commands)
        text += "  " + commandLine(command) + "\n";
    return text + "\n" + kExitCodes + "docs/CLI.md describes every command.\n";
}

std::string commandUsage(const CommandSpec& command) {
    return "usage: " + commandLine(command) + "\n\n" + command.description +
           "\n\nglobal options: [--registry PATH] [--json]\n" + kExitCodes +
           "docs/CLI.md describes every command.\n";
}

} // namespace accord::cli
