// The renders, render_inputs (the lineage graph) and render_watermarks tables.

#include "registry_impl.h"

#include "accord/core/errors.h"

namespace accord {

using sqlite::Statement;

Render Registry::Impl::renderFrom(const Statement& s) {
    Render r;
    r.id = s.text(0);
    r.kind = s.text(1);
    r.path = s.text(2);
    r.pcmSha256 = s.text(3);
    r.createdAt = s.text(4);
    r.watermark = s.text(5);
    return r;
}

std::optional<Render> Registry::Impl::renderWhere(const std::string& condition,
                                                  const std::string& key) const {
    auto rows = selectAll<Render>(std::string(renderSelect) + " WHERE " + condition +
                                      " ORDER BY r.rowid LIMIT 1",
                                  renderFrom, key);
    if (rows.empty())
        return std::nullopt;
    rows.front().inputs = inputsOf(rows.front().id);
    return rows.front();
}

std::vector<RenderInput> Registry::Impl::inputsOf(const std::string& renderId) const {
    return selectAll<RenderInput>(
        "SELECT kind, input FROM render_inputs WHERE render = ? ORDER BY rowid",
        [](const Statement& s) {
            return RenderInput{parseInputKind(s.text(0)), s.text(1)};
        },
        renderId);
}

Render Registry::addRender(const NewRender& input) {
    return impl_->writeTransaction([&] {
        const std::string id = impl_->nextId("renders", "r");
        impl_
            ->prepare("INSERT INTO renders (id, kind, path, pcm_sha256, created_at) "
                      "VALUES (?, ?, ?, ?, ?)")
            ->bind(1, id)
            .bind(2, input.kind)
            .bind(3, input.path)
            .bind(4, input.pcmSha256)
            .bind(5, formatIsoTime(currentTime()))
            .step();
        impl_->logRow("render.add", "renders", id);
        if (!input.watermark.empty()) {
            if (renderByWatermark(input.watermark))
                throw BadInput("watermark payload " + input.watermark +
                               " is already carried by another render");
            impl_->prepare("INSERT INTO render_watermarks (id, payload) VALUES (?, ?)")
                ->bind(1, id)
                .bind(2, input.watermark)
                .step();
            impl_->logRow("render.watermark", "render_watermarks", id);
        }
        auto insert = impl_->prepare(
            "INSERT INTO render_inputs (id, render, kind, input) VALUES (?, ?, ?, ?)");
        for (std::size_t i = 0; i < input.inputs.size(); ++i) {
            const auto& in = input.inputs[i];
            const bool known = (in.kind == InputKind::Asset && asset(in.id)) ||
                               (in.kind == InputKind::Model && model(in.id)) ||
                               (in.kind == InputKind::Render && render(in.id));
            if (!known)
                throw BadInput("unknown " + inputKindName(in.kind) + " '" + in.id +
                               "' given as input of a render");
            const std::string inputId = id + "/" + std::to_string(i + 1);
            insert->reset();
            insert->bind(1, inputId).bind(2, id).bind(3, inputKindName(in.kind)).bind(4, in.id);
            insert->step();
            impl_->logRow("render.input", "render_inputs", inputId);
        }
        return *render(id);
    });
}

std::optional<Render> Registry::render(const std::string& id) const {
    return impl_->renderWhere("r.id = ?", id);
}

std::optional<Render> Registry::renderByContent(const std::string& pcmSha256) const {
    return impl_->renderWhere("r.pcm_sha256 = ?", pcmSha256);
}

std::optional<Render> Registry::renderByWatermark(const std::string& payload) const {
    return impl_->renderWhere("w.payload = ?", payload);
}

} // namespace accord
