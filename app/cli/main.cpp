#include "commands.h"
#include "output.h"

#include "accord/core/policy.h"

#include <iostream>

// accord-cli: the stable command-line contract of SPEC §5.
int main(int argc, char** argv) {
    using namespace accord;
    const std::vector<std::string> words(argv + 1, argv + argc);
    if (!words.empty() &&
        (words.front() == "--help" || words.front() == "-h" || words.front() == "help")) {
        std::cout << cli::usageText(cli::commandTable());
        return 0;
    }
    cli::Arguments args;
    try {
        args = cli::parseArguments(words, cli::commandTable());
        return static_cast<int>(cli::runCommand(args, std::cout, std::cerr));
    } catch (const cli::UsageError& e) {
        std::cerr << "accord-cli: " << e.what() << "\n\n" << cli::usageText(cli::commandTable());
        return static_cast<int>(ExitCode::Usage);
    } catch (const ConsentDenied& e) {
        return static_cast<int>(
            cli::reportDenial(args, e.decision(), e.action(), std::cout, std::cerr));
    } catch (const Error& e) {
        std::cerr << "accord-cli: " << e.what() << "\n";
        return static_cast<int>(e.code());
    } catch (const std::exception& e) {
        // Anything unexpected is still reported in one line, as bad input rather than a crash.
        std::cerr << "accord-cli: " << e.what() << "\n";
        return static_cast<int>(ExitCode::BadInput);
    }
}
