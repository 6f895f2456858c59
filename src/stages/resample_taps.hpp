// Precomputed taps of one resampling axis (resample.hpp's rule), shared by the reference and the
// fast version.
#pragma once

#include <vector>

#include "stages/resample.hpp"

namespace kizuna::stages {

struct ResampleTaps {
    int taps = 0;               // taps per output position
    int count = 0;              // output positions
    std::vector<int> index;     // [count * taps] input coordinate, clamped
    std::vector<float> weight;  // [count * taps] normalised weights
    std::vector<int> lo, hi;    // [count] the two nearest input samples (anti-ringing)
    // Allocates only when the sizes grow.
    void build(int in_size, int out_size, ResampleFilter filter);
};

}  // namespace kizuna::stages
