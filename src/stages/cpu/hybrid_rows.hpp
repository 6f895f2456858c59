// Row kernels of the fast CPU hybrid chain (hybrid.hpp), written with Highway (runtime dispatch
// to the best SIMD target of the machine, under the process-wide cap). The sRGB transfers are
// those of the fast stage 4 and packing (color_math-inl.h: encode within about 2e-7 relative,
// decode within 1.1e-6 absolute of color.hpp); everything else is exact: the blend is computed
// as two products and their sum, as the reference does.
#pragma once

namespace kizuna::stages::hybrid_detail {

// The model's input of one row (hybrid.hpp): dst[x] = sanitize(src[x]), and with encode_srgb
// sanitize(linear_to_srgb(sanitize(src[x]))), for x in [0, width). src: a plane row (read in
// whole vectors up to width rounded up to 16). dst: exactly width floats are written, any
// alignment (a tensor row).
void model_input_row(const float* src, int width, bool encode_srgb, float* dst);

// dst[x] = sanitize(src[x]) for x in [0, width): src has exactly width floats (a tensor row;
// nothing past them is read); dst is a plane row (written in whole vectors up to width rounded
// up to 16).
void sanitize_row(const float* src, int width, float* dst);

// Steps 3-4 of the AI picture for one row: v = sanitize(a[x]); with decode_srgb v =
// srgb_to_linear(v); when shader is not null v = strength * v + (1 - strength) * shader[x];
// dst[x] = v. a: exactly width floats are read (a tensor row or a plane row). shader and dst:
// plane rows (read / written in whole vectors up to width rounded up to 16); dst may be shader,
// or a.
void ai_finish_row(const float* a, const float* shader, float strength, int width, bool decode_srgb,
                   float* dst);

}  // namespace kizuna::stages::hybrid_detail
