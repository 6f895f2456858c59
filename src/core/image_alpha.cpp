#include <cmath>
#include <cstdint>

#include "core/half.hpp"
#include "kizuna/image.hpp"

namespace kizuna {
namespace {

// a rounded to 16 bits is below 65535 (NaN included).
bool below_opaque(float a) {
    return !(a >= 1.0f - 0.5f / 65535.0f);
}

}  // namespace

bool has_transparency(ConstImageView image) noexcept {
    if (image.empty() || !image.data) return false;
    for (int y = 0; y < image.height; ++y) {
        switch (image.format) {
            case PixelFormat::rgba8: {
                const auto* p = image.row_as<const uint8_t>(y);
                for (int x = 0; x < image.width; ++x) {
                    if (p[4 * x + 3] != 255) return true;
                }
                break;
            }
            case PixelFormat::rgba16f: {
                const auto* p = image.row_as<const uint16_t>(y);
                for (int x = 0; x < image.width; ++x) {
                    if (below_opaque(half_to_float(p[4 * x + 3]))) return true;
                }
                break;
            }
            case PixelFormat::rgba32f: {
                const auto* p = image.row_as<const float>(y);
                for (int x = 0; x < image.width; ++x) {
                    if (below_opaque(p[4 * x + 3])) return true;
                }
                break;
            }
        }
    }
    return false;
}

}  // namespace kizuna
