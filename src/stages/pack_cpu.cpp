// Output packing, fast CPU version: Highway SIMD rows (runtime dispatch) over the thread pool.
#include <cstring>

#include <fmt/format.h>

#include "stages/pack.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "stages/pack_cpu.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "stages/enhance_math-inl.h"

HWY_BEFORE_NAMESPACE();
namespace kizuna::stages::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

namespace {

using DF = hn::ScalableTag<float>;
using VF = hn::Vec<DF>;

// NaN -> 0, then clamp to [0, 1].
HWY_INLINE VF sanitize(DF d, VF v) {
    return clamp01(d, hn::IfThenElseZero(hn::Eq(v, v), v));
}

// Stores n pixels (n = Lanes) of format at dst.
HWY_INLINE void store_pixels(DF d, VF r, VF g, VF b, VF a, PixelFormat format, uint8_t* dst) {
    switch (format) {
        case PixelFormat::rgba8: {
            const hn::RebindToSigned<DF> di;
            const hn::RebindToUnsigned<DF> du;
            const VF k = hn::Set(d, 255.0f);
            const auto ri = hn::NearestInt(hn::Mul(r, k));
            const auto gi = hn::ShiftLeft<8>(hn::NearestInt(hn::Mul(g, k)));
            const auto bi = hn::ShiftLeft<16>(hn::NearestInt(hn::Mul(b, k)));
            const auto ai = hn::ShiftLeft<24>(hn::NearestInt(hn::Mul(a, k)));
            const auto px = hn::Or(hn::Or(ri, gi), hn::Or(bi, ai));
            (void)di;
            hn::StoreU(hn::BitCast(du, px), du, reinterpret_cast<uint32_t*>(dst));
            break;
        }
        case PixelFormat::rgba16f: {
            const hn::Rebind<hwy::float16_t, DF> dh;
            const hn::Rebind<uint16_t, DF> du16;
            hn::StoreInterleaved4(
                hn::BitCast(du16, hn::DemoteTo(dh, r)), hn::BitCast(du16, hn::DemoteTo(dh, g)),
                hn::BitCast(du16, hn::DemoteTo(dh, b)), hn::BitCast(du16, hn::DemoteTo(dh, a)),
                du16, reinterpret_cast<uint16_t*>(dst));
            break;
        }
        case PixelFormat::rgba32f:
            hn::StoreInterleaved4(r, g, b, a, d, reinterpret_cast<float*>(dst));
            break;
    }
}

}  // namespace

void PackRow(const float* const rgb[3], const float* alpha, int width, bool encode_srgb,
             PixelFormat format, std::byte* dst) {
    const DF d;
    const size_t n = hn::Lanes(d);
    const size_t w = static_cast<size_t>(width);
    const size_t bpp = bytes_per_pixel(format);
    auto* out = reinterpret_cast<uint8_t*>(dst);
    HWY_ALIGN uint8_t tail[16 * hn::MaxLanes(DF())];
    const ColorTables tables;
    for (size_t x = 0; x < w; x += n) {
        VF c[3];
        for (int ch = 0; ch < 3; ++ch) {
            c[ch] = hn::LoadU(d, rgb[ch] + x);
            if (encode_srgb) c[ch] = linear_to_srgb(d, sanitize(d, c[ch]), tables);
            c[ch] = sanitize(d, c[ch]);
        }
        const VF a = alpha ? sanitize(d, hn::LoadU(d, alpha + x)) : hn::Set(d, 1.0f);
        if (x + n <= w) {
            store_pixels(d, c[0], c[1], c[2], a, format, out + x * bpp);
        } else {
            store_pixels(d, c[0], c[1], c[2], a, format, tail);
            std::memcpy(out + x * bpp, tail, (w - x) * bpp);
        }
    }
}

}  // namespace kizuna::stages::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace kizuna::stages {

HWY_EXPORT(PackRow);

namespace pack_detail {

void pack_row(const float* const rgb[3], const float* alpha, int width, bool encode_srgb,
              PixelFormat format, std::byte* dst) {
    HWY_DYNAMIC_DISPATCH(PackRow)(rgb, alpha, width, encode_srgb, format, dst);
}

}  // namespace pack_detail

Result<void> pack_cpu(const PlanarFrame& in, bool encode_srgb, ImageView out, ThreadPool& pool) {
    if (out.width != in.width() || out.height != in.height()) {
        return make_error(Errc::invalid_argument,
                          fmt::format("pack: output is {}x{} but the frame is {}x{}", out.width,
                                      out.height, in.width(), in.height()));
    }
    pool.parallel_for(
        in.height(),
        [&](int y0, int y1) {
            for (int y = y0; y < y1; ++y) {
                const float* rgb[3] = {in.r.row(y), in.g.row(y), in.b.row(y)};
                pack_detail::pack_row(rgb, in.has_alpha() ? in.a.row(y) : nullptr, in.width(),
                                      encode_srgb, out.format, out.row(y));
            }
        },
        8);
    return {};
}

}  // namespace kizuna::stages
#endif  // HWY_ONCE
