// The stage side of the kernel-check harness (tests/support/kernel_check.hpp): frames and RGBA
// images filled with the harness's fills from a case seed, and comparisons of frames, planes and
// images under a harness Tolerance whose failures name the plane (or channel), x and y. The fast
// CPU stage tests check their kernels against the references with these.
//
// Planes are numbered 0 r, 1 g, 2 b, 3 a; only the first `width` values of a row are filled or
// compared (the row padding is never read by a stage).
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kernel_check.hpp"
#include "kizuna/image.hpp"
#include "stages/planar.hpp"

namespace kizuna::stages::check {

using test::Fill;
using test::Size;
using test::Tolerance;

// The sizes of the stage checks: the harness's odd_sizes() and 67x43, a frame tall enough that
// every thread count splits its rows into several bands.
std::span<const Size> stage_sizes() noexcept;

inline int plane_count(const PlanarFrame& f) noexcept {
    return f.has_alpha() ? 4 : 3;
}
Plane& plane(PlanarFrame& f, int c) noexcept;
const Plane& plane(const PlanarFrame& f, int c) noexcept;

// Fills the width x height values of `p` row by row with test::fill_values.
void fill_plane(Plane& p, Fill fill, std::mt19937& rng, float lo = 0.0f, float hi = 1.0f);

// A w x h frame with an alpha plane when `alpha`; planes r, g, b (a) in turn filled by `fill` in
// [lo, hi] from one generator seeded with `seed`.
PlanarFrame make_frame(int w, int h, bool alpha, Fill fill, uint32_t seed, float lo = 0.0f,
                       float hi = 1.0f);

// A cartoon-like w x h frame: flat 6x5 blocks of four random levels in [0, 1] crossed by dark
// 1-pixel strokes (two diagonals of different slope and one steep line), so that every pixel
// class and edge direction appears. Every plane alike, alpha included.
PlanarFrame make_blocky(int w, int h, bool alpha, uint32_t seed);

// An input picture of the checks that look at image structure (gradients, classes, edge-directed
// weights): a harness fill in [0, 1], or the blocky picture.
struct Input {
    Fill fill = Fill::random;
    bool blocky = false;  // make_blocky; `fill` unused
    const char* name() const noexcept { return blocky ? "blocky" : test::fill_name(fill); }
};

// Every fill of kAllFills, then the blocky picture.
std::span<const Input> all_inputs() noexcept;

PlanarFrame make_input(int w, int h, bool alpha, Input input, uint32_t seed);

// Frames: same size and alpha presence, then every value of every plane within `tol`; a failure
// names the plane ("channel"), y and x, and starts with `what`.
::testing::AssertionResult compare_frames(const PlanarFrame& got, const PlanarFrame& ref,
                                          Tolerance tol, std::string_view what);

// One plane each.
::testing::AssertionResult compare_planes(const Plane& got, const Plane& ref, Tolerance tol,
                                          std::string_view what);

// A w x h RGBA image of `format` whose 4 * w values per row are filled by `fill` in [lo, hi] from
// `seed`; RGBA8 stores round(clamp(v, 0, 1) * 255), RGBA16F the nearest half.
Image make_image(int w, int h, PixelFormat format, Fill fill, uint32_t seed, float lo = 0.0f,
                 float hi = 1.0f);

// RGBA images of one size and format. An exact `tol` compares the bytes (NaN payloads included);
// otherwise RGBA8 within tol.abs code levels, RGBA16F and RGBA32F as floats within `tol`. A
// failure names y, the pixel x and the channel.
::testing::AssertionResult compare_images(ConstImageView got, ConstImageView ref, Tolerance tol,
                                          std::string_view what);

// Every byte of `guard` still equals `value` (nothing was written past an output).
::testing::AssertionResult untouched(std::span<const std::byte> guard, std::byte value,
                                     std::string_view what);

}  // namespace kizuna::stages::check
