// Resampling reference: the rule of resample.hpp in plain C++; the definition of correct output.
#pragma once

#include "stages/planar.hpp"
#include "stages/resample.hpp"

namespace kizuna::stages {

// Resamples in to out's current size (out must be allocated; its size is the target).
// anti_ringing in [0, 1].
void resample_plane_ref(const Plane& in, Plane& out, ResampleFilter filter, float anti_ringing);

}  // namespace kizuna::stages
