// Stage 5: fast (SIMD + threads) against the reference over frame sequences, checkasm style.
// Tolerance 1e-5 per value (float summation order differs); reset decisions must agree.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "stages/pack.hpp"
#include "stages/temporal.hpp"
#include "stages/temporal_cpu.hpp"

namespace kizuna::stages {
namespace {

enum class Fill { random, zeros, ones };

// Frame i of a sequence: a base picture plus per-frame noise of amplitude `noise`; frame `cut`
// switches to another base picture.
PlanarFrame frame_of(int w, int h, Fill fill, uint32_t seed, int i, int cut, float noise,
                     bool alpha) {
    PlanarFrame f;
    EXPECT_TRUE(f.ensure(w, h, alpha).ok());
    std::mt19937 base(seed + (i >= cut ? 777u : 0u));
    std::mt19937 fresh(seed * 31u + static_cast<uint32_t>(i));
    std::uniform_real_distribution<float> u(0.0f, 1.0f), n(-noise, noise);
    Plane* planes[4] = {&f.r, &f.g, &f.b, &f.a};
    for (int c = 0; c < (alpha ? 4 : 3); ++c) {
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                float v = fill == Fill::zeros ? 0.0f : fill == Fill::ones ? 1.0f : u(base);
                if (fill == Fill::random && i >= cut) v = 1.0f - v * 0.2f;
                planes[c]->row(y)[x] = v + (noise > 0 ? n(fresh) : 0.0f);
            }
        }
    }
    return f;
}

void check_sequence(int w, int h, Fill fill, const TemporalParams& p, float noise, uint32_t seed,
                    int threads) {
    TemporalHistory history;
    TemporalCpu fast;
    ThreadPool pool(threads);
    const int cut = 4;
    for (int i = 0; i < 7; ++i) {
        const PlanarFrame in = frame_of(w, h, fill, seed, i, cut, noise, (seed & 1) != 0);
        PlanarFrame ref, out;
        auto rr = temporal_reference(in, p, history, ref);
        auto fr = fast.run(in, p, out, pool);
        ASSERT_TRUE(rr.ok() && fr.ok());
        const std::string what = fmt::format(
            "size {}x{} fill {} strength {} motion {} cut {} noise {} threads {} seed {} frame {}",
            w, h, static_cast<int>(fill), p.strength, p.motion_threshold, p.scene_cut_threshold,
            noise, threads, seed, i);
        ASSERT_EQ(*rr, *fr) << what << ": reset decision differs";
        const Plane* rp[4] = {&ref.r, &ref.g, &ref.b, &ref.a};
        const Plane* op[4] = {&out.r, &out.g, &out.b, &out.a};
        for (int c = 0; c < (in.has_alpha() ? 4 : 3); ++c) {
            for (int y = 0; y < h; ++y) {
                for (int x = 0; x < w; ++x) {
                    ASSERT_NEAR(op[c]->row(y)[x], rp[c]->row(y)[x], 1e-5f)
                        << what << " channel " << c << " x " << x << " y " << y;
                }
            }
        }
    }
}

TEST(TemporalCpu, MatchesReference) {
    const int sizes[][2] = {{67, 43}, {1, 1}, {17, 5}, {33, 2}, {2, 9}, {64, 3}};
    const TemporalParams corners[] = {{0.6f, 0.03f, 0.25f}, {1.0f, 1.0f, 1.0f},
                                      {0.0f, 0.03f, 0.25f}, {1.0f, 0.001f, 0.25f},
                                      {0.6f, 0.03f, 0.0f},  {0.8f, 0.1f, 0.5f}};
    uint32_t seed = 99;
    for (const auto& s : sizes) {
        for (const TemporalParams& p : corners) {
            for (Fill fill : {Fill::random, Fill::zeros, Fill::ones}) {
                for (float noise : {0.0f, 0.01f, 0.05f}) {
                    check_sequence(s[0], s[1], fill, p, noise, seed, 1 + seed % 3);
                    ++seed;
                    if (HasFatalFailure()) return;
                }
            }
        }
    }
}

