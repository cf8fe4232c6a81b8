// The renders, render_inputs (the lineage graph) and render_watermarks tables.

#include "registry_impl.h"

#include "accord/core/errors.h"

namespace accord {

using sqlite::Statement;

namespace {

Render renderFrom(const Statement& s) {
    Render r;
    r.id = s.text(0);
    r.kind = s.text(1);
    r.path = s.text(2);
    r.pcmSha256 = s.text(3);
    r.createdAt = s.text(4);
    r.watermark = s.text(5);
    return r;
}

} // namespace

std::vector<Render> Registry::Impl::selectRenders(const std::string& clauses,
                                                  const std::vector<std::string>& keys) const {
    return selectAll<Render>(
        "SELECT r.id, r.kind, r.path, r.pcm_sha256, r.created_at, COALESCE(w.payload, '') "
        "FROM renders r LEFT JOIN render_watermarks w ON w.id = r.id " +
            clauses,
        renderFrom, keys);
}

std::vector<RenderInput> Registry::Impl::inputsOf(const std::string& renderId) const {
    return selectAll<RenderInput>(
        "SELECT kind, input FROM render_inputs WHERE render = ? ORDER BY rowid",
        [](const Statement& s) {
            return RenderInput{parseInputKind(s.text(0)), s.text(1)};
        },
        {renderId});
}

std::optional<Render> Registry::Impl::renderWhere(const std::string& condition,
                                                  const std::string& key) const {
    auto found = firstOf(selectRenders("WHERE " + condition + " ORDER BY r.rowid LIMIT 1", {key}));
    if (found)
        found->inputs = inputsOf(found->id);
    return found;
}

Render Registry::addRender(const NewRender& input) {
    return impl_->writeTransaction([&] {
        const std::string id = impl_->nextId("renders", "r");
        impl_->insertAndLog("render.add", "renders", id,
                            {{"kind", input.kind},
                             {"path", input.path},
                             {"pcm_sha256", input.pcmSha256},
                             {"created_at", formatIsoTime(currentTime())}});
        if (!input.watermark.empty()) {
            if (renderByWatermark(input.watermark))
                throw BadInput("watermark payload " + input.watermark +
                               " is already carried by another render");
            impl_->insertAndLog("render.watermark", "render_watermarks", id,
                                {{"payload", input.watermark}});
        }
        for (std::size_t i = 0; i < input.inputs.size(); ++i) {
            const auto& in = input.inputs[i];
            const bool known = (in.kind == InputKind::Asset && asset(in.id)) ||
                               (in.kind == InputKind::Model && model(in.id)) ||
                               (in.kind == InputKind::Render && render(in.id)) ||
                               (in.kind == InputKind::LiveInput && in.id == kAccordVoiceInput);
            if (!known)
                throw BadInput("unknown " + inputKindName(in.kind) + " '" + in.id +
                               "' given as input of a render");
            impl_->insertAndLog(
                "render.input", "render_inputs", id + "/" + std::to_string(i + 1),
                {{"render", id}, {"kind", inputKindName(in.kind)}, {"input", in.id}});
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

std::vector<Render> Registry::renders() const {
    std::vector<Render> all = impl_->selectRenders("ORDER BY r.rowid", {});
    for (Render& r : all)
        r.inputs = impl_->inputsOf(r.id);
    return all;
}

} // namespace accord
