// Stage 1 reference: the rule of normalize.hpp in plain C++, pixel by pixel. Slow on purpose; the
// definition of correct output and the oracle of the other backends' tests.
#pragma once

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "kizuna/yuv.hpp"
#include "stages/planar.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages {

// Stage 1 for RGBA input. Resizes out (out.ensure) to in's size.
Result<void> normalize_ref(ConstImageView in, const NormalizeParams& params, PlanarFrame& out);

// Stage 1 for planar Y'CbCr input. Resizes out to the luma size; no alpha.
Result<void> normalize_yuv_ref(const YuvView& in, const NormalizeParams& params, PlanarFrame& out);

}  // namespace kizuna::stages
