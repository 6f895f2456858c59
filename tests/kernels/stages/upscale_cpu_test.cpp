// checkasm-style: UpscaleCpu against upscale_ref on random, blocky (edges and strokes), all-zero
// and all-one pictures, odd sizes, x2 / x3 / x4 / arbitrary targets, with and without alpha,
// and the corners of anti_ringing and edge_sharpness. Tolerance: max abs difference 2e-5.
// The row kernel of the exact x2 step (upscale_row2x.hpp) is also checked on its own against a
// scalar statement of the same arithmetic in the same order: there the tolerance is zero (bit
// for bit), since its results must not depend on the CPU's vector width. Likewise the row form of
// the cell weights (cell_weights_row) against the scalar cell_weights, flat vectors included.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cstring>
#include <memory>
#include <random>
#include <vector>

#include <fmt/format.h>

#include "stages/cpu/thread_pool.hpp"
#include "stages/cpu/upscale.hpp"
#include "stages/cpu/upscale_row2x.hpp"
#include "stages/planar.hpp"
#include "stages/ref/reconstruct.hpp"
#include "stages/ref/upscale.hpp"
#include "stages/upscale_kernel.hpp"

namespace kizuna::stages {
namespace {

enum class Fill { random, blocky, zeros, ones };
const char* fill_name(Fill f) {
    return f == Fill::random   ? "random"
           : f == Fill::blocky ? "blocky"
           : f == Fill::zeros  ? "zeros"
                               : "ones";
}

PlanarFrame make_frame(int w, int h, Fill fill, uint32_t seed, bool alpha) {
    PlanarFrame fr;
    EXPECT_TRUE(fr.ensure(w, h, alpha).ok());
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    const float block[4] = {u(rng), u(rng), u(rng), u(rng)};
    Plane* planes[4] = {&fr.r, &fr.g, &fr.b, &fr.a};
    for (int c = 0; c < (alpha ? 4 : 3); ++c)
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                float v = 0.0f;
                switch (fill) {
                    case Fill::random:
                        v = u(rng);
                        break;
                    case Fill::blocky:
                        v = (x + y == 20 || x == 2 * y) ? 0.05f : block[((x / 6) + (y / 5)) & 3];
                        break;
                    case Fill::zeros:
                        v = 0.0f;
                        break;
                    case Fill::ones:
                        v = 1.0f;
                        break;
                }
                planes[c]->row(y)[x] = v;
            }
    return fr;
}

float max_diff(const PlanarFrame& a, const PlanarFrame& b) {
    float worst = 0.0f;
    const Plane* pa[4] = {&a.r, &a.g, &a.b, &a.a};
    const Plane* pb[4] = {&b.r, &b.g, &b.b, &b.a};
    for (int c = 0; c < (a.has_alpha() ? 4 : 3); ++c)
        for (int y = 0; y < a.height(); ++y)
            for (int x = 0; x < a.width(); ++x)
                worst = std::max(worst, std::fabs(pa[c]->row(y)[x] - pb[c]->row(y)[x]));
    return worst;
}

TEST(UpscaleCpu, MatchesReference) {
    ThreadPool pool(2);
    UpscaleCpu fast;
    uint32_t seed = 1000;
    for (auto [w, h] : {std::pair{67, 43}, std::pair{1, 1}, std::pair{2, 3}, std::pair{17, 5}}) {
        for (Fill fill : {Fill::random, Fill::blocky, Fill::zeros, Fill::ones}) {
            const bool alpha = fill == Fill::blocky;
            const PlanarFrame in = make_frame(w, h, fill, ++seed, alpha);
            FeatureMap features;
            ASSERT_TRUE(reconstruct_ref(in, ReconstructParams{}, features).ok());
            // Every anti_ringing x edge_sharpness corner on x2 for the patterned fills; x3, x4
            // and arbitrary targets on the defaults and the extremes (x4 only on the small
            // sizes, to keep the sanitizer build fast).
            const bool patterned = fill == Fill::random || fill == Fill::blocky;
            const bool small = w * h < 200;
            struct Case {
                int ow, oh;
                float ar, sharp;
            };
            std::vector<Case> cases;
            for (float ar : {0.0f, 0.5f, 1.0f})
                for (float sharp : {0.0f, 1.0f, 2.0f})
                    if (patterned || (ar == 1.0f && sharp == 1.0f))
                        cases.push_back({2 * w, 2 * h, ar, sharp});
            for (auto [ar, sharp] : {std::pair{1.0f, 1.0f}, std::pair{0.0f, 2.0f}}) {
                cases.push_back({3 * w, 3 * h, ar, sharp});
                cases.push_back({2 * w + 5, h + 3, ar, sharp});
                cases.push_back({w, h, ar, sharp});
                if (small) cases.push_back({4 * w, 4 * h, ar, sharp});
            }
            for (const Case& c : cases) {
                UpscaleParams p;
                p.anti_ringing = c.ar;
                p.edge_sharpness = c.sharp;
                p.out_width = c.ow;
                p.out_height = c.oh;
                PlanarFrame ref, out;
                ASSERT_TRUE(upscale_ref(in, features, p, ref).ok());
                ASSERT_TRUE(fast.run(in, features, p, out, pool).ok());
                const std::string what =
                    fmt::format("{}x{} -> {}x{} {} seed {} anti_ringing {} edge_sharpness {}", w, h,
                                c.ow, c.oh, fill_name(fill), seed, c.ar, c.sharp);
                ASSERT_EQ(out.width(), c.ow) << what;
                ASSERT_EQ(out.height(), c.oh) << what;
                ASSERT_EQ(out.has_alpha(), alpha) << what;
                ASSERT_LE(max_diff(ref, out), 2e-5f) << what;
            }
        }
    }
}

TEST(UpscaleCpu, DeterministicAcrossThreadCountsAndRuns) {
    const PlanarFrame in = make_frame(67, 43, Fill::blocky, 5, true);
    FeatureMap features;
    ASSERT_TRUE(reconstruct_ref(in, ReconstructParams{}, features).ok());
    UpscaleParams p;
    p.out_width = 67 * 3;
    p.out_height = 43 * 3;
    ThreadPool one(1), two(2);
    UpscaleCpu a, b;
    PlanarFrame fa, fb, fb2;
    ASSERT_TRUE(a.run(in, features, p, fa, one).ok());
    ASSERT_TRUE(b.run(in, features, p, fb, two).ok());
    ASSERT_TRUE(b.run(in, features, p, fb2, two).ok());
    for (int y = 0; y < p.out_height; ++y) {
        for (const auto* planes : {&fb, &fb2}) {
            ASSERT_EQ(std::memcmp(fa.r.row(y), planes->r.row(y), p.out_width * sizeof(float)), 0)
                << "seed 5 row " << y;
            ASSERT_EQ(std::memcmp(fa.a.row(y), planes->a.row(y), p.out_width * sizeof(float)), 0)
                << "seed 5 row " << y;
        }
    }
}

TEST(UpscaleCpu, SteadyStateKeepsItsBuffers) {
    // Same size twice: the output planes are not re-allocated (the pointers stay).
    const PlanarFrame in = make_frame(20, 12, Fill::random, 3, false);
    FeatureMap features;
    ASSERT_TRUE(reconstruct_ref(in, ReconstructParams{}, features).ok());
    UpscaleParams p;
    p.out_width = 80;
    p.out_height = 48;
    ThreadPool pool(2);
    UpscaleCpu fast;
    PlanarFrame out;
    ASSERT_TRUE(fast.run(in, features, p, out, pool).ok());
    const float* before = out.r.data();
    ASSERT_TRUE(fast.run(in, features, p, out, pool).ok());
    EXPECT_EQ(before, out.r.data());
}

// Scalar statement of one output row of the x2 step for one channel (the plain loops the
// vector kernel replaced): vertical lanczos sums over edge-replicated columns, then per input
// column i the even output 2i (phase 0.75) and the odd output 2i + 1 (phase 0.25).
std::vector<float> row2x_model(const upscale2x::Row2xArgs& a) {
    const int w = a.width;
    auto px = [&](int l, int q) { return a.rows[l][std::clamp(q - 3, 0, w - 1)]; };  // padded
    std::vector<float> v(w + 6);
    for (int q = 0; q < w + 6; ++q) {
        v[q] = a.wy[0] * px(0, q) + a.wy[1] * px(1, q) + a.wy[2] * px(2, q) + a.wy[3] * px(3, q) +
               a.wy[4] * px(4, q) + a.wy[5] * px(5, q);
    }
    std::vector<float> out(2 * w);
    for (int i = 0; i < w; ++i) {
        float base[2];
        for (int o = 0; o < 2; ++o) {
            const float* wx = o ? a.wx1 : a.wx0;
            base[o] = wx[0] * v[i + o] + wx[1] * v[i + o + 1] + wx[2] * v[i + o + 2] +
                      wx[3] * v[i + o + 3] + wx[4] * v[i + o + 4] + wx[5] * v[i + o + 5];
        }
        // Rows 1..4 are j0 - 1 .. j0 + 2. Main diagonal: (1, i + 1), (2, i + 2), (3, i + 3),
        // (4, i + 4) for even outputs; anti-diagonal: rows 4, 3, 2, 1. Odd outputs: one column on.
        const bool main_e = !a.odd_row, main_o = a.odd_row;
        float d[2][4];
        for (int k = 0; k < 4; ++k) {
            d[0][k] = px(main_e ? 1 + k : 4 - k, i + 1 + k);
            d[1][k] = px(main_o ? 1 + k : 4 - k, i + 2 + k);
        }
        const float diag_e =
            a.ce[0] * d[0][0] + a.ce[1] * d[0][1] + a.ce[2] * d[0][2] + a.ce[3] * d[0][3];
        const float diag_o =
            a.co[0] * d[1][0] + a.co[1] * d[1][1] + a.co[2] * d[1][2] + a.co[3] * d[1][3];
        const float ve =
            upscale2x::finish_pixel(base[0], diag_e, a.w_even[i], px(2, i + 2), px(2, i + 3),
                                    px(3, i + 2), px(3, i + 3), a.anti_ringing);
        const float vo =
            upscale2x::finish_pixel(base[1], diag_o, a.w_odd[i + 1], px(2, i + 3), px(2, i + 4),
                                    px(3, i + 3), px(3, i + 4), a.anti_ringing);
        out[2 * i] = std::min(std::max(ve, a.clip_lo), a.clip_hi);
        out[2 * i + 1] = std::min(std::max(vo, a.clip_lo), a.clip_hi);
    }
    return out;
}

// Every row and weight buffer is allocated at its exact size, so that a read past the end is
// caught by the address sanitizer.
TEST(UpscaleRow2x, MatchesScalarModelBitForBit) {
    std::vector<int> widths;
    for (int w = 1; w <= 40; ++w) widths.push_back(w);
    // Around the 128-column chunks and the edge windows, and long rows read in place.
    for (int w : {63, 127, 128, 129, 143, 144, 145, 160, 161, 255, 256, 257, 290, 300, 643}) {
        widths.push_back(w);
    }
    std::vector<float> scratch(upscale2x::row2x_channel_scratch_floats() + 1);
    uint32_t seed = 7000;
    for (int w : widths) {
        for (Fill fill : {Fill::random, Fill::blocky, Fill::zeros, Fill::ones}) {
            ++seed;
            std::mt19937 rng(seed);
            std::uniform_real_distribution<float> u(-0.1f, 1.1f), uw(0.0f, 1.0f);
            std::vector<std::unique_ptr<float[]>> rows;
            upscale2x::Row2xArgs a;
            for (int l = 0; l < 6; ++l) {
                rows.emplace_back(new float[w]);
                for (int x = 0; x < w; ++x) {
                    rows[l][x] = fill == Fill::random   ? u(rng)
                                 : fill == Fill::blocky ? static_cast<float>(((x / 3) + l) & 1)
                                 : fill == Fill::zeros  ? 0.0f
                                                        : 1.0f;
                }
                a.rows[l] = rows[l].get();
            }
            std::unique_ptr<float[]> we(new float[w + 1]), wo(new float[w + 1]);
            for (int x = 0; x <= w; ++x) {
                we[x] = fill == Fill::ones ? 1.0f : fill == Fill::zeros ? 0.0f : uw(rng);
                wo[x] = fill == Fill::ones ? 1.0f : fill == Fill::zeros ? 0.0f : uw(rng);
            }
            a.w_even = we.get();
            a.w_odd = wo.get();
            a.width = w;
            upscale2x::lanczos3_weights(0.75f, a.wx0);
            upscale2x::lanczos3_weights(0.25f, a.wx1);
            for (int k = 0; k < 4; ++k) {
                a.ce[k] = upscale2x::catmull_rom(k == 0   ? 1.75f
                                                 : k == 1 ? 0.75f
                                                 : k == 2 ? 0.25f
                                                          : 1.25f);
                a.co[k] = upscale2x::catmull_rom(k == 0   ? 1.25f
                                                 : k == 1 ? 0.25f
                                                 : k == 2 ? 0.75f
                                                          : 1.75f);
            }
            for (bool odd : {false, true})
                for (float ar : {0.0f, 0.5f, 1.0f})
                    for (bool clamp : {false, true}) {
                        a.odd_row = odd;
                        std::copy_n(odd ? a.wx1 : a.wx0, 6, a.wy);
                        a.anti_ringing = ar;
                        a.clip_lo = clamp ? 0.0f : -FLT_MAX;
                        a.clip_hi = clamp ? 1.0f : FLT_MAX;
                        const std::vector<float> want = row2x_model(a);
                        // Two guard floats past the row must stay untouched; the scratch is
                        // deliberately misaligned.
                        std::vector<float> got(2 * w + 2, -7.0f);
                        upscale2x::row2x_channel(a, scratch.data() + 1, got.data());
                        const std::string what =
                            fmt::format("width {} {} seed {} odd_row {} anti_ringing {} clamp {}",
                                        w, fill_name(fill), seed, odd, ar, clamp);
                        for (int x = 0; x < 2 * w; ++x) {
                            ASSERT_EQ(std::bit_cast<uint32_t>(got[x]),
                                      std::bit_cast<uint32_t>(want[x]))
                                << what << " output " << x << ": " << got[x] << " vs " << want[x];
                        }
                        ASSERT_EQ(got[2 * w], -7.0f) << what << ": wrote past the row";
                        ASSERT_EQ(got[2 * w + 1], -7.0f) << what << ": wrote past the row";
                    }
        }
    }
}

TEST(UpscaleRow2x, CellWeightsRowMatchesScalarBitForBit) {
    uint32_t seed = 9000;
    for (int n : {1, 2, 3, 7, 15, 16, 17, 31, 33, 40, 67, 100}) {
        for (int kind = 0; kind < 5; ++kind) {
            for (float sharp : {0.0f, -0.0f, 0.5f, 1.0f, 2.0f}) {
                ++seed;
                std::mt19937 rng(seed);
                std::uniform_real_distribution<float> u(-1.0f, 1.0f);
                // kind 0: strong random gradients; 1: flat (strength below edge_lo) except a
                // few cells; 2: all zero; 3: all one; 4: blocks of flat and of ramp-range cells.
                std::vector<float> trace(n), jxy(n), root(n), strength(n), w_main(n), w_anti(n);
                std::vector<float> want_main(n), want_anti(n);
                for (int c = 0; c < n; ++c) {
                    float gx[4], gy[4];
                    float scale = 0.3f;
                    if (kind == 1) scale = (rng() % 23 == 0) ? 0.3f : 0.004f;
                    if (kind == 4) scale = ((c / 16) & 1) ? 0.05f : 0.002f;
                    for (int k = 0; k < 4; ++k) {
                        gx[k] = kind == 2 ? 0.0f : kind == 3 ? 1.0f : scale * u(rng);
                        gy[k] = kind == 2 ? 0.0f : kind == 3 ? 1.0f : scale * u(rng);
                    }
                    upscale2x::cell_weights(gx, gy, sharp, &want_main[c], &want_anti[c]);
                    // The tensor as cell_weights computes it.
                    float jxx = 0, jxy_c = 0, jyy = 0;
                    for (int k = 0; k < 4; ++k) {
                        jxx += gx[k] * gx[k];
                        jxy_c += gx[k] * gy[k];
                        jyy += gy[k] * gy[k];
                    }
                    jxx *= 0.25f;
                    jxy_c *= 0.25f;
                    jyy *= 0.25f;
                    const float diff = jxx - jyy;
                    trace[c] = jxx + jyy;
                    jxy[c] = jxy_c;
                    root[c] = std::sqrt(diff * diff + 4.0f * jxy_c * jxy_c);
                    strength[c] = std::sqrt(0.5f * (trace[c] + root[c]));
                }
                upscale2x::cell_weights_row(trace.data(), jxy.data(), root.data(), strength.data(),
                                            n, sharp, w_main.data(), w_anti.data());
                for (int c = 0; c < n; ++c) {
                    const std::string what = fmt::format(
                        "n {} kind {} edge_sharpness {} seed {} cell {}", n, kind, sharp, seed, c);
                    ASSERT_EQ(std::bit_cast<uint32_t>(w_main[c]),
                              std::bit_cast<uint32_t>(want_main[c]))
                        << what << ": " << w_main[c] << " vs " << want_main[c];
                    ASSERT_EQ(std::bit_cast<uint32_t>(w_anti[c]),
                              std::bit_cast<uint32_t>(want_anti[c]))
                        << what << ": " << w_anti[c] << " vs " << want_anti[c];
                }
            }
        }
    }
}

TEST(UpscaleCpu, RowsMatchTheWholeFrameStep) {
    // row2x straight after prepare_rows2x gives run's rows bit for bit, on a frame wide enough
    // for rows read in place (not only through the edge windows).
    const PlanarFrame in = make_frame(301, 9, Fill::random, 11, false);
    FeatureMap features;
    ASSERT_TRUE(reconstruct_ref(in, ReconstructParams{}, features).ok());
    UpscaleParams p;
    p.out_width = 602;
    p.out_height = 18;
    ThreadPool pool(2);
    UpscaleCpu whole, rows;
    PlanarFrame out, ref;
    ASSERT_TRUE(whole.run(in, features, p, out, pool).ok());
    ASSERT_TRUE(upscale_ref(in, features, p, ref).ok());
    ASSERT_LE(max_diff(ref, out), 2e-5f) << "seed 11";
    ASSERT_TRUE(rows.prepare_rows2x(in, features, p, true).ok());
    std::vector<float> v(rows.row2x_scratch_floats());
    UpscaleCpu::Row2xScratch scratch;
    scratch.floats = v.data();
    std::vector<float> r(602), g(602), b(602);
    // Rows in an order that reuses the cached cell row (2k + 1 then 2k + 2), skips back and
    // jumps ahead, so every row must come out the same whatever was computed before it.
    for (int y : {0, 1, 2, 3, 4, 17, 16, 5, 9, 10, 8, 7, 6, 11, 12, 13, 15, 14}) {
        float* const dst[3] = {r.data(), g.data(), b.data()};
        rows.row2x(y, dst, scratch);
        ASSERT_EQ(std::memcmp(r.data(), out.r.row(y), 602 * sizeof(float)), 0)
            << "seed 11 row " << y;
        ASSERT_EQ(std::memcmp(g.data(), out.g.row(y), 602 * sizeof(float)), 0)
            << "seed 11 row " << y;
        ASSERT_EQ(std::memcmp(b.data(), out.b.row(y), 602 * sizeof(float)), 0)
            << "seed 11 row " << y;
    }
}

}  // namespace
}  // namespace kizuna::stages
