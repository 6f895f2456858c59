// Stage 5 row kernels used only by the fused preview pass (preview_cpu.cpp), beside the ones
// temporal.hpp declares.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kizuna/image.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages::temporal_detail {

// blend_row (temporal.hpp) followed by pack_row (pack.hpp) of the blended row, in one pass:
// hist_out[c] receives exactly what blend_row writes there (the blended row rounded to fp16)
// and dst exactly what pack_row would write from the float blend and alpha. hist_out rows are
// written with cache-bypassing stores when all three are aligned to a whole vector (plane rows
// are), and so is dst for rgba8 when its start is 64-byte aligned; the stores are complete
// (fenced) when the call returns. Same padding rules as blend_row.
void blend_pack_row(const float* r_up, const float* r_mid, const float* r_down,
                    const float* const e[3], const uint16_t* const h[3], int width,
                    const TemporalParams& p, uint16_t* const hist_out[3], const float* alpha,
                    bool encode_srgb, PixelFormat format, std::byte* dst);

}  // namespace kizuna::stages::temporal_detail
