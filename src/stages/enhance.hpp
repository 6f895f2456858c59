// Stage 4, perceptual enhancement: adaptive sharpening with halo suppression, line darkening on
// line-art pixels, an S-curve contrast around mid grey and an OKLab chroma (saturation) scale.
//
// The reference defines the result. Per pixel, in this order (each step skipped at its neutral
// value, so neutral parameters copy the input exactly):
//  1. sharpen > 0, per channel c with 3x3 neighbourhood (edges clamped) mean m, min lo, max hi:
//       a = clamp((hi - lo - 1/255) * 255/4, 0, 1)       (no sharpening of noise-level detail)
//       c = clamp(c + sharpen * a * (c - m), lo, hi)     (never beyond the local range: no halo)
//  2. line_darken > 0 and the pixel's class is line art: c *= 1 - enhance_line_darken_scale *
//     line_darken. The class map may have another size than the frame (stage 2 runs before the
//     upscale): pixel (x, y) reads class (x * fw / w, y * fh / h) (nearest, integer division).
//  3. contrast > 0, per channel, with k = clamp(c, 0, 1):
//       c = c + contrast * (k * k * (3 - 2 * k) - k)     (monotone S-curve, fixed at 0, 1/2, 1)
//  4. saturation != 1: clamp to [0, 1], decode the sRGB transfer (unless linear_input), OKLab,
//     a and b times saturation, back to linear RGB clamped to [0, 1], re-encode. L is kept.
// Alpha is copied unchanged.
#pragma once

#include "kizuna/error.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages {

inline constexpr float enhance_line_darken_scale = 0.5f;

// True when p changes nothing (every step at its neutral value).
bool enhance_is_identity(const EnhanceParams& p) noexcept;

// The reference. in and out must be distinct frames; out is (re)allocated to in's size and
// alpha. features may be null (no pixel is line art). linear_input: in holds linear light, so
// saturation skips the sRGB transfer. Allocates only through out.ensure().
Result<void> enhance_reference(const PlanarFrame& in, const FeatureMap* features,
                               const EnhanceParams& p, bool linear_input, PlanarFrame& out);

// The fast version (SIMD with runtime dispatch, rows spread over pool). Same contract; matches
// the reference within 2e-4 per value (saturation uses polynomial transfer approximations).
// Allocates nothing once out and the internal scratch have the frame's size.
class EnhanceCpu {
public:
    Result<void> run(const PlanarFrame& in, const FeatureMap* features, const EnhanceParams& p,
                     bool linear_input, PlanarFrame& out, ThreadPool& pool);

private:
    std::unique_ptr<float[]> scratch_;
    size_t scratch_floats_ = 0;
    std::unique_ptr<int[]> cls_x_;
    int cls_x_width_ = 0, cls_x_fw_ = 0;
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
