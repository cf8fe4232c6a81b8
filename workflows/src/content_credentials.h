#pragma once

// What an exported file's C2PA manifest says (docs/C2PA.md "What Accord writes"): the actions
// with an IPTC digital source type per part, an ingredient per recording or render that sounds in
// it, Accord's signed manifest (consent record, lineage, split sheet, PCM hash) and the
// watermarks it carries. Shared by export and its tests.

#include "accord/core/c2pa.h"
#include "accord/core/registry.h"
#include "project_plan.h"

#include <string>
#include <vector>

namespace accord::workflows {

// The label of the assertion holding Accord's own signed manifest (canonical JSON).
inline constexpr const char* kAccordManifestAssertion = "io.accord.manifest";
// The label of the assertion naming the watermarks the audio carries (docs/C2PA.md "What Accord
// writes", soft binding).
inline constexpr const char* kAccordWatermarkAssertion = "io.accord.watermark";

// The C2PA manifest of one exported file, signed as `actor` (empty: the studio).
c2pa::ManifestRequest contentCredentialsFor(const Registry& registry, const FilePlan& plan,
                                            const std::string& fileName,
                                            const std::string& manifestText,
                                            const std::vector<std::string>& watermarks,
                                            const std::string& actor);

} // namespace accord::workflows
