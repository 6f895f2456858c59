// The AI options of `kizuna upscale` (and `kizuna play`): --model, --tile, --overlap,
// --ai-strength, --precision, --require-ai.
// They are shorthands for the profile's ai.* keys, applied after --set, and each one takes
// effect or is refused: tiling options on a profile without the AI stage are an error.
#pragma once

#include <string>

#include "cli_fwd.hpp"
#include "kizuna/error.hpp"
#include "kizuna/profile.hpp"
#include "options.hpp"

namespace kizuna::cli {

struct AiFlags {
    std::string model;      // --model ID|PATH.param: turns the AI stage on with this model
    std::string tile;       // --tile N|auto
    std::string overlap;    // --overlap N|auto
    std::string precision;  // --precision auto|fp32|fp16
    NumberOption strength;
    bool require_ai = false;
    bool model_given = false, tile_given = false, overlap_given = false, precision_given = false;
};

void add_ai_flags(CLI::App* cmd, AiFlags& flags);

// Applies the flags to `profile` (ai.enabled, ai.model and ai.scale, ai.tile_size,
// ai.tile_overlap, ai.strength, ai.precision). Errors name the flag: a value out of range, a tiling
// option or
// --require-ai on a profile whose AI stage is off.
Result<void> apply_ai_flags(const AiFlags& flags, Profile& profile);

}  // namespace kizuna::cli
