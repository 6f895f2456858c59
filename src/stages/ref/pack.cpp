// Output packing reference: plain C++, value by value, as pack.hpp states it.
#include "stages/ref/pack.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/half.hpp"
#include "stages/color.hpp"
#include "stages/pack.hpp"

namespace kizuna::stages {

Result<void> pack_ref(const PlanarFrame& in, bool encode_srgb, ImageView out) {
    KZ_TRY(check_pack_io(in, out));
    for (int y = 0; y < in.height(); ++y) {
        const float* src[4] = {in.r.row(y), in.g.row(y), in.b.row(y),
                               in.has_alpha() ? in.a.row(y) : nullptr};
        for (int x = 0; x < in.width(); ++x) {
            float v[4];
            for (int c = 0; c < 4; ++c) {
                float s = src[c] ? src[c][x] : 1.0f;
                if (encode_srgb && c < 3) {
                    s = color::linear_to_srgb(s == s ? std::clamp(s, 0.0f, 1.0f) : 0.0f);
                }
                v[c] = color::sanitize(s);
            }
            switch (out.format) {
                case PixelFormat::rgba8: {
                    auto* p = out.row_as<uint8_t>(y) + 4 * x;
                    for (int c = 0; c < 4; ++c)
                        p[c] = static_cast<uint8_t>(std::nearbyint(v[c] * 255.0f));
                    break;
                }
                case PixelFormat::rgba16f: {
                    auto* p = out.row_as<uint16_t>(y) + 4 * x;
                    for (int c = 0; c < 4; ++c) p[c] = float_to_half(v[c]);
                    break;
                }
                case PixelFormat::rgba32f: {
                    std::memcpy(out.row_as<float>(y) + 4 * x, v, sizeof(v));
                    break;
                }
            }
        }
    }
    return {};
}

}  // namespace kizuna::stages
