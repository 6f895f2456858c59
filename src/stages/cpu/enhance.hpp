// Fast CPU version of stage 4 (enhance.hpp): one row at a time with Highway SIMD (runtime
// dispatch to the best target of the machine), rows spread over the thread pool. The row kernel
// is also run by the fused pass of the CPU preview chain (cpu/preview_pass.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "kizuna/error.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages {

// Stage 4, fast: the contract of enhance_ref (ref/enhance.hpp); matches it within 2e-4 per value
// (saturation uses polynomial transfer approximations). Allocates nothing once out and the internal
// scratch have the frame's size.
// The class map column that frame column x reads in step 2 of enhance.hpp (x * fw / w), for
// every x: kept between frames, rebuilt only when the frame or the map width changes. Not thread
// safe.
class ClassColumns {
public:
    // For a frame `width` wide and a class map `map_width` wide.
    Result<void> ensure(int width, int map_width);
    const int* data() const noexcept { return x_.get(); }

private:
    std::unique_ptr<int[]> x_;
    int width_ = 0, map_width_ = 0;
};

class EnhanceCpu {
public:
    Result<void> run(const PlanarFrame& in, const FeatureMap* features, const EnhanceParams& p,
                     bool linear_input, PlanarFrame& out, ThreadPool& pool);

private:
    std::unique_ptr<float[]> scratch_;
    size_t scratch_floats_ = 0;
    ClassColumns cls_x_;
};

namespace enhance_detail {

// Per-thread scratch of the row kernel, in floats. The kernel works in fixed chunks of the row,
// so this does not depend on the width (today 10 chunks of 288 floats).
size_t row_scratch_floats(int width) noexcept;

// Inputs of one row of the fast kernel.
struct RowArgs {
    const float* up[3];            // row y-1 (clamped) of r, g, b
    const float* mid[3];           // row y
    const float* down[3];          // row y+1 (clamped)
    const uint8_t* cls = nullptr;  // class map row (feature resolution) or null
    const int* cls_x = nullptr;    // frame x -> class map x, width entries (used when cls)
    int width = 0;
};

// Enhances one row into dst[3] (whole vectors up to the padded plane width may be written, so
// dst must be plane rows or buffers of at least round_up(width, 16) floats). scratch: at least
// row_scratch_floats(width) floats. Dispatches to the best SIMD target at run time.
void enhance_row(const RowArgs& args, const EnhanceParams& p, bool linear_input, float* scratch,
                 float* const dst[3]);

}  // namespace enhance_detail

}  // namespace kizuna::stages
