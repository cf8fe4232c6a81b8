#include "voice_format.h"

#include "accord/core/crypto.h"
#include "accord/core/errors.h"
#include "accord/core/json_input.h"

namespace accord::models::voice {

VoiceModelData decodeVoiceModel(const std::string& bytes, const std::string& file) {
    using nlohmann::json;
    const Container container =
        decodeContainer(bytes, kModelMagic, kVoiceModelFormatVersion, file, kModelKind);
    const json card = parseJsonInput(container.json, file + ": the voice model's card");
    if (!card.is_object() || !card.contains("format") || card["format"] != kModelFormatName)
        throw BadInput(file + ": not " + std::string(kModelKind) +
                       " (its card is of another kind)");
    const JsonFields fields(card, file + ": corrupt voice model card");
    VoiceModelData model;
    model.card.formatVersion = container.version;
    model.card.modelId = fields.text("model", "");
    model.card.owner = fields.text("owner");
    model.card.ownerName = fields.text("ownerName", "");
    model.card.createdAt = fields.text("createdAt");
    model.card.weightsSha256 = fields.text("weightsSha256");
    for (const json& source : fields.objects("training", true)) {
        const JsonFields sourceFields(source, fields.where() + ": a training source");
        model.card.training.push_back(
            {sourceFields.text("asset", ""), sourceFields.text("grant", "")});
    }
    const json config = card.contains("config") ? card["config"] : json::object();
    const json metrics = card.contains("metrics") ? card["metrics"] : json::object();
    if (!metrics.is_object())
        throw BadInput(fields.where() + ": \"metrics\" must be an object");
    model.card.configJson = config.dump();
    model.card.metricsJson = metrics.dump();
    model.card.json = container.json;
    if (sha256Hex(container.blob) != model.card.weightsSha256)
        throw BadInput(file +
                       ": corrupt voice model: the weights do not match the hash in its card");
    model.config = VoiceConfig::fromJson(config, file);
    model.weights = decodeTensors(container.blob, file);
    return model;
}

} // namespace accord::models::voice
