// Stage 5 reference: plain C++, exactly as temporal.hpp states it (including its float
// evaluation order and the fp16 rounding of the history).
#include "stages/ref/temporal.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/half.hpp"
#include "stages/color.hpp"
#include "stages/temporal.hpp"

namespace kizuna::stages {

namespace {

void copy_frame(const PlanarFrame& src, PlanarFrame& dst) {
    const Plane* s[4] = {&src.r, &src.g, &src.b, &src.a};
    Plane* d[4] = {&dst.r, &dst.g, &dst.b, &dst.a};
    const int planes = src.has_alpha() ? 4 : 3;
    for (int c = 0; c < planes; ++c) {
        for (int y = 0; y < src.height(); ++y) {
            std::memcpy(d[c]->row(y), s[c]->row(y),
                        sizeof(float) * static_cast<size_t>(src.width()));
        }
    }
}

}  // namespace

Result<bool> temporal_ref(const PlanarFrame& in, const TemporalParams& p, TemporalHistory& history,
                          PlanarFrame& out) {
    const int w = in.width(), h = in.height();
    KZ_TRY(out.ensure(w, h, in.has_alpha()));
    bool reset = !history.valid || history.frame.width() != w || history.frame.height() != h;
    if (!reset) {
        double sum = 0.0;
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                sum +=
                    std::fabs(color::luma_of(in.r.row(y)[x], in.g.row(y)[x], in.b.row(y)[x]) -
                              color::luma_of(history.frame.r.row(y)[x], history.frame.g.row(y)[x],
                                             history.frame.b.row(y)[x]));
            }
        }
        reset = temporal_scene_cut(sum, w, h, p);
    }
    if (reset) {
        copy_frame(in, out);
    } else {
        const Plane* e[3] = {&in.r, &in.g, &in.b};
        const Plane* hp[3] = {&history.frame.r, &history.frame.g, &history.frame.b};
        auto at = [w](std::vector<float>& v, int x, int y) -> float& {
            return v[static_cast<size_t>(y) * w + x];
        };
        std::vector<float> d(static_cast<size_t>(w) * h), r(d.size());
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                float s = 0.0f;
                for (int c = 0; c < 3; ++c) s += std::fabs(e[c]->row(y)[x] - hp[c]->row(y)[x]);
                at(d, x, y) = s * (1.0f / 3.0f);
            }
        }
        // R: the sum of D over three neighbours along the row (edges clamped).
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                at(r, x, y) =
                    (at(d, std::max(x - 1, 0), y) + at(d, x, y)) + at(d, std::min(x + 1, w - 1), y);
            }
        }
        const float k = temporal_slope(p), two_s = 2.0f * p.strength;
        Plane* o[3] = {&out.r, &out.g, &out.b};
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                const float s3 =
                    (at(r, x, std::max(y - 1, 0)) + at(r, x, y)) + at(r, x, std::min(y + 1, h - 1));
                // One rounding per operation (no contraction: the file is built as ISO C++).
                const float sk = s3 * k;
                const float wt = std::clamp(two_s - sk, 0.0f, p.strength);
                for (int c = 0; c < 3; ++c) {
                    const float ev = e[c]->row(y)[x];
                    const float step = wt * (hp[c]->row(y)[x] - ev);
                    o[c]->row(y)[x] = ev + step;
                }
            }
        }
        if (in.has_alpha()) {
            for (int y = 0; y < h; ++y) {
                std::memcpy(out.a.row(y), in.a.row(y), sizeof(float) * static_cast<size_t>(w));
            }
        }
    }
    // The history: out rounded to fp16 (no alpha).
    KZ_TRY(history.frame.ensure(w, h, false));
    const Plane* src[3] = {&out.r, &out.g, &out.b};
    Plane* dst[3] = {&history.frame.r, &history.frame.g, &history.frame.b};
    for (int c = 0; c < 3; ++c) {
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                dst[c]->row(y)[x] = half_to_float(float_to_half(src[c]->row(y)[x]));
            }
        }
    }
    history.valid = true;
    return reset;
}

}  // namespace kizuna::stages
