// Stage 3 reference: plain C++, pixel by pixel, exactly as upscale.hpp states it.
#include "stages/ref/upscale.hpp"

#include <algorithm>
#include <cmath>

#include "stages/ref/reconstruct.hpp"
#include "stages/ref/resample.hpp"
#include "stages/upscale.hpp"
#include "stages/upscale_kernel.hpp"

namespace kizuna::stages {

namespace {

float at(const Plane& p, int x, int y) {
    x = std::clamp(x, 0, p.width() - 1);
    y = std::clamp(y, 0, p.height() - 1);
    return p.row(y)[x];
}

}  // namespace

Result<void> upscale2x_ref(const PlanarFrame& in, const FeatureMap& features,
                           const UpscaleParams& params, PlanarFrame& out) {
    using namespace upscale2x;
    const int w = in.width(), h = in.height();
    KZ_TRY(check_upscale_features(features, w, h));
    KZ_TRY(out.ensure(2 * w, 2 * h, false));
    float wts[2][6];  // [parity][tap]: parity 0 = phase 0.75 (even output), 1 = phase 0.25
    lanczos3_weights(0.75f, wts[0]);
    lanczos3_weights(0.25f, wts[1]);
    const Plane* src[3] = {&in.r, &in.g, &in.b};
    Plane* dst[3] = {&out.r, &out.g, &out.b};
    for (int oy = 0; oy < 2 * h; ++oy) {
        const int j0 = (oy - 1) >> 1;  // floor(oy / 2 - 0.25)
        const int py = oy & 1;
        for (int ox = 0; ox < 2 * w; ++ox) {
            const int i0 = (ox - 1) >> 1;
            const int px = ox & 1;
            const float fx = px ? 0.25f : 0.75f;
            float gx[4], gy[4];
            for (int k = 0; k < 4; ++k) {
                const int xx = std::clamp(i0 + (k & 1), 0, w - 1);
                const int yy = std::clamp(j0 + (k >> 1), 0, h - 1);
                gx[k] = features.gx.row(yy)[xx];
                gy[k] = features.gy.row(yy)[xx];
            }
            float w_main, w_anti;
            cell_weights(gx, gy, params.edge_sharpness, &w_main, &w_anti);
            const bool main_diag = px == py;
            for (int c = 0; c < 3; ++c) {
                const Plane& p = *src[c];
                auto s = [&](int dx, int dy) { return at(p, i0 + dx, j0 + dy); };
                // Base: separable lanczos3 over columns i0-2..i0+3, rows j0-2..j0+3.
                float base = 0.0f;
                for (int l = 0; l < 6; ++l) {
                    float row = 0.0f;
                    for (int k = 0; k < 6; ++k) row += wts[px][k] * s(k - 2, l - 2);
                    base += wts[py][l] * row;
                }
                // Diagonal estimate: Catmull-Rom through the four samples on the output's
                // diagonal, at distance fx from the second one.
                float d0, d1, d2, d3;
                if (main_diag) {
                    d0 = s(-1, -1), d1 = s(0, 0), d2 = s(1, 1), d3 = s(2, 2);
                } else {
                    d0 = s(-1, 2), d1 = s(0, 1), d2 = s(1, 0), d3 = s(2, -1);
                }
                const float diag = catmull_rom(fx + 1.0f) * d0 + catmull_rom(fx) * d1 +
                                   catmull_rom(1.0f - fx) * d2 + catmull_rom(2.0f - fx) * d3;
                dst[c]->row(oy)[ox] = finish_pixel(base, diag, main_diag ? w_main : w_anti, s(0, 0),
                                                   s(1, 0), s(0, 1), s(1, 1), params.anti_ringing);
            }
        }
    }
    return {};
}

Result<void> upscale_ref(const PlanarFrame& in, const FeatureMap& features,
                         const UpscaleParams& params, PlanarFrame& out) {
    KZ_TRY(check_upscale_size(params));
    const int ow = params.out_width, oh = params.out_height;
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

Result<void> plain_resample_ref(const PlanarFrame& in, const UpscaleParams& params,
                                PlanarFrame& out) {
    KZ_TRY(out.ensure(params.out_width, params.out_height, in.has_alpha()));
    resample_plane_ref(in.r, out.r, ResampleFilter::lanczos3, params.anti_ringing);
    resample_plane_ref(in.g, out.g, ResampleFilter::lanczos3, params.anti_ringing);
    resample_plane_ref(in.b, out.b, ResampleFilter::lanczos3, params.anti_ringing);
    if (in.has_alpha()) resample_plane_ref(in.a, out.a, ResampleFilter::bicubic, 1.0f);
    return {};
}

}  // namespace kizuna::stages
