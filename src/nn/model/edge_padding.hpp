// Extending a picture past its edges by a model's edge rule (kizuna::EdgePadding).
#pragma once

#include <algorithm>

#include "kizuna/models.hpp"

namespace kizuna::nn {

// The source index of position i (any integer, may lie outside [0, n)) of a line of n pixels
// extended by `mode`: replicate repeats the edge pixel; reflect mirrors without repeating it
// (... 2 1 | 0 1 2 ... n-1 | n-2 ...), periodically for any distance.
inline int edge_index(int i, int n, EdgePadding mode) {
    if (mode == EdgePadding::replicate || n == 1) return std::clamp(i, 0, n - 1);
    const int period = 2 * (n - 1);
    int r = i % period;
    if (r < 0) r += period;
    return r < n ? r : period - r;
}

}  // namespace kizuna::nn
