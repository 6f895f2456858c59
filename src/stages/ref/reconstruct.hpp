// Stage 2 reference: the rule of reconstruct.hpp in plain C++, pixel by pixel; the definition of
// correct output.
#pragma once

#include "kizuna/error.hpp"
#include "stages/planar.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages {

// Stage 2. Resizes out to in's size.
Result<void> reconstruct_ref(const PlanarFrame& in, const ReconstructParams& params,
                             FeatureMap& out);

}  // namespace kizuna::stages
