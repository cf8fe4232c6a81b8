#pragma once

#include <stdexcept>
#include <string>

namespace accord {

// The exit codes of docs/CLI.md; every failure the user can cause maps to one of them.
// Interrupted follows the shell's convention for a process stopped by SIGINT.
enum class ExitCode : int {
    Ok = 0,
    Usage = 1,
    BadInput = 2,
    Integrity = 3,
    Denied = 4,
    Interrupted = 130
};

class Error : public std::runtime_error {
public:
    Error(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
    ExitCode code() const { return code_; }

private:
    ExitCode code_;
};

// A file, id, date or value the user gave is wrong; the message names it and the problem.
class BadInput : public Error {
public:
    explicit BadInput(const std::string& message) : Error(ExitCode::BadInput, message) {}
};

// Stored data does not match what was signed or logged: tampering or corruption.
class IntegrityError : public Error {
public:
    explicit IntegrityError(const std::string& message) : Error(ExitCode::Integrity, message) {}
};

} // namespace accord
