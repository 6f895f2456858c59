// The parts of the hybrid chain every backend shares (hybrid.hpp).
#include "stages/hybrid.hpp"

#include <fmt/format.h>

namespace kizuna::stages {

Result<void> check_model_input(TensorView t, int width, int height) {
    if (!t.data || t.channels != 3 || t.width != width || t.height != height ||
        t.plane_stride < static_cast<ptrdiff_t>(width) * height) {
        return make_error(
            Errc::invalid_argument,
            fmt::format("hybrid_begin: model_input must be 3x{}x{} (plane stride >= {}), got "
                        "{}x{}x{} (plane stride {}{})",
                        height, width, static_cast<ptrdiff_t>(width) * height, t.channels, t.height,
                        t.width, t.plane_stride, t.data ? "" : ", no data"));
    }
    return {};
}

Result<void> check_ai_picture(ConstTensorView ai) {
    if (ai.channels != 3 || ai.width <= 0 || ai.height <= 0 ||
        ai.plane_stride < static_cast<ptrdiff_t>(ai.width) * ai.height) {
        return make_error(Errc::invalid_argument,
                          fmt::format("hybrid_finish: the AI picture must be 3 x H x W with plane "
                                      "stride >= H * W, got {}x{}x{} (plane stride {})",
                                      ai.channels, ai.height, ai.width, ai.plane_stride));
    }
    return {};
}

Result<void> check_ai_strength(float strength) {
    if (!(strength >= 0.0f && strength <= 1.0f)) {
        return make_error(Errc::invalid_argument,
                          fmt::format("hybrid_finish: AI strength {} is outside [0, 1]", strength));
    }
    return {};
}

}  // namespace kizuna::stages
