// Resampling reference: plain C++, value by value, exactly as resample.hpp states it.
#include "stages/ref/resample.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "stages/resample.hpp"

namespace kizuna::stages {

void resample_plane_ref(const Plane& in, Plane& out, ResampleFilter filter, float anti_ringing) {
    const int iw = in.width(), ih = in.height(), ow = out.width(), oh = out.height();
    ResampleTaps hx, vy;
    hx.build(iw, ow, filter);
    vy.build(ih, oh, filter);
    std::vector<float> mid(static_cast<size_t>(ih) * ow);
    auto anti_ring = [anti_ringing](float v, float a, float b) {
        const float c = std::clamp(v, std::min(a, b), std::max(a, b));
        return v + anti_ringing * (c - v);
    };
    for (int y = 0; y < ih; ++y) {
        const float* src = in.row(y);
        for (int x = 0; x < ow; ++x) {
            float acc = 0.0f;
            for (int t = 0; t < hx.taps; ++t) {
                const size_t i = static_cast<size_t>(x) * hx.taps + t;
                acc += hx.weight[i] * src[hx.index[i]];
            }
            mid[static_cast<size_t>(y) * ow + x] = anti_ring(acc, src[hx.lo[x]], src[hx.hi[x]]);
        }
    }
    for (int y = 0; y < oh; ++y) {
        float* dst = out.row(y);
        for (int x = 0; x < ow; ++x) {
            float acc = 0.0f;
            for (int t = 0; t < vy.taps; ++t) {
                const size_t i = static_cast<size_t>(y) * vy.taps + t;
                acc += vy.weight[i] * mid[static_cast<size_t>(vy.index[i]) * ow + x];
            }
            dst[x] = anti_ring(acc, mid[static_cast<size_t>(vy.lo[y]) * ow + x],
                               mid[static_cast<size_t>(vy.hi[y]) * ow + x]);
        }
    }
}

}  // namespace kizuna::stages
