// Stage 5 reference: the rule of temporal.hpp in plain C++, including its float evaluation order
// and the fp16 rounding of the history; the definition of correct output.
#pragma once

#include "kizuna/error.hpp"
#include "stages/planar.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages {

// The previous output of the reference, rounded to fp16 (every value of frame is exactly an
// fp16 value). reset() forgets it.
struct TemporalHistory {
    PlanarFrame frame;
    bool valid = false;
    void reset() noexcept { valid = false; }
};

// Stage 5. in and out must be distinct. Returns true when this frame was a reset (no
// history, size change or scene cut), i.e. out equals in.
Result<bool> temporal_ref(const PlanarFrame& in, const TemporalParams& p, TemporalHistory& history,
                          PlanarFrame& out);

}  // namespace kizuna::stages
