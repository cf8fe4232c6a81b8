#include "accord/workflows/consent_check.h"

#include "accord/core/time.h"

namespace accord::workflows {

Decision checkConsent(const Registry& registry, const ConsentQuestion& question) {
    PolicyRequest request;
    request.scope = question.scope;
    request.subject = question.subject;
    request.actor = question.actor;
    request.commercial = question.commercial;
    request.at = question.at != 0 ? question.at : currentTime();
    return registry.decide(request);
}

} // namespace accord::workflows
