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
        impl_
            ->prepare("INSERT INTO exports (id, render, path, manifest, decision, created_at) "
                      "VALUES (?, ?, ?, ?, ?, ?)")
            ->bind(1, id)
            .bind(2, input.render)
            .bind(3, input.path)
            .bind(4, input.manifestJson)
            .bind(5, input.decisionJson)
            .bind(6, now)
            .step();
        impl_->logRow("export.add", "exports", id);
        return ExportRecord{id, input.render, input.path, input.manifestJson, input.decisionJson,
                            now};
    });
}

} // namespace accord
