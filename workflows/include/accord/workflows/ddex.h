#pragma once

// A DDEX ERN 4.3.2 NewReleaseMessage describing an export for distributors (docs/DDEX.md): the
// mix as a SoundRecording with its duration, the AI disclosure per part (ContainsAI,
// AiContribution, GenerativeAI contributors), the ISRCs of the recordings sounding in it, the
// rights holders with their IPIs, and the split sheet as ResourceRightsController shares. Built
// from the mix's signed manifest, so it says nothing the file does not.

#include "accord/core/registry.h"
#include "accord/workflows/export.h"

#include <string>

namespace accord::workflows {

struct DdexOptions {
    std::string senderDpid;    // the sender's DDEX Party Id; empty: one derived from the studio key
    std::string recipientDpid; // the distributor's; empty: the sender's (a message to check)
    std::string genre = "Unspecified";
};

// Throws BadInput for a DPID that is not "PADPIDA" followed by letters and digits.
std::string ernReleaseMessage(const Registry& registry, const ExportResult& exported,
                              const std::string& title, const DdexOptions& options);

} // namespace accord::workflows
