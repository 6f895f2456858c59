// Shared pieces of the tests of the hybrid chain through the public API (kizuna::Upscaler): the
// profile that leaves stage 3 and the AI alone, stages on the CPU, and byte equality of pictures.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kizuna/image.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/upscaler.hpp"

namespace kizuna::test {

// "balanced" with stages 1, 2, 4 and 5 off, so that the output is stage 3 and the AI alone; the
// AI at `strength` on 2 threads.
inline Profile stage3_and_ai_profile(float strength) {
    Profile p = builtin_profile("balanced").value();
    p.normalize.enabled = false;
    p.reconstruct.enabled = false;
    p.enhance.enabled = false;
    p.temporal.enabled = false;
    p.ai.strength = strength;
    p.ai.threads = 2;
    return p;
}

// The shader stages on the CPU backend, 2 threads.
inline UpscalerOptions cpu_stage_options() {
    UpscalerOptions o;
    o.stages.backend = PreviewBackendKind::cpu;
    o.stages.threads = 2;
    return o;
}

// True when two RGBA8 pictures have the same size and bytes.
inline bool same_bytes(const Image& a, const Image& b) {
    if (a.width() != b.width() || a.height() != b.height()) return false;
    for (int y = 0; y < a.height(); ++y)
        if (!std::equal(a.view().row_as<const uint8_t>(y),
                        a.view().row_as<const uint8_t>(y) + 4 * a.width(),
                        b.view().row_as<const uint8_t>(y)))
            return false;
    return true;
}

}  // namespace kizuna::test
