#pragma once

// What a loaded style model holds (shared by style_model.cpp and style_vary.cpp).

#include "style_markov.h"
#include "style_net.h"

#include "accord/models/style_model.h"

#include <memory>
#include <string>
#include <vector>

namespace accord::models {

struct StyleModel::Impl {
    std::string card;
    std::vector<std::string> sources;
    std::unique_ptr<style::StyleNetwork> network;
    OriginalityIndex runs;
    style::MarkovCounts markov; // empty in a format-1 file: the network alone
};

} // namespace accord::models