TEST(TemporalCpu, IdenticalForAnyThreadCount) {
    std::vector<std::vector<float>> first;
    for (int threads : {1, 2, 3}) {
        ThreadPool pool(threads);
        TemporalCpu fast;
        std::vector<std::vector<float>> rows;
        for (int i = 0; i < 5; ++i) {
            const PlanarFrame in = frame_of(99, 61, Fill::random, 3, i, 100, 0.02f, false);
            PlanarFrame out;
            ASSERT_TRUE(fast.run(in, {}, out, pool).ok());
            for (int y = 0; y < 61; ++y) rows.emplace_back(out.g.row(y), out.g.row(y) + 99);
        }
        if (threads == 1) {
            first = rows;
        } else {
            ASSERT_EQ(first, rows) << "threads " << threads;
        }
    }
}

// The fused preview pass's blend + pack kernel against blend_row then pack_row: the same history
// floats and the same packed bytes (exactly), for every format, with and without the sRGB
// encode and alpha, at odd widths, with the output row aligned or not (streaming stores are
// used only on aligned rows). Inputs cover 0, 1, out-of-range values and NaN.
TEST(TemporalCpu, BlendPackRowMatchesBlendThenPack) {
    const TemporalParams p{0.7f, 0.05f, 0.2f};
    uint32_t seed = 99;
    for (int w : {1, 15, 17, 67, 600}) {
        PlanarFrame e, hist, out_fused, out_plain;
        ASSERT_TRUE(e.ensure(w, 1, true).ok());
        ASSERT_TRUE(hist.ensure(w, 1, false).ok());
        ASSERT_TRUE(out_fused.ensure(w, 1, false).ok());
        ASSERT_TRUE(out_plain.ensure(w, 1, false).ok());
        std::mt19937 rng(seed++);
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
        const float* er[3] = {e.r.row(0), e.g.row(0), e.b.row(0)};
        const float* hr[3] = {hist.r.row(0), hist.g.row(0), hist.b.row(0)};
        // D rows (room for 16 floats either side); the same row stands for y - 1, y and y + 1.
        std::vector<float> dbuf(static_cast<size_t>(w) + 64, 0.0f);
        float* drow = dbuf.data() + 16;
        temporal_detail::diff_row(er, hr, w, drow);
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
                        float* of[3] = {out_fused.r.row(0), out_fused.g.row(0), out_fused.b.row(0)};
                        float* op[3] = {out_plain.r.row(0), out_plain.g.row(0), out_plain.b.row(0)};
                        const float* a = alpha ? e.a.row(0) : nullptr;
                        temporal_detail::blend_pack_row(drow, drow, drow, er, hr, w, p, of, a,
                                                        encode, format, at(fused));
                        temporal_detail::blend_row(drow, drow, drow, er, hr, w, p, op);
                        const float* opc[3] = {op[0], op[1], op[2]};
                        pack_detail::pack_row(opc, a, w, encode, format, at(plain));
                        const std::string what =
                            fmt::format("width {} format {} encode {} alpha {} offset {}", w,
                                        pixel_format_name(format), encode, alpha, offset);
                        for (int c = 0; c < 3; ++c) {
                            ASSERT_EQ(0, std::memcmp(of[c], op[c], sizeof(float) * w))
                                << what << " channel " << c;
                        }
                        ASSERT_EQ(0, std::memcmp(at(fused), at(plain), bytes)) << what;
                        for (size_t i = 0; i < 16; ++i) {
                            ASSERT_EQ(at(fused)[bytes + i], std::byte{0x5a})
                                << what << ": wrote past the row";
                        }
                    }
                }
            }
        }
    }
}

}  // namespace
}  // namespace kizuna::stages
