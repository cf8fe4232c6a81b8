// The models and model_sources tables: trained models, the assets they were trained on and the
// grant that allowed each.

#include "registry_impl.h"

#include "accord/core/errors.h"

namespace accord {

using sqlite::Statement;

namespace {

Model modelFrom(const Statement& s) {
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

} // namespace

std::vector<Model> Registry::Impl::selectModels(const std::string& clauses,
                                                const std::vector<std::string>& keys) const {
    return selectAll<Model>("SELECT id, kind, owner, file, weights_sha256, config, metrics, "
                            "status, created_at FROM models " +
                                clauses,
                            modelFrom, keys);
}

std::vector<TrainingSource> Registry::Impl::trainingOf(const std::string& modelId) const {
    return selectAll<TrainingSource>(
        "SELECT asset, grant_id FROM model_sources WHERE model = ? ORDER BY rowid",
        [](const Statement& s) {
            return TrainingSource{s.text(0), s.text(1)};
        },
        {modelId});
}

std::vector<std::string> Registry::Impl::markSourceRevoked(const std::string& grantId) {
    const auto affected = selectAll<std::string>(
        "SELECT DISTINCT m.id FROM models m JOIN model_sources s ON s.model = m.id "
        "WHERE s.grant_id = ? AND m.status = 'active' ORDER BY m.rowid",
        [](const Statement& s) { return s.text(0); }, {grantId});
    for (const auto& modelId : affected)
        updateAndLog("model.source-revoked", "models", modelId, {{"status", "source-revoked"}});
    return affected;
}

Model Registry::addModel(const NewModel& input) {
    return impl_->writeTransaction([&] {
        impl_->requireHolder(input.owner, "owner");
        const std::string id = impl_->nextId("models", "m");
        impl_->insertAndLog("model.add", "models", id,
                            {{"kind", modelKindName(input.kind)},
                             {"owner", input.owner},
                             {"file", input.file},
                             {"weights_sha256", input.weightsSha256},
                             {"config", input.configJson},
                             {"metrics", input.metricsJson},
                             {"status", "active"},
                             {"created_at", formatIsoTime(currentTime())}});
        for (const auto& source : input.training) {
            if (!asset(source.asset))
                throw BadInput("unknown training asset '" + source.asset + "'");
            if (!grant(source.grant))
                throw BadInput("unknown grant '" + source.grant + "'");
            impl_->insertAndLog(
                "model.source", "model_sources", id + "/" + source.asset,
                {{"model", id}, {"asset", source.asset}, {"grant_id", source.grant}});
        }
        return *model(id);
    });
}

std::optional<Model> Registry::model(const std::string& id) const {
    auto found = firstOf(impl_->selectModels("WHERE id = ?", {id}));
    if (found)
        found->training = impl_->trainingOf(id);
    return found;
}

std::vector<Model> Registry::models() const {
    auto rows = impl_->selectModels("ORDER BY rowid");
    for (auto& m : rows)
        m.training = impl_->trainingOf(m.id);
    return rows;
}

} // namespace accord
