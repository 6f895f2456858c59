// Planar RGB in IEEE binary16 (fp16 bits as uint16_t): the storage of the stage-5 history in
// the fast CPU chain (half the bytes of a float plane). Rows are 64-byte aligned and padded to a
// multiple of 32 values so SIMD loops can run whole vectors on every row.
#pragma once

#include "kizuna/error.hpp"
#include "stages/planar.hpp"

namespace kizuna::stages {

// Owning fp16 plane (stride: width rounded up to a multiple of 32).
using HalfPlane = BasicPlane<uint16_t>;

// Three fp16 planes (no alpha: the history never holds one).
struct HalfFrame {
    HalfPlane r, g, b;
    int width() const noexcept { return r.width(); }
    int height() const noexcept { return r.height(); }
    Result<void> ensure(int width, int height);
};

}  // namespace kizuna::stages
