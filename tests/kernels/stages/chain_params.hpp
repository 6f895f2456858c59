// The preview chain's parameters that the chain tests (preview, Y'CbCr and hybrid; CPU and
// Vulkan) start each of their corners from.
#pragma once

#include "stages/stage_params.hpp"

namespace kizuna::stages {

// A chain test's frame size, w x h, and the output size asked for, ow x oh.
struct SizeCase {
    int w, h, ow, oh;
};

// The "balanced" enhancement: the chain tests' usual corner.
inline constexpr EnhanceParams kBalancedEnhance{0.1f, 0.2f, 1.05f, 0.3f};

// Output ow x oh, temporal stabilization on, enhancement `enhance` (default: neutral); every other
// setting its default.
inline PreviewParams chain_params(int ow, int oh, EnhanceParams enhance = {}) {
    PreviewParams p;
    p.upscale.out_width = ow;
    p.upscale.out_height = oh;
    p.temporal_enabled = true;
    p.enhance = enhance;
    return p;
}

}  // namespace kizuna::stages
