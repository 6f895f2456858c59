// Stage 5: fast (SIMD + threads) against the reference over frame sequences, checkasm style
// (stage_check.hpp).
// Tolerance 1e-5 per value; reset decisions must agree. Both evaluate the blend in the float
// order temporal.hpp states, so on targets with FMA (the ones this runs on) they agree exactly
// and the fp16 history is the same; the tolerance leaves room for the scene-cut sum's order only.
// (Where the float evaluation differed, the fp16 rounding of the history would turn a 1e-7
// difference into one fp16 step, up to 4.9e-4, of the next frame: the reason for the shared
// order.) The fp16 conversion of the kernels is checked bit for bit against core/half.hpp.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/half.hpp"
#include "kernel_check.hpp"
#include "stage_check.hpp"
#include "stages/cpu/pack.hpp"
#include "stages/cpu/temporal.hpp"
#include "stages/cpu/thread_pool.hpp"
#include "stages/planar.hpp"
#include "stages/ref/temporal.hpp"

namespace kizuna::stages {
namespace {

using check::Fill;

// Frame i of a sequence: a base picture by `fill` plus per-frame noise of amplitude `noise`;
// from frame `cut` on, another base picture remapped to 1 - 0.2 v (a scene cut, unless the fill
// is constant).
PlanarFrame frame_of(int w, int h, Fill fill, uint32_t seed, int i, int cut, float noise,
                     bool alpha) {
    PlanarFrame f = check::make_frame(w, h, alpha, fill, seed + (i >= cut ? 777u : 0u));
    std::mt19937 fresh(seed * 31u + static_cast<uint32_t>(i));
    std::uniform_real_distribution<float> n(-noise, noise);
    const bool remap = i >= cut && fill != Fill::zeros && fill != Fill::ones;
    for (int c = 0; c < check::plane_count(f); ++c) {
        for (int y = 0; y < h; ++y) {
            float* row = check::plane(f, c).row(y);
            for (int x = 0; x < w; ++x) {
                const float v = remap ? 1.0f - row[x] * 0.2f : row[x];
                row[x] = v + (noise > 0 ? n(fresh) : 0.0f);
            }
        }
    }
    return f;
}

void check_sequence(int w, int h, Fill fill, const TemporalParams& p, float noise, bool alpha,
                    uint32_t seed, ThreadPool& pool) {
    TemporalHistory history;
    TemporalCpu fast;
    const int cut = 4;
    for (int i = 0; i < 7; ++i) {
        const PlanarFrame in = frame_of(w, h, fill, seed, i, cut, noise, alpha);
        PlanarFrame ref, out;
        auto rr = temporal_ref(in, p, history, ref);
        auto fr = fast.run(in, p, out, pool);
        ASSERT_TRUE(rr.ok() && fr.ok());
        const std::string what = fmt::format(
            "temporal {}x{} {} alpha {} strength {} motion {} cut {} noise {} threads {} frame "
            "{}{}",
            w, h, test::fill_name(fill), alpha, p.strength, p.motion_threshold,
            p.scene_cut_threshold, noise, pool.size(), i, test::seed_note(seed));
        ASSERT_EQ(*rr, *fr) << what << ": reset decision differs";
        ASSERT_TRUE(check::compare_frames(out, ref, {1e-5f}, what));
    }
}

TEST(TemporalCpu, MatchesReference) {
    const int sizes[][2] = {{67, 43}, {1, 1}, {17, 5}, {33, 2}, {2, 9}, {64, 3}};
    const TemporalParams corners[] = {{0.6f, 0.03f, 0.25f}, {1.0f, 1.0f, 1.0f},
                                      {0.0f, 0.03f, 0.25f}, {1.0f, 0.001f, 0.25f},
                                      {0.6f, 0.03f, 0.0f},  {0.8f, 0.1f, 0.5f}};
    ThreadPool pools[3] = {ThreadPool(1), ThreadPool(2), ThreadPool(3)};
    uint32_t salt = 99;
    for (const auto& s : sizes) {
        for (const TemporalParams& p : corners) {
            // extremes left out for time: its per-pixel jumps act as random's do here.
            for (Fill fill : {Fill::random, Fill::zeros, Fill::ones, Fill::wide}) {
                for (float noise : {0.0f, 0.01f, 0.05f}) {
                    const uint32_t seed = test::case_seed(salt++);
                    check_sequence(s[0], s[1], fill, p, noise, (salt & 1) != 0, seed,
                                   pools[salt % 3]);
                    if (HasFatalFailure()) return;
                }
            }
        }
    }
    if (!test::bench_enabled()) return;
    const PlanarFrame in =
        frame_of(1920, 1080, Fill::random, test::case_seed(1), 0, 100, 0.02f, false);
    TemporalHistory history;
    TemporalCpu fast;
    PlanarFrame out;
    test::bench_vs_ref(
        "temporal 1920x1080", [&] { (void)temporal_ref(in, {}, history, out); },
        [&] { (void)fast.run(in, {}, out, pools[2]); }, 5);
}

TEST(TemporalCpu, IdenticalForAnyThreadCount) {
    const uint32_t seed = test::case_seed(3);
    std::vector<PlanarFrame> first;
    for (int threads : {1, 2, 3}) {
        ThreadPool pool(threads);
        TemporalCpu fast;
        for (int i = 0; i < 5; ++i) {
            const PlanarFrame in = frame_of(99, 61, Fill::random, seed, i, 100, 0.02f, false);
            PlanarFrame out;
            ASSERT_TRUE(fast.run(in, {}, out, pool).ok());
            if (threads == 1) {
                first.push_back(std::move(out));
                continue;
            }
            ASSERT_TRUE(check::compare_frames(out, first[i], {},
                                              fmt::format("threads {} against 1, frame {}{}",
                                                          threads, i, test::seed_note(seed))));
        }
    }
}

// The fp16 rounding of the history (round_row, and the history written by blend_row) against
// core/half.hpp bit for bit: random values, halfway cases (ties to even), fp16 subnormals and
// the underflow edge, zeros, ones, -0, overflow and its edge, infinity, NaN, at widths that are not
// a multiple of the vector width.
TEST(TemporalCpu, HistoryRoundsToNearestEvenFp16) {
    uint32_t salt = 7;
    for (int w : {1, 15, 17, 67, 600}) {
        const uint32_t seed = test::case_seed(salt++);
        std::mt19937 rng(seed);
        std::uniform_real_distribution<float> u(-0.2f, 1.2f);
        std::uniform_int_distribution<int> pick(0, 9);
        PlanarFrame src;
        ASSERT_TRUE(src.ensure(w, 1, false).ok());
        HalfFrame got;
        ASSERT_TRUE(got.ensure(w, 1).ok());
        for (int x = 0; x < w; ++x) {
            float v = u(rng);
            switch (pick(rng)) {
                case 0: {  // exactly halfway between two neighbouring fp16 values
                    const uint16_t hb = float_to_half(v);
                    v = 0.5f * (half_to_float(hb) + half_to_float(static_cast<uint16_t>(hb + 1)));
                    break;
                }
                case 1:
                    v = std::ldexp(u(rng), -16);
                    break;  // fp16 subnormal range
                case 2:
                    v = std::ldexp(1.0f + 0.5f * std::fabs(u(rng)), -25);
                    break;
                case 3:
                    v = x % 2 ? 1.0f : 0.0f;
                    break;
                case 4:
                    v = x % 2 ? -0.0f : 70000.0f;
                    break;
                case 5:  // 65520 is the smallest value that rounds to infinity
                    v = x % 3 == 0   ? std::numeric_limits<float>::quiet_NaN()
                        : x % 3 == 1 ? -std::numeric_limits<float>::infinity()
                                     : (x % 2 ? 65520.0f : -65519.0f);
                    break;
                default:
                    break;
            }
            src.r.row(0)[x] = v;
        }
        temporal_detail::round_row(src.r.row(0), w, got.r.row(0));
        for (int x = 0; x < w; ++x) {
            const float v = src.r.row(0)[x];
            ASSERT_EQ(got.r.row(0)[x], float_to_half(v))
                << "width " << w << " x " << x << " value " << v << test::seed_note(seed);
        }
    }
}

// Fills an fp16 row from floats (rounded by core/half.hpp).
void to_half(const float* f, int w, uint16_t* h) {
    for (int x = 0; x < w; ++x) h[x] = float_to_half(f[x]);
}

// The fused preview pass's blend + pack kernel against blend_row then pack_row: the same fp16
// history (which must be blend_row's float output rounded to fp16) and the same packed bytes
// (exactly), for every format, with and without the sRGB encode and alpha, at odd widths, with
// the output row aligned or not (streaming stores are used only on aligned rows). Inputs cover
// 0, 1, out-of-range values and NaN.
TEST(TemporalCpu, BlendPackRowMatchesBlendThenPack) {
    const TemporalParams p{0.7f, 0.05f, 0.2f};
    uint32_t salt = 99;
    for (int w : {1, 15, 17, 67, 600}) {
        const uint32_t seed = test::case_seed(salt++);
        PlanarFrame e, hist, out_plain;
        HalfFrame hist16, fused16, plain16;
        ASSERT_TRUE(e.ensure(w, 1, true).ok());
        ASSERT_TRUE(hist.ensure(w, 1, false).ok());
        ASSERT_TRUE(out_plain.ensure(w, 1, false).ok());
        ASSERT_TRUE(hist16.ensure(w, 1).ok());
        ASSERT_TRUE(fused16.ensure(w, 1).ok());
        ASSERT_TRUE(plain16.ensure(w, 1).ok());
        std::mt19937 rng(seed);
        std::uniform_real_distribution<float> u(-0.1f, 1.1f);
        Plane* planes[5] = {&e.r, &e.g, &e.b, &e.a, &hist.r};
        for (Plane* pl : planes) {
            for (int x = 0; x < w; ++x)
                pl->row(0)[x] = x % 13 == 0 ? 0.0f : x % 11 == 0 ? 1.0f : u(rng);
        }
        for (int x = 0; x < w; ++x) {
            hist.g.row(0)[x] = e.g.row(0)[x] + (x % 3 == 0 ? 0.01f : 0.2f);
            hist.b.row(0)[x] = x % 29 == 5 ? std::nanf("") : e.b.row(0)[x];
        }
        to_half(hist.r.row(0), w, hist16.r.row(0));
        to_half(hist.g.row(0), w, hist16.g.row(0));
        to_half(hist.b.row(0), w, hist16.b.row(0));
        const float* er[3] = {e.r.row(0), e.g.row(0), e.b.row(0)};
        const uint16_t* hr[3] = {hist16.r.row(0), hist16.g.row(0), hist16.b.row(0)};
        // R rows (room for 16 floats either side); the same row stands for y - 1, y and y + 1.
        std::vector<float> dbuf(static_cast<size_t>(w) + 64, 0.0f), rbuf(dbuf.size(), 0.0f);
        float* drow = dbuf.data() + 16;
        float* rrow = rbuf.data() + 16;
        temporal_detail::diff_row(er, hr, w, drow, rrow);
        for (PixelFormat format :
             {PixelFormat::rgba8, PixelFormat::rgba16f, PixelFormat::rgba32f}) {
            for (bool encode : {false, true}) {
                for (bool alpha : {false, true}) {
                    for (size_t offset : {size_t{0}, size_t{4}}) {
                        const size_t bytes = bytes_per_pixel(format) * static_cast<size_t>(w);
                        std::vector<std::byte> fused(bytes + 128, std::byte{0x5a});
                        std::vector<std::byte> plain(bytes + 128, std::byte{0x5a});
                        // 64-byte aligned start plus offset.
                        auto at = [&](std::vector<std::byte>& v) {
                            auto addr = reinterpret_cast<uintptr_t>(v.data());
                            return v.data() + ((64 - addr % 64) % 64) + offset;
                        };
                        uint16_t* hf[3] = {fused16.r.row(0), fused16.g.row(0), fused16.b.row(0)};
                        uint16_t* hp[3] = {plain16.r.row(0), plain16.g.row(0), plain16.b.row(0)};
                        float* op[3] = {out_plain.r.row(0), out_plain.g.row(0), out_plain.b.row(0)};
                        const float* a = alpha ? e.a.row(0) : nullptr;
                        temporal_detail::blend_pack_row(rrow, rrow, rrow, er, hr, w, p, hf, a,
                                                        encode, format, at(fused));
                        temporal_detail::blend_row(rrow, rrow, rrow, er, hr, w, p, op, hp);
                        const float* opc[3] = {op[0], op[1], op[2]};
                        pack_detail::pack_row(opc, a, w, encode, format, at(plain));
                        const std::string what = fmt::format(
                            "blend+pack width {} format {} encode {} alpha {} offset {}{}", w,
                            pixel_format_name(format), encode, alpha, offset,
                            test::seed_note(seed));
                        for (int c = 0; c < 3; ++c) {
                            ASSERT_EQ(0, std::memcmp(hf[c], hp[c], sizeof(uint16_t) * w))
                                << what << " channel " << c;
                            for (int x = 0; x < w; ++x) {
                                ASSERT_EQ(hp[c][x], float_to_half(op[c][x]))
                                    << what << " channel " << c << " x " << x;
                            }
                        }
                        const int bpp = static_cast<int>(bytes_per_pixel(format));
                        ASSERT_TRUE(test::compare_bytes(
                            {reinterpret_cast<const uint8_t*>(at(fused)), bytes},
                            {reinterpret_cast<const uint8_t*>(at(plain)), bytes}, 0,
                            {bpp * w, 1, bpp}, what));
                        ASSERT_TRUE(
                            check::untouched({at(fused) + bytes, 16}, std::byte{0x5a}, what));
                    }
                }
            }
        }
    }
}

}  // namespace
}  // namespace kizuna::stages
