// Fast CPU version of stage 1 (normalize.hpp): the same rule, rows split over a ThreadPool and
// vectorised (simd.hpp; RGBA8 decoding with Highway in normalize_row.hpp, in one pass that also
// looks for alpha). Decoding and the colour matrix give the reference's results exactly; the
// bilateral filter and the transfer functions use polynomial exp / log2 instead of libm, so the
// tolerance against the reference is max abs difference 1e-5. Deterministic for any thread count
// and CPU.
#pragma once

#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "kizuna/yuv.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/normalize.hpp"
#include "stages/planar.hpp"
#include "stages/stage_params.hpp"

namespace kizuna::stages {

// Owns the denoise source copy and the chroma tables; allocates only on a size change.
// Not thread safe: one frame at a time per instance.
class NormalizeCpu {
public:
    // Same contract as normalize_ref.
    Result<void> run(ConstImageView in, const NormalizeParams& params, PlanarFrame& out,
                     ThreadPool& pool);
    // Same contract as normalize_yuv_ref.
    Result<void> run_yuv(const YuvView& in, const NormalizeParams& params, PlanarFrame& out,
                         ThreadPool& pool);

private:
    // RGBA8 input: decode and alpha detection in one pass (normalize_row.hpp).
    Result<void> decode_rgba8(ConstImageView in, PlanarFrame& out, ThreadPool& pool);
    Result<void> finish(const NormalizeParams& params, TransferKind transfer, PlanarFrame& out,
                        ThreadPool& pool);

    static constexpr int pad = max_denoise_radius;
    Plane padded_[3];             // denoise input, edges replicated
    std::vector<int> cx0_, cx1_;  // chroma columns per luma column
    std::vector<float> cax_;      // chroma horizontal weight per luma column
};

}  // namespace kizuna::stages
