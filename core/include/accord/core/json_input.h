#pragma once

// JSON that comes from outside (project files, manifests and sidecars, model cards, packs): read
// with a nesting limit, so a hostile file cannot exhaust the stack, and with every problem said in
// plain words naming the file and the field, never in the parser's own terms.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace accord {

// Far deeper than any document Accord writes (a project nests 5 levels, a manifest 7).
constexpr int kMaxJsonDepth = 64;

// Parses `text`; throws BadInput "<what>: broken JSON at byte N", "<what>: nested deeper than
// 64 levels" or "<what>: holds a number too large to be read" (`what` names the file or the part
// of it).
nlohmann::json parseJsonInput(const std::string& text, const std::string& what);

// Typed access to one field of a JSON object, for readers of outside documents. Each throws
// BadInput "<where>: \"key\" must be ..." when the field is missing (for the required ones) or of
// another type; the optional ones return `fallback` for a missing or null field.
class JsonFields {
public:
    // `where` names the object in messages: "song.accord: track t-2 clip c-7".
    JsonFields(const nlohmann::json& object, std::string where);

    std::string text(const char* key) const;
    std::string text(const char* key, const std::string& fallback) const;
    std::int64_t integer(const char* key) const;
    std::int64_t integer(const char* key, std::int64_t fallback) const;
    double number(const char* key, double fallback) const;
    bool flag(const char* key, bool fallback) const;
    // The array (possibly empty when `optional`), each element checked to be an object.
    const nlohmann::json& objects(const char* key, bool optional) const;
    // The object (an empty one when `optional` and the field is missing or null).
    const nlohmann::json& object(const char* key, bool optional) const;
    // The array (possibly empty when `optional`), each element checked to be text.
    const nlohmann::json& texts(const char* key, bool optional) const;
    // The object's members whose keys are not in `known`, kept so a file from a newer Accord keeps
    // what it added when this one saves it (an empty object when there are none).
    nlohmann::json unknown(std::initializer_list<const char*> known) const;
    const std::string& where() const { return where_; }

private:
    const nlohmann::json* field(const char* key, bool required) const;
    // The array (possibly empty when `optional`), each element checked by `isElement`; `expected`
    // says what it must be otherwise.
    const nlohmann::json& list(const char* key, bool optional,
                               bool (*isElement)(const nlohmann::json&),
                               const char* expected) const;
    [[noreturn]] void wrongType(const char* key, const char* expected) const;

    const nlohmann::json& object_;
    std::string where_;
};

} // namespace accord
