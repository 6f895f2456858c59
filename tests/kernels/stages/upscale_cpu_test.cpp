// checkasm-style (stage_check.hpp): UpscaleCpu against upscale_ref on every harness fill and the
// blocky picture (edges and strokes), a subset of odd sizes (the x4 targets are slow in the
// reference), x2 / x3 / x4 / arbitrary targets, with and without alpha, and the corners of
// anti_ringing and edge_sharpness. Tolerance: max abs difference 2e-5.
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
#include <cfloat>
#include <cstring>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "kernel_check.hpp"
#include "stage_check.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/cpu/upscale.hpp"
#include "stages/cpu/upscale_row2x.hpp"
#include "stages/planar.hpp"
#include "stages/ref/reconstruct.hpp"
#include "stages/ref/upscale.hpp"
#include "stages/upscale_kernel.hpp"

namespace kizuna::stages {
namespace {

using check::Fill;

constexpr check::Tolerance kTol{2e-5f};

// The reference's features of `in`: the second input of every upscale.
FeatureMap features_of(const PlanarFrame& in) {
    FeatureMap features;
    EXPECT_TRUE(reconstruct_ref(in, ReconstructParams{}, features).ok());
    return features;
}

TEST(UpscaleCpu, MatchesReference) {
    ThreadPool pool(2);
    UpscaleCpu fast;
    uint32_t salt = 1000;
    for (auto [w, h] : {std::pair{67, 43}, std::pair{1, 1}, std::pair{2, 3}, std::pair{17, 5}}) {
        for (const check::Input& input : check::all_inputs()) {
            // wide left out for time: extremes' jumps between 0 and 1 already ring past [0, 1].
            if (!input.blocky && input.fill == Fill::wide) continue;
            const bool alpha = input.blocky || input.fill == Fill::extremes;
            const uint32_t seed = test::case_seed(++salt);
            const PlanarFrame in = check::make_input(w, h, alpha, input, seed);
            const FeatureMap features = features_of(in);
            // Every anti_ringing x edge_sharpness corner on x2 for the patterned inputs; x3, x4
            // and arbitrary targets on the defaults and the extremes (x4 only on the small
            // sizes, to keep the sanitizer build fast).
            const bool patterned = input.blocky || input.fill == Fill::random;
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
                const UpscaleParams p{c.ar, c.sharp, c.ow, c.oh};
                PlanarFrame ref, out;
                ASSERT_TRUE(upscale_ref(in, features, p, ref).ok());
                ASSERT_TRUE(fast.run(in, features, p, out, pool).ok());
                ASSERT_TRUE(check::compare_frames(
                    out, ref, kTol,
                    fmt::format("upscale {}x{} -> {}x{} {} alpha {} anti_ringing {} "
                                "edge_sharpness {}{}",
                                w, h, c.ow, c.oh, input.name(), alpha, c.ar, c.sharp,
                                test::seed_note(seed))));
            }
        }
    }
    if (!test::bench_enabled()) return;
    const PlanarFrame in = check::make_blocky(960, 540, false, test::case_seed(1));
    const FeatureMap features = features_of(in);
    const UpscaleParams p{.out_width = 1920, .out_height = 1080};
    PlanarFrame out;
    test::bench_vs_ref(
        "upscale x2 960x540 -> 1920x1080", [&] { (void)upscale_ref(in, features, p, out); },
        [&] { (void)fast.run(in, features, p, out, pool); }, 5);
}

TEST(UpscaleCpu, DeterministicAcrossThreadCountsAndRuns) {
    const uint32_t seed = test::case_seed(5);
    const PlanarFrame in = check::make_blocky(67, 43, true, seed);
    const FeatureMap features = features_of(in);
    const UpscaleParams p{.out_width = 67 * 3, .out_height = 43 * 3};
    ThreadPool one(1), two(2);
    UpscaleCpu a, b;
    PlanarFrame fa, fb, fb2;
    ASSERT_TRUE(a.run(in, features, p, fa, one).ok());
    ASSERT_TRUE(b.run(in, features, p, fb, two).ok());
    ASSERT_TRUE(b.run(in, features, p, fb2, two).ok());
    EXPECT_TRUE(check::compare_frames(fb, fa, {}, "2 threads against 1" + test::seed_note(seed)));
    EXPECT_TRUE(check::compare_frames(fb2, fa, {}, "second run" + test::seed_note(seed)));
}

TEST(UpscaleCpu, SteadyStateKeepsItsBuffers) {
    // Same size twice: the output planes are not re-allocated (the pointers stay).
    const PlanarFrame in = check::make_frame(20, 12, false, Fill::random, test::case_seed(3));
    const FeatureMap features = features_of(in);
    const UpscaleParams p{.out_width = 80, .out_height = 48};
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
// caught by the address sanitizer. Rows are filled by every harness fill in [-0.1, 1.1] (weights
// in [0, 1]) and by a blocky pattern (stripes 3 wide, shifted by row; random weights).
TEST(UpscaleRow2x, MatchesScalarModelBitForBit) {
    std::vector<int> widths;
    for (int w = 1; w <= 40; ++w) widths.push_back(w);
    // Around the 128-column chunks and the edge windows, and long rows read in place.
    for (int w : {63, 127, 128, 129, 143, 144, 145, 160, 161, 255, 256, 257, 290, 300, 643}) {
        widths.push_back(w);
    }
    std::vector<float> scratch(upscale2x::row2x_channel_scratch_floats() + 1);
    constexpr std::byte kGuard{0xAB};
    uint32_t salt = 7000;
    for (int w : widths) {
        for (const check::Input& input : check::all_inputs()) {
            const uint32_t seed = test::case_seed(++salt);
            std::mt19937 rng(seed);
            std::vector<std::unique_ptr<float[]>> rows;
            upscale2x::Row2xArgs a;
            for (int l = 0; l < 6; ++l) {
                rows.emplace_back(new float[w]);
                const std::span<float> row(rows[l].get(), static_cast<size_t>(w));
                if (input.blocky) {
                    for (int x = 0; x < w; ++x) row[x] = static_cast<float>(((x / 3) + l) & 1);
                } else {
                    test::fill_values(row, input.fill, rng, -0.1f, 1.1f);
                }
                a.rows[l] = rows[l].get();
            }
            std::unique_ptr<float[]> we(new float[w + 1]), wo(new float[w + 1]);
            for (float* wt : {we.get(), wo.get()}) {
                test::fill_values({wt, static_cast<size_t>(w) + 1}, input.fill, rng);
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
                        std::vector<float> got(2 * w + 2);
                        std::memset(got.data(), static_cast<int>(kGuard), got.size() * 4);
                        upscale2x::row2x_channel(a, scratch.data() + 1, got.data());
                        const std::string what =
                            fmt::format("row2x width {} {} odd_row {} anti_ringing {} clamp {}{}",
                                        w, input.name(), odd, ar, clamp, test::seed_note(seed));
                        ASSERT_TRUE(
                            test::compare_values(std::span(got).first(2 * w), want, {}, {}, what));
                        ASSERT_TRUE(
                            check::untouched(std::as_bytes(std::span(got).last(2)), kGuard, what));
                    }
        }
    }
}

TEST(UpscaleRow2x, CellWeightsRowMatchesScalarBitForBit) {
    uint32_t salt = 9000;
    for (int n : {1, 2, 3, 7, 15, 16, 17, 31, 33, 40, 67, 100}) {
        for (int kind = 0; kind < 5; ++kind) {
            for (float sharp : {0.0f, -0.0f, 0.5f, 1.0f, 2.0f}) {
                const uint32_t seed = test::case_seed(++salt);
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
                const std::string what =
                    fmt::format("cell weights n {} kind {} edge_sharpness {}{}", n, kind, sharp,
                                test::seed_note(seed));
                ASSERT_TRUE(test::compare_values(w_main, want_main, {}, {}, what + " main"));
                ASSERT_TRUE(test::compare_values(w_anti, want_anti, {}, {}, what + " anti"));
            }
        }
    }
}

TEST(UpscaleCpu, RowsMatchTheWholeFrameStep) {
    // row2x straight after prepare_rows2x gives run's rows bit for bit, on a frame wide enough
    // for rows read in place (not only through the edge windows).
    const uint32_t seed = test::case_seed(11);
    const PlanarFrame in = check::make_frame(301, 9, false, Fill::random, seed);
    const FeatureMap features = features_of(in);
    const UpscaleParams p{.out_width = 602, .out_height = 18};
    ThreadPool pool(2);
    UpscaleCpu whole, rows;
    PlanarFrame out, ref;
    ASSERT_TRUE(whole.run(in, features, p, out, pool).ok());
    ASSERT_TRUE(upscale_ref(in, features, p, ref).ok());
    ASSERT_TRUE(check::compare_frames(out, ref, kTol, "301x9 x2" + test::seed_note(seed)));
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
        for (int c = 0; c < 3; ++c) {
            ASSERT_TRUE(test::compare_values(
                {dst[c], 602}, {check::plane(out, c).row(y), 602}, {}, {},
                fmt::format("row {} channel {} against run{}", y, c, test::seed_note(seed))));
        }
    }
}

}  // namespace
}  // namespace kizuna::stages
