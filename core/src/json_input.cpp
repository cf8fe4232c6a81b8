#include "accord/core/json_input.h"

#include "accord/core/errors.h"

#include <cmath>
#include <limits>

namespace accord {

using nlohmann::json;

namespace {

struct TooDeep {};

} // namespace

json parseJsonInput(const std::string& text, const std::string& what) {
    try {
        return json::parse(text, [](int depth, json::parse_event_t, json&) {
            if (depth > kMaxJsonDepth)
                throw TooDeep{};
            return true;
        });
    } catch (const TooDeep&) {
        throw BadInput(what + ": nested deeper than " + std::to_string(kMaxJsonDepth) +
                       " levels, which no Accord document is");
    } catch (const json::parse_error& error) {
        throw BadInput(what + ": broken JSON at byte " + std::to_string(error.byte));
    } catch (const json::exception&) { // e.g. a number beyond any floating point range
        throw BadInput(what + ": holds a number too large to be read");
    }
}

JsonFields::JsonFields(const json& object, std::string where)
    : object_(object), where_(std::move(where)) {
    if (!object_.is_object())
        throw BadInput(where_ + " must be a JSON object");
}

const json* JsonFields::field(const char* key, bool required) const {
    const auto found = object_.find(key);
    if (found == object_.end() || found->is_null()) {
        if (required)
            throw BadInput(where_ + ": \"" + key + "\" is missing");
        return nullptr;
    }
    return &*found;
}

void JsonFields::wrongType(const char* key, const char* expected) const {
    throw BadInput(where_ + ": \"" + key + "\" must be " + expected);
}

std::string JsonFields::text(const char* key) const {
    const json* value = field(key, true);
    if (!value->is_string())
        wrongType(key, "text");
    return value->get<std::string>();
}

std::string JsonFields::text(const char* key, const std::string& fallback) const {
    const json* value = field(key, false);
    if (!value)
        return fallback;
    if (!value->is_string())
        wrongType(key, "text");
    return value->get<std::string>();
}

std::int64_t JsonFields::integer(const char* key) const {
    const json* value = field(key, true);
    if (value->is_number_unsigned()) {
        if (value->get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            wrongType(key, "a whole number within 64 bits");
        return static_cast<std::int64_t>(value->get<std::uint64_t>());
    }
    if (!value->is_number_integer())
        wrongType(key, "a whole number");
    return value->get<std::int64_t>();
}

std::int64_t JsonFields::integer(const char* key, std::int64_t fallback) const {
    return field(key, false) ? integer(key) : fallback;
}

double JsonFields::number(const char* key, double fallback) const {
    const json* value = field(key, false);
    if (!value)
        return fallback;
    if (!value->is_number() || !std::isfinite(value->get<double>()))
        wrongType(key, "a number");
    return value->get<double>();
}

bool JsonFields::flag(const char* key, bool fallback) const {
    const json* value = field(key, false);
    if (!value)
        return fallback;
    if (!value->is_boolean())
        wrongType(key, "true or false");
    return value->get<bool>();
}

const json& JsonFields::list(const char* key, bool optional, bool (*isElement)(const json&),
                             const char* expected) const {
    static const json none = json::array();
    const json* value = field(key, !optional);
    if (!value)
        return none;
    if (!value->is_array())
        wrongType(key, "a list");
    for (const json& element : *value)
        if (!isElement(element))
            wrongType(key, expected);
    return *value;
}

const json& JsonFields::objects(const char* key, bool optional) const {
    return list(
        key, optional, [](const json& element) { return element.is_object(); },
        "a list of objects");
}

const json& JsonFields::object(const char* key, bool optional) const {
    static const json none = json::object();
    const json* value = field(key, !optional);
    if (!value)
        return none;
    if (!value->is_object())
        wrongType(key, "an object");
    return *value;
}

const json& JsonFields::texts(const char* key, bool optional) const {
    return list(
        key, optional, [](const json& element) { return element.is_string(); }, "a list of text");
}

json JsonFields::unknown(std::initializer_list<const char*> known) const {
    json kept = json::object();
    for (const auto& [key, value] : object_.items()) {
        bool isKnown = false;
        for (const char* name : known)
            isKnown = isKnown || key == name;
        if (!isKnown)
            kept[key] = value;
    }
    return kept;
}

} // namespace accord
