// The exports table: each exported file's manifest and consent decision as written.

#include "registry_impl.h"

#include "accord/core/errors.h"

namespace accord {

ExportRecord Registry::addExport(const NewExport& input) {
    return impl_->writeTransaction([&] {
        if (!render(input.render))
            throw BadInput("unknown render '" + input.render + "'");
        const std::string id = impl_->nextId("exports", "e");
        const std::string now = formatIsoTime(currentTime());
        impl_->insertAndLog("export.add", "exports", id,
                            {{"render", input.render},
                             {"path", input.path},
                             {"manifest", input.manifestJson},
                             {"decision", input.decisionJson},
                             {"created_at", now}});
        return ExportRecord{id, input.render, input.path, input.manifestJson, input.decisionJson,
                            now};
    });
}

std::vector<ExportRecord> Registry::exports() const {
    return impl_->selectAll<ExportRecord>(
        "SELECT id, render, path, manifest, decision, created_at FROM exports ORDER BY rowid",
        [](const sqlite::Statement& s) {
            return ExportRecord{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5)};
        });
}

} // namespace accord
