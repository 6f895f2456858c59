#include "stages/upscale.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "stages/reconstruct.hpp"
#include "stages/resample.hpp"
#include "stages/upscale_kernel.hpp"

namespace kizuna::stages {

int upscale_steps(int in_width, int in_height, int out_width, int out_height) noexcept {
    int steps = 0;
    int w = in_width, h = in_height;
    while (w * 2 <= out_width && h * 2 <= out_height && steps < 8) {
        w *= 2;
        h *= 2;
        ++steps;
    }
    return steps;
}

namespace {

float at(const Plane& p, int x, int y) {
    x = std::clamp(x, 0, p.width() - 1);
    y = std::clamp(y, 0, p.height() - 1);
    return p.row(y)[x];
}

}  // namespace

Result<void> upscale2x_ref(const PlanarFrame& in, const FeatureMap& features,
                           const UpscaleParams& params, PlanarFrame& out) {
    const int w = in.width(), h = in.height();
    if (features.width() != w || features.height() != h) {
        return make_error(Errc::invalid_argument,
                          fmt::format("upscale: feature map {}x{} does not match the frame {}x{}",
                                      features.width(), features.height(), w, h));
    }
    KZ_TRY(out.ensure(2 * w, 2 * h, false));
    const Plane* src[3] = {&in.r, &in.g, &in.b};
    Plane* dst[3] = {&out.r, &out.g, &out.b};
    for (int oy = 0; oy < 2 * h; ++oy) {
        // Source position oy / 2 - 0.25: row j0 = floor, phase fy in {0.25, 0.75}.
        const int j0 = (oy - 1) >> 1;
        const int py = oy & 1;  // 0: fy = 0.75, 1: fy = 0.25
        for (int ox = 0; ox < 2 * w; ++ox) {
            const int i0 = (ox - 1) >> 1;
            const int px = ox & 1;
            // Gradients of the 2x2 nearest pixels -> structure tensor.
            float g[4][2];
            for (int k = 0; k < 4; ++k) {
                const int xx = std::clamp(i0 + (k & 1), 0, w - 1);
                const int yy = std::clamp(j0 + (k >> 1), 0, h - 1);
                g[k][0] = features.gx.row(yy)[xx];
                g[k][1] = features.gy.row(yy)[xx];
            }
            const Steer st = steer_from_gradients(g, params);
            for (int c = 0; c < 3; ++c) {
                float win[4][4];
                for (int l = 0; l < 4; ++l) {
                    for (int k = 0; k < 4; ++k) win[l][k] = at(*src[c], i0 - 1 + k, j0 - 1 + l);
                }
                dst[c]->row(oy)[ox] = upscale2x_pixel(win, px, py, st, params);
            }
        }
    }
    return {};
}

Result<void> upscale_ref(const PlanarFrame& in, const FeatureMap& features,
                         const UpscaleParams& params, PlanarFrame& out) {
    const int ow = params.out_width, oh = params.out_height;
    if (ow <= 0 || oh <= 0) {
        return make_error(Errc::invalid_argument,
                          fmt::format("upscale: output size {}x{} is invalid", ow, oh));
    }
    const int steps = upscale_steps(in.width(), in.height(), ow, oh);
    PlanarFrame cur_store, next;
    FeatureMap feat_store;
    const PlanarFrame* cur = &in;
    const FeatureMap* feat = &features;
    for (int s = 0; s < steps; ++s) {
        if (s > 0) {
            KZ_TRY(reconstruct_ref(*cur, ReconstructParams{}, feat_store));
            feat = &feat_store;
        }
        KZ_TRY(upscale2x_ref(*cur, *feat, params, next));
        std::swap(cur_store, next);
        cur = &cur_store;
    }
    KZ_TRY(out.ensure(ow, oh, in.has_alpha()));
    const Plane* src[3] = {&cur->r, &cur->g, &cur->b};
    Plane* dst[3] = {&out.r, &out.g, &out.b};
    for (int c = 0; c < 3; ++c) {
        if (cur->width() == ow && cur->height() == oh) {
            for (int y = 0; y < oh; ++y) std::copy_n(src[c]->row(y), ow, dst[c]->row(y));
        } else {
            resample_plane_ref(*src[c], *dst[c], ResampleFilter::lanczos3, params.anti_ringing);
        }
        for (int y = 0; y < oh; ++y) {
            float* row = dst[c]->row(y);
            for (int x = 0; x < ow; ++x) row[x] = std::clamp(row[x], 0.0f, 1.0f);
        }
    }
    if (in.has_alpha()) {
        resample_plane_ref(in.a, out.a, ResampleFilter::bicubic, 1.0f);
        for (int y = 0; y < oh; ++y) {
            float* row = out.a.row(y);
            for (int x = 0; x < ow; ++x) row[x] = std::clamp(row[x], 0.0f, 1.0f);
        }
    }
    return {};
}

}  // namespace kizuna::stages

namespace kizuna::stages {
UpscaleTuning& upscale_tuning() {
    static UpscaleTuning t;
    return t;
}
}  // namespace kizuna::stages
