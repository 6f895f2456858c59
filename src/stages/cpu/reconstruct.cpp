// Fast stage 2: ONE pass over the rows of each band. Luma rows (5-row ring), gradient rows
// (3-row ring) and classes are made row by row in per-thread scratch, so the frame is read once
// and each output plane written once; no padded whole-frame copies. Highway SIMD with runtime
// dispatch. Same arithmetic in the same order as reconstruct_ref (see cpu/reconstruct.hpp).
//
// Same rounding as the reference: no fused multiply-add contraction in any target.
#pragma GCC optimize("fp-contract=off")

#include <algorithm>
#include <cstdint>

#include "stages/cpu/reconstruct.hpp"
#include "stages/cpu/simd.hpp"

#ifndef KIZUNA_STAGES_RECONSTRUCT_CPU_LAYOUT
#define KIZUNA_STAGES_RECONSTRUCT_CPU_LAYOUT
namespace kizuna::stages::reconstruct_detail {

// Offset of pixel 0 inside a scratch row (room for the replicated pixels left of it, and
// 64-byte alignment of pixel 0).
inline constexpr int kLeft = 16;

// Scratch row pitch in floats for width w: whole 16-float vectors plus replicated edges.
inline size_t row_pitch(int w) {
    return (static_cast<size_t>(w) + 15) / 16 * 16 + 2 * kLeft;
}

// Rows of scratch per thread: 5 luma rows, 3 x (gx, gy, magnitude, weak count) gradient rows.
inline constexpr int kLumaRows = 5;
inline constexpr int kGradRows = 3;
inline constexpr int kGradPlanes = 4;
inline constexpr int kScratchRows = kLumaRows + kGradPlanes * kGradRows;

// One band of output rows [y0, y1) and everything its kernel needs.
struct BandArgs {
    const PlanarFrame* in;
    FeatureMap* out;
    int y0, y1;
    float line_threshold, edge_threshold;
    bool store_magnitude;
    float* scratch;  // kScratchRows * row_pitch(w) floats, 64-byte aligned
};

}  // namespace kizuna::stages::reconstruct_detail
#endif

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "stages/cpu/reconstruct.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "stages/cpu/hwy_float-inl.h"

