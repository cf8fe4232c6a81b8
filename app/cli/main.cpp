#include "commands.h"
#include "output.h"

#include "accord/core/policy.h"

#include <algorithm>
#include <iostream>

#ifndef ACCORD_VERSION
#error "ACCORD_VERSION must be defined by CMake (PROJECT_VERSION)"
#endif

// accord-cli: the stable command-line contract of docs/CLI.md.
int main(int argc, char** argv) {
    using namespace accord;
    const std::vector<std::string> words(argv + 1, argv + argc);
    if (words.size() == 1 && words.front() == "--version") {
        std::cout << "accord-cli " << ACCORD_VERSION << "\n";
        return 0;
    }
    if (!words.empty() && words.front() == "help") {
        std::cout << cli::usageText(cli::commandTable());
        return 0;
    }
    // Known before parsing, so that even a usage error answers in JSON.
    const bool json = std::find(words.begin(), words.end(), "--json") != words.end();
    cli::Arguments args;
    try {
        args = cli::parseArguments(words, cli::commandTable());
        if (args.help) {
            std::cout << (args.command ? cli::commandUsage(*args.command)
                                       : cli::usageText(cli::commandTable()));
            return 0;
        }
        return static_cast<int>(cli::runCommand(args, std::cout, std::cerr));
    } catch (const cli::UsageError& e) {
        if (json)
            return static_cast<int>(cli::reportError(e.code(), e.what(), std::cout));
        std::cerr << "accord-cli: " << e.what() << "\n\n" << cli::usageText(cli::commandTable());
        return static_cast<int>(ExitCode::Usage);
    } catch (const ConsentDenied& e) {
        return static_cast<int>(
            cli::reportDenial(args, e.decision(), e.action(), std::cout, std::cerr));
    } catch (const Error& e) {
        std::cerr << "accord-cli: " << e.what() << "\n";
        return static_cast<int>(json ? cli::reportError(e.code(), e.what(), std::cout) : e.code());
    } catch (const std::exception& e) {
        // Anything unexpected is still reported in one line, as bad input rather than a crash.
        std::cerr << "accord-cli: " << e.what() << "\n";
        return static_cast<int>(json ? cli::reportError(ExitCode::BadInput, e.what(), std::cout)
                                     : ExitCode::BadInput);
    }
}
