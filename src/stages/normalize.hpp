// Stage 1, normalize: decoded picture (RGBA or planar Y'CbCr) -> PlanarFrame, float [0, 1],
// gamma-encoded unless NormalizeParams::linear_light. This header states the rule and holds what
// every backend shares (input checks, the Y'CbCr decode parameters, the denoise weights); the
// implementations are ref/normalize.hpp (the definition of correct output), cpu/normalize.hpp and
// vk/normalize.hpp.
//
// The rule, step by step (every backend follows it):
//  1. Decode. RGBA: rgba8 v / 255, rgba16f / rgba32f as stored; every value clamped to [0, 1]
//     (NaN -> 0). Y'CbCr: see YuvDecode below; results clamped to [0, 1].
//  2. Alpha. RGBA input gets an alpha plane iff some decoded alpha is below 1; otherwise
//     out.a is left empty (alpha = 1). Y'CbCr input never has alpha.
//  3. Denoise (only when denoise_strength > 0; 0 is exactly the identity): a joint bilateral
//     filter on R, G, B over the (2r+1)^2 square, r = denoise_radius, borders clamped:
//        w(q) = exp(-|q-p|^2 / (2 ss^2)) * exp(-|c(q)-c(p)|^2 / (2 sr^2))
//        ss = r / 2, sr = 0.1 * denoise_strength, |c| = Euclidean distance over R, G, B,
//        out = sum w(q) c(q) / sum w(q). Alpha is not filtered.
//  4. Linear light (only when linear_light): each of R, G, B goes through the inverse transfer
//     (color.hpp): sRGB for RGBA input; for Y'CbCr the BT.709 inverse OETF when color.transfer
//     is bt709 (also for unspecified), else sRGB.
#pragma once

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "kizuna/yuv.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages {

// The inverse transfer of step 4.
enum class TransferKind { srgb, bt709 };

// Everything needed to turn one Y'CbCr sample triple into R'G'B', resolved from a YuvView's
// metadata (defaults applied). With code values Y, Cb, Cr (integers of bit_depth bits):
//   y = (Y - y_offset) * y_scale,  cb = (Cb - c_offset) * c_scale,  cr = (Cr - c_offset) * c_scale
//   R = y + cr_r * cr,  G = y + cb_g * cb + cr_g * cr,  B = y + cb_b * cb
// limited range: y_offset = 16 << (n-8), y_scale = 1 / (219 << (n-8)),
//                c_offset = 128 << (n-8), c_scale = 1 / (224 << (n-8));
// full range:    y_offset = 0, y_scale = c_scale = 1 / (2^n - 1), c_offset = 2^(n-1).
// Matrix from (Kr, Kb): BT.601 (0.299, 0.114), BT.709 (0.2126, 0.0722), BT.2020 (0.2627, 0.0593):
//   cr_r = 2 (1 - Kr), cb_b = 2 (1 - Kb), cb_g = -cb_b Kb / Kg, cr_g = -cr_r Kr / Kg, Kg = 1-Kr-Kb.
// ColorMatrix::rgb (planes are G, B, R): R = Cr * y_scale', G = Y * y_scale', B = Cb * y_scale'
// with gbr true (offsets/scales of the luma for all three).
//
// Chroma siting: chroma sample (i, j) sits at luma position (sub_x * i + chroma_x,
// sub_y * j + chroma_y); chroma_x = 0 for left / top_left / unspecified, 0.5 for center
// (only when sub_x = 2); chroma_y = 0 for top_left, 0.5 otherwise (only when sub_y = 2).
// Luma pixel (x, y) takes the chroma bilinearly interpolated at chroma coordinates
// ((x - chroma_x) / sub_x, (y - chroma_y) / sub_y), clamped to the chroma plane's edges.
struct YuvDecode {
    float y_offset = 0, y_scale = 1, c_offset = 0, c_scale = 1;
    float cr_r = 0, cb_g = 0, cr_g = 0, cb_b = 0;
    bool gbr = false;
    int sub_x = 1, sub_y = 1;
    float chroma_x = 0, chroma_y = 0;
    TransferKind transfer = TransferKind::bt709;
};
YuvDecode resolve_yuv_decode(const YuvView& in) noexcept;

// R'G'B' of one sample triple per the formulas above (y, u = Cb, v = Cr: code values, chroma
// already interpolated), before the clamp to [0, 1].
inline void yuv_to_rgb(const YuvDecode& d, float y, float u, float v, float& r, float& g,
                       float& b) noexcept {
    if (d.gbr) {
        g = (y - d.y_offset) * d.y_scale;
        b = (u - d.y_offset) * d.y_scale;
        r = (v - d.y_offset) * d.y_scale;
    } else {
        const float luma = (y - d.y_offset) * d.y_scale;
        const float cb = (u - d.c_offset) * d.c_scale;
        const float cr = (v - d.c_offset) * d.c_scale;
        r = luma + d.cr_r * cr;
        g = luma + d.cb_g * cb + d.cr_g * cr;
        b = luma + d.cb_b * cb;
    }
}

// Checks a YuvView (non-null planes, bit depth 8 or 10, strides large enough). The message
// names the field at fault.
Result<void> validate_yuv(const YuvView& in);

// Checks an RGBA input of stage 1 (non-empty, stride large enough).
Result<void> validate_rgba(ConstImageView in);

// Largest denoise radius (stage_params.hpp range [1, 4]).
inline constexpr int max_denoise_radius = 4;

// The bilateral filter of step 3 for given parameters (only for denoise_strength > 0).
struct DenoiseWeights {
    int radius = 1;            // r: denoise_radius clamped to [1, max_denoise_radius]
    float spatial_den = 0.0f;  // 2 ss^2, the divisor of the squared distance in the spatial term
    float range_scale = 0.0f;  // -1 / (2 sr^2), the factor of the squared colour distance
    // exp(-(dx^2 + dy^2) / spatial_den) at [(dy + r) * (2r + 1) + (dx + r)].
    float spatial[(2 * max_denoise_radius + 1) * (2 * max_denoise_radius + 1)] = {};
};
DenoiseWeights denoise_weights(const NormalizeParams& params) noexcept;

}  // namespace kizuna::stages
