// The parts of stage 2 every backend shares (reconstruct.hpp).
#include "stages/reconstruct.hpp"

#include <algorithm>

namespace kizuna::stages {

Result<void> reconstruct_disabled(int width, int height, FeatureMap& out) {
    KZ_TRY(out.ensure(width, height));
    for (int y = 0; y < height; ++y) {
        std::fill_n(out.gx.row(y), width, 0.0f);
        std::fill_n(out.gy.row(y), width, 0.0f);
        std::fill_n(out.magnitude.row(y), width, 0.0f);
        std::fill_n(out.cls_row(y), width, static_cast<uint8_t>(PixelClass::flat));
    }
    return {};
}

}  // namespace kizuna::stages
