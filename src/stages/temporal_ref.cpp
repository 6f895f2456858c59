// Stage 5 reference: plain C++, exactly as temporal.hpp states it.
#include <cmath>
#include <cstring>
#include <vector>

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

float luma(float r, float g, float b) {
    return 0.2126f * r + 0.7152f * g + 0.0722f * b;
}

}  // namespace

Result<bool> temporal_reference(const PlanarFrame& in, const TemporalParams& p,
                                TemporalHistory& history, PlanarFrame& out) {
    const int w = in.width(), h = in.height();
    KZ_TRY(out.ensure(w, h, in.has_alpha()));
    bool reset = !history.valid || history.frame.width() != w || history.frame.height() != h;
    if (!reset) {
        double sum = 0.0;
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                sum += std::fabs(luma(in.r.row(y)[x], in.g.row(y)[x], in.b.row(y)[x]) -
                                 luma(history.frame.r.row(y)[x], history.frame.g.row(y)[x],
                                      history.frame.b.row(y)[x]));
            }
        }
        reset = sum / (static_cast<double>(w) * h) > p.scene_cut_threshold;
    }
    if (reset) {
        copy_frame(in, out);
    } else {
        const Plane* e[3] = {&in.r, &in.g, &in.b};
        const Plane* hp[3] = {&history.frame.r, &history.frame.g, &history.frame.b};
        std::vector<float> d(static_cast<size_t>(w) * h);
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                float s = 0.0f;
                for (int c = 0; c < 3; ++c) s += std::fabs(e[c]->row(y)[x] - hp[c]->row(y)[x]);
                d[static_cast<size_t>(y) * w + x] = s * (1.0f / 3.0f);
            }
        }
        const float t = p.motion_threshold, inv_ramp = 2.0f / t;
        Plane* o[3] = {&out.r, &out.g, &out.b};
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                float m = 0.0f;
                for (int dy = -1; dy <= 1; ++dy) {
                    const int yy = std::clamp(y + dy, 0, h - 1);
                    for (int dx = -1; dx <= 1; ++dx) {
                        m += d[static_cast<size_t>(yy) * w + std::clamp(x + dx, 0, w - 1)];
                    }
                }
                m *= 1.0f / 9.0f;
                const float wt = p.strength * std::clamp((t - m) * inv_ramp, 0.0f, 1.0f);
                for (int c = 0; c < 3; ++c) {
                    const float ev = e[c]->row(y)[x];
                    o[c]->row(y)[x] = ev + wt * (hp[c]->row(y)[x] - ev);
                }
            }
        }
        if (in.has_alpha()) {
            for (int y = 0; y < h; ++y) {
                std::memcpy(out.a.row(y), in.a.row(y), sizeof(float) * static_cast<size_t>(w));
            }
        }
    }
    KZ_TRY(history.frame.ensure(w, h, in.has_alpha()));
    copy_frame(out, history.frame);
    history.valid = true;
    return reset;
}

}  // namespace kizuna::stages
