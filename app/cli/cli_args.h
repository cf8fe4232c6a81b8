#pragma once

#include "accord/core/errors.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace accord::cli {

// A usage mistake (unknown command or flag, missing argument): exit 1 with usage on stderr.
class UsageError : public Error {
public:
    explicit UsageError(const std::string& message) : Error(ExitCode::Usage, message) {}
};

struct OptionSpec {
    std::string name; // "--owner"
    bool takesValue;  // "--owner H" vs "--commercial"
    bool repeatable = false;
};

struct CommandSpec {
    std::vector<std::string> words; // {"grant", "add"}
    std::string description;        // what it does, one sentence (shown by --help)
    std::string usage;              // the rest of the usage line
    std::vector<OptionSpec> options;
    std::size_t minPositionals = 0;
    std::size_t maxPositionals = 0;
};

struct Arguments {
    const CommandSpec* command = nullptr;
    std::vector<std::string> words; // the command line as given, after the program name
    std::string registryPath;
    bool json = false;
    bool help = false; // --help or -h: print the command's usage (the whole list without one)
    std::vector<std::string> positionals;
    std::map<std::string, std::vector<std::string>> values;
    std::vector<std::string> flags;

    bool has(const std::string& option) const;
    std::optional<std::string> value(const std::string& option) const;
    std::string required(const std::string& option) const; // throws UsageError
    const std::vector<std::string>& all(const std::string& option) const;
    double number(const std::string& option, double fallback) const; // throws BadInput
};

// Parses the global options (--registry, --json, --help) anywhere on the line and the command's
// own. With --help only the command words need to be right.
Arguments parseArguments(const std::vector<std::string>& argv,
                         const std::vector<CommandSpec>& commands);
std::string usageText(const std::vector<CommandSpec>& commands);
// "usage: accord-cli grant add --holder HOLDER ..." for one command.
std::string commandUsage(const CommandSpec& command);

} // namespace accord::cli