HWY_BEFORE_NAMESPACE();
namespace kizuna::stages::HWY_NAMESPACE {

namespace {

using reconstruct_detail::BandArgs;
using reconstruct_detail::kGradPlanes;
using reconstruct_detail::kGradRows;
using reconstruct_detail::kLeft;
using reconstruct_detail::kLumaRows;

// Luma of pixels [0, wv) of one row; then pixels -2, -1 and [w, w16 + 2) replicate the edges
// (so every value the kernels read is defined, and deterministic past the frame's width).
HWY_INLINE void luma_row(const float* HWY_RESTRICT r, const float* HWY_RESTRICT g,
                         const float* HWY_RESTRICT b, int w, int w16, float* HWY_RESTRICT dst) {
    const DF d;
    const int n = static_cast<int>(hn::Lanes(d));
    const VF kr = hn::Set(d, 0.2126f), kg = hn::Set(d, 0.7152f), kb = hn::Set(d, 0.0722f);
    for (int x = 0; x < w; x += n) {
        // 0.2126 r + 0.7152 g + 0.0722 b, left to right, no contraction (luma_of).
        const VF v =
            hn::Add(hn::Add(hn::Mul(kr, hn::Load(d, r + x)), hn::Mul(kg, hn::Load(d, g + x))),
                    hn::Mul(kb, hn::Load(d, b + x)));
        hn::Store(v, d, dst + x);
    }
    dst[-2] = dst[-1] = dst[0];
    const float last = dst[w - 1];
    for (int x = w; x < w16 + 2; ++x) dst[x] = last;
}

// Sobel / 8 of row y from luma rows um, u0, up (y-1, y, y+1 clamped). Writes the scratch rows
// gx, gy, mag (then their edges: pixel -1 and [w, w16 + 1) replicated) and, when o_gx is not
// null, the same values to the output rows (magnitude only when o_mag is not null either).
// Then weak3[x] = how many of mag[x-1..x+1] exceed
// weak (the texture rule's count, one row of its 3x3 window).
HWY_INLINE void sobel_row(const float* HWY_RESTRICT um, const float* HWY_RESTRICT u0,
                          const float* HWY_RESTRICT up, int w, int w16, float* HWY_RESTRICT gx,
                          float* HWY_RESTRICT gy, float* HWY_RESTRICT mag,
                          float* HWY_RESTRICT weak3, float weak_t, float* HWY_RESTRICT o_gx,
                          float* HWY_RESTRICT o_gy, float* HWY_RESTRICT o_mag) {
    const DF d;
    const int n = static_cast<int>(hn::Lanes(d));
    const VF eighth = hn::Set(d, 0.125f);
    for (int x = 0; x < w; x += n) {
        const VF m_l = hn::LoadU(d, um + x - 1), m_c = hn::Load(d, um + x),
                 m_r = hn::LoadU(d, um + x + 1);
        const VF c_l = hn::LoadU(d, u0 + x - 1), c_r = hn::LoadU(d, u0 + x + 1);
        const VF p_l = hn::LoadU(d, up + x - 1), p_c = hn::Load(d, up + x),
                 p_r = hn::LoadU(d, up + x + 1);
        // The reference's order: ((((a + 2b) + c) - d) - 2e) - f, then * 0.125 (2b == b + b).
        const VF a =
            hn::Mul(hn::Sub(hn::Sub(hn::Sub(hn::Add(hn::Add(m_r, hn::Add(c_r, c_r)), p_r), m_l),
                                    hn::Add(c_l, c_l)),
                            p_l),
                    eighth);
        const VF b =
            hn::Mul(hn::Sub(hn::Sub(hn::Sub(hn::Add(hn::Add(p_l, hn::Add(p_c, p_c)), p_r), m_l),
                                    hn::Add(m_c, m_c)),
                            m_r),
                    eighth);
        const VF m = hn::Sqrt(hn::Add(hn::Mul(a, a), hn::Mul(b, b)));
        hn::Store(a, d, gx + x);
        hn::Store(b, d, gy + x);
        hn::Store(m, d, mag + x);
        if (o_gx) {
            hn::Store(a, d, o_gx + x);
            hn::Store(b, d, o_gy + x);
            if (o_mag) hn::Store(m, d, o_mag + x);
        }
    }
    for (float* p : {gx, gy, mag}) {
        p[-1] = p[0];
        const float last = p[w - 1];
        for (int x = w; x < w16 + 1; ++x) p[x] = last;
    }
    const VF weak = hn::Set(d, weak_t), one = hn::Set(d, 1.0f);
    for (int x = 0; x < w; x += n) {
        const VF l = hn::IfThenElseZero(hn::Gt(hn::LoadU(d, mag + x - 1), weak), one);
        const VF c = hn::IfThenElseZero(hn::Gt(hn::Load(d, mag + x), weak), one);
        const VF r = hn::IfThenElseZero(hn::Gt(hn::LoadU(d, mag + x + 1), weak), one);
        hn::Store(hn::Add(hn::Add(l, c), r), d, weak3 + x);
    }
}

struct ClassRows {
    const float* L[5];   // luma rows y-2 .. y+2 (clamped)
    const float* gx[3];  // gradient rows y-1 .. y+1 (clamped)
    const float* gy[3];
    const float* m[3];
    const float* weak3[3];
};

// Classes of row y (reconstruct.hpp's rule, the reference's arithmetic and order). hn::Max /
// hn::Min may return the other operand than std::max / std::min when both are zeros of
// opposite sign; such values are only compared or subtracted before a comparison, so the
// classes cannot differ.
HWY_INLINE void class_row(const ClassRows& a, int w, float lt, float et,
                          uint8_t* HWY_RESTRICT cls) {
    const DF d;
    const hn::RebindToSigned<DF> di;
    const hn::Rebind<uint8_t, DF> d8;
    const int n = static_cast<int>(hn::Lanes(d));
    const float *l0 = a.L[0], *l1 = a.L[1], *l2 = a.L[2], *l3 = a.L[3], *l4 = a.L[4];
    const VF line_t = hn::Set(d, lt), edge_t = hn::Set(d, et);
    const VF five = hn::Set(d, 5.0f), half = hn::Set(d, 0.5f);
    const VF lo = hn::Set(d, 1.0f - 1.0f / 65536.0f), hi = hn::Set(d, 1.0f + 1.0f / 65536.0f);
    const VF tiny = hn::Set(d, 1e-30f), huge = hn::Set(d, 1e30f);
    const VF k_line = hn::Set(d, static_cast<float>(PixelClass::line_art));
    const VF k_edge = hn::Set(d, static_cast<float>(PixelClass::edge));
    const VF k_tex = hn::Set(d, static_cast<float>(PixelClass::texture));
    for (int x = 0; x < w; x += n) {
        const VF v = hn::Load(d, l2 + x);
        // Darkness over d = (1, 0), (0, 1), (1, 1), (1, -1) in this order.
        VF dark = hn::Set(d, -1.0f);
        VF sp = hn::Max(hn::LoadU(d, l2 + x + 1), hn::LoadU(d, l2 + x + 2));
        VF sm = hn::Max(hn::LoadU(d, l2 + x - 1), hn::LoadU(d, l2 + x - 2));
        dark = hn::Max(dark, hn::Sub(hn::Min(sp, sm), v));
        sp = hn::Max(hn::Load(d, l3 + x), hn::Load(d, l4 + x));
        sm = hn::Max(hn::Load(d, l1 + x), hn::Load(d, l0 + x));
        dark = hn::Max(dark, hn::Sub(hn::Min(sp, sm), v));
        sp = hn::Max(hn::LoadU(d, l3 + x + 1), hn::LoadU(d, l4 + x + 2));
        sm = hn::Max(hn::LoadU(d, l1 + x - 1), hn::LoadU(d, l0 + x - 2));
        dark = hn::Max(dark, hn::Sub(hn::Min(sp, sm), v));
        sp = hn::Max(hn::LoadU(d, l1 + x + 1), hn::LoadU(d, l0 + x + 2));
        sm = hn::Max(hn::LoadU(d, l3 + x - 1), hn::LoadU(d, l4 + x - 2));
        dark = hn::Max(dark, hn::Sub(hn::Min(sp, sm), v));
        const auto line = hn::Gt(dark, line_t);
        const auto edge = hn::Gt(hn::Load(d, a.m[1] + x), edge_t);
        // Texture: count of weak-or-stronger gradients in the 3x3 window (exact small
        // integers, any order), then, only where it can decide the class, the sums in the
        // reference's order (row by row, left to right).
        const VF active = hn::Add(hn::Add(hn::Load(d, a.weak3[0] + x), hn::Load(d, a.weak3[1] + x)),
                                  hn::Load(d, a.weak3[2] + x));
        const auto undecided = hn::AndNot(hn::Or(line, edge), hn::Ge(active, five));
        VF k = hn::IfThenElse(line, k_line, hn::IfThenElseZero(edge, k_edge));
        if (!hn::AllFalse(d, undecided)) {
            VF sx = hn::Zero(d), sy = hn::Zero(d), ss = hn::Zero(d);
            for (int r = 0; r < 3; ++r) {
                for (int dx = -1; dx <= 1; ++dx) {
                    sx = hn::Add(sx, hn::LoadU(d, a.gx[r] + x + dx));
                    sy = hn::Add(sy, hn::LoadU(d, a.gy[r] + x + dx));
                    ss = hn::Add(ss, hn::LoadU(d, a.m[r] + x + dx));
                }
            }
            // sqrt(len2) < t as the reference computes it, without the root where len2 is
            // clearly below or above t^2: t^2 * (1 -+ 2^-16) bracket t^2 far beyond the few
            // ulps of rounding in t * t and in the correctly rounded root. Only lanes between
            // the brackets (or with t^2 tiny or not finite) take the root.
            const VF len2 = hn::Add(hn::Mul(sx, sx), hn::Mul(sy, sy));
            const VF t = hn::Mul(half, ss);
            const VF t2 = hn::Mul(t, t);
            const auto below = hn::Lt(len2, hn::Mul(t2, lo));
            const auto above = hn::Gt(len2, hn::Mul(t2, hi));
            const auto sane = hn::And(hn::Gt(t2, tiny), hn::Lt(t2, huge));
            auto tex = hn::And(undecided, hn::And(sane, below));
            const auto unsure = hn::AndNot(hn::And(sane, hn::Or(below, above)), undecided);
            if (!hn::AllFalse(d, unsure)) {
                tex = hn::Or(tex, hn::And(unsure, hn::Lt(hn::Sqrt(len2), t)));
            }
            k = hn::IfThenElse(tex, k_tex, k);
        }
        hn::StoreU(hn::DemoteTo(d8, hn::ConvertTo(di, k)), d8, cls + x);
    }
}

void ReconstructBand(const BandArgs& a) {
    const PlanarFrame& in = *a.in;
    FeatureMap& out = *a.out;
    const int w = in.width(), h = in.height();
    const int w16 = (w + 15) / 16 * 16;
    const size_t pitch = reconstruct_detail::row_pitch(w);
    float* luma[kLumaRows];
    for (int k = 0; k < kLumaRows; ++k) luma[k] = a.scratch + pitch * k + kLeft;
    float* grad[kGradRows][kGradPlanes];
    for (int k = 0; k < kGradRows; ++k) {
        for (int c = 0; c < kGradPlanes; ++c) {
            grad[k][c] = a.scratch + pitch * (kLumaRows + kGradPlanes * k + c) + kLeft;
        }
    }
    // Luma of logical row yl (clamped to the frame) lives in slot (yl + 10) % 5; gradient row
    // gy (always inside the frame) in slot gy % 3.
    auto luma_slot = [&](int yl) { return luma[(yl + 10) % kLumaRows]; };
    int next_luma = a.y0 - 2;
    int next_grad = std::max(a.y0 - 1, 0);
    auto make_luma = [&](int upto) {
        for (; next_luma <= upto; ++next_luma) {
            const int sy = std::clamp(next_luma, 0, h - 1);
            luma_row(in.r.row(sy), in.g.row(sy), in.b.row(sy), w, w16, luma_slot(next_luma));
        }
    };
    ClassRows rows{};
    for (int y = a.y0; y < a.y1; ++y) {
        for (; next_grad <= std::min(y + 1, h - 1); ++next_grad) {
            const int g = next_grad;
            make_luma(g + 1);
            float* const* dst = grad[g % kGradRows];
            const bool mine = g >= a.y0 && g < a.y1;
            sobel_row(luma_slot(g - 1), luma_slot(g), luma_slot(g + 1), w, w16, dst[0], dst[1],
                      dst[2], dst[3], a.edge_threshold * 0.25f, mine ? out.gx.row(g) : nullptr,
                      mine ? out.gy.row(g) : nullptr,
                      mine && a.store_magnitude ? out.magnitude.row(g) : nullptr);
        }
        make_luma(y + 2);
        for (int k = 0; k < 5; ++k) rows.L[k] = luma_slot(y - 2 + k);
        for (int k = 0; k < 3; ++k) {
            const int g = std::clamp(y - 1 + k, 0, h - 1);
            rows.gx[k] = grad[g % kGradRows][0];
            rows.gy[k] = grad[g % kGradRows][1];
            rows.m[k] = grad[g % kGradRows][2];
            rows.weak3[k] = grad[g % kGradRows][3];
        }
        class_row(rows, w, a.line_threshold, a.edge_threshold, out.cls_row(y));
    }
}

}  // namespace

// Exported wrapper (HWY_EXPORT needs a name outside the anonymous namespace).
void ReconstructBandKernel(const BandArgs& a) {
    ReconstructBand(a);
}

}  // namespace kizuna::stages::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace kizuna::stages {

HWY_EXPORT(ReconstructBandKernel);

Result<void> ReconstructCpu::run(const PlanarFrame& in, const ReconstructParams& params,
                                 FeatureMap& out, ThreadPool& pool) {
    const int w = in.width(), h = in.height();
    KZ_TRY(out.ensure(w, h));
    const size_t floats = reconstruct_detail::kScratchRows * reconstruct_detail::row_pitch(w);
    // Bands of at least 32 rows: each band recomputes 2 luma rows and 1 gradient row on each
    // side, so small bands would waste work. Any split gives the same bits.
    pool.parallel_for(
        h,
        [&](int y0, int y1) {
            reconstruct_detail::BandArgs a{};
            a.in = &in;
            a.out = &out;
            a.y0 = y0;
            a.y1 = y1;
            a.line_threshold = params.line_threshold;
            a.edge_threshold = params.edge_threshold;
            a.store_magnitude = store_magnitude_;
            a.scratch = thread_scratch(1, floats);
            HWY_DYNAMIC_DISPATCH(ReconstructBandKernel)(a);
        },
        32);
    return {};
}

}  // namespace kizuna::stages
#endif  // HWY_ONCE
