// Output packing, fast CPU version: Highway SIMD rows (runtime dispatch) over the thread pool.
#include <cstring>

#include "stages/cpu/pack.hpp"
#include "stages/pack.hpp"

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "stages/cpu/pack.cpp"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"
#include "stages/cpu/color_math-inl.h"
#include "stages/cpu/hwy_float-inl.h"

HWY_BEFORE_NAMESPACE();
namespace kizuna::stages::HWY_NAMESPACE {

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
            if (encode_srgb) c[ch] = linear_to_srgb(d, pack_sanitize(d, c[ch]), tables);
            c[ch] = pack_sanitize(d, c[ch]);
        }
        const VF a = alpha ? pack_sanitize(d, hn::LoadU(d, alpha + x)) : hn::Set(d, 1.0f);
        if (x + n <= w) {
            pack_store_pixels(d, c[0], c[1], c[2], a, format, out + x * bpp);
        } else {
            pack_store_pixels(d, c[0], c[1], c[2], a, format, tail);
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
    KZ_TRY(check_pack_io(in, out));
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
