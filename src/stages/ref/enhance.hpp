// Stage 4 reference: the rule of enhance.hpp in plain C++, pixel by pixel; the definition of
// correct output.
#pragma once

#include "kizuna/error.hpp"
#include "stages/planar.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages {

// Stage 4. in and out must be distinct frames; out is (re)allocated to in's size and
// alpha. features may be null (no pixel is line art). linear_input: in holds linear light, so
// saturation skips the sRGB transfer. Allocates only through out.ensure().
Result<void> enhance_ref(const PlanarFrame& in, const FeatureMap* features, const EnhanceParams& p,
                         bool linear_input, PlanarFrame& out);

}  // namespace kizuna::stages
