// The models and model_sources tables: trained models, the assets they were trained on and the
// grant that allowed each.

#include "registry_impl.h"

#include "accord/core/errors.h"

namespace accord {

using sqlite::Statement;

Model Registry::Impl::modelFrom(const Statement& s) {
    Model m;
    m.id = s.text(0);
    m.kind = parseModelKind(s.text(1));
    m.owner = s.text(2);
    m.file = s.text(3);
    m.weightsSha256 = s.text(4);
    m.configJson = s.text(5);
    m.metricsJson = s.text(6);
    m.sourceRevoked = s.text(7) == "source-revoked";
    m.createdAt = s.text(8);
    return m;
}

std::vector<TrainingSource> Registry::Impl::trainingOf(const std::string& modelId) const {
    return selectAll<TrainingSource>(
        "SELECT asset, grant_id FROM model_sources WHERE model = ? ORDER BY rowid",
        [](const Statement& s) {
            return TrainingSource{s.text(0), s.text(1)};
        },
        modelId);
}

Model Registry::addModel(const NewModel& input) {
    return impl_->writeTransaction([&] {
        impl_->requireHolder(input.owner, "owner");
        const std::string id = impl_->nextId("models", "m");
        impl_
            ->prepare("INSERT INTO models (id, kind, owner, file, weights_sha256, config, "
                      "metrics, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?)")
            ->bind(1, id)
            .bind(2, modelKindName(input.kind))
            .bind(3, input.owner)
            .bind(4, input.file)
            .bind(5, input.weightsSha256)
            .bind(6, input.configJson)
            .bind(7, input.metricsJson)
            .bind(8, formatIsoTime(currentTime()))
            .step();
        impl_->logRow("model.add", "models", id);
        for (const auto& source : input.training) {
            if (!asset(source.asset))
                throw BadInput("unknown training asset '" + source.asset + "'");
            if (!grant(source.grant))
                throw BadInput("unknown grant '" + source.grant + "'");
            const std::string sourceId = id + "/" + source.asset;
            impl_
                ->prepare("INSERT INTO model_sources (id, model, asset, grant_id) "
                          "VALUES (?, ?, ?, ?)")
                ->bind(1, sourceId)
                .bind(2, id)
                .bind(3, source.asset)
                .bind(4, source.grant)
                .step();
            impl_->logRow("model.source", "model_sources", sourceId);
        }
        return *model(id);
    });
}

std::optional<Model> Registry::model(const std::string& id) const {
    auto rows = impl_->selectAll<Model>(std::string("SELECT ") + Impl::modelColumns +
                                            " FROM models WHERE id = ?",
                                        Impl::modelFrom, id);
    if (rows.empty())
        return std::nullopt;
    rows.front().training = impl_->trainingOf(id);
    return rows.front();
}

std::vector<Model> Registry::models() const {
    auto rows = impl_->selectAll<Model>(std::string("SELECT ") + Impl::modelColumns +
                                            " FROM models ORDER BY rowid",
                                        Impl::modelFrom);
    for (auto& m : rows)
        m.training = impl_->trainingOf(m.id);
    return rows;
}

} // namespace accord
