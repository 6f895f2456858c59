// The kernel-check harness, in the manner of dav1d's checkasm: every fast kernel (SIMD, XNNPACK,
// our own NN kernels, Vulkan) is run against its plain C++ reference on seeded inputs of odd
// sizes and adversarial fills, compared with a stated tolerance, and can be timed in the same run.
//
//  - Seeds. Every case derives its seed from a salt fixed in the test and from the run's base
//    seed: KIZUNA_TEST_SEED (decimal) when set, else 0, so a plain run is reproducible and a
//    failure can be replayed or a new seed explored: `KIZUNA_TEST_SEED=123 test_kernels_nn`.
//    Every failure message carries the case seed and the base seed.
//  - Fills. random (uniform in [lo, hi]), zeros, ones, extremes (lo, hi, 0, 1, the midpoint and
//    values one step inside the range, mixed at random) and wide (uniform in a range a quarter
//    wider than [lo, hi] on each side: out-of-range input a kernel must clamp like the reference).
//    nonfinite is wide with about one value in seven replaced by NaN, +inf or -inf, for kernels
//    that must treat them as the reference does; it is not in kAllFills.
//  - Sizes. odd_sizes() lists widths/heights that cover single pixels, widths below, at and one
//    past a vector, and sizes that span several SIMD chunks.
//  - Tolerance. |fast - ref| <= abs + rel * |ref| per value; {0, 0} means bit-exact (NaN equal to
//    NaN). A failure names the worst value's position, both values, the case and the seeds.
//  - Bench mode. With KIZUNA_CHECK_BENCH=1, bench() times a kernel (median, min and max of
//    repeated calls) and prints one line; without it bench() returns at once. Run e.g.
//    `KIZUNA_CHECK_BENCH=1 build/tests/test_kernels_stages --gtest_filter='*Enhance*'`.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kizuna::test {

// The base seed of this run: KIZUNA_TEST_SEED, else 0. Read once.
uint32_t base_seed() noexcept;

// The seed of one case: `salt` when the base seed is 0, else a mix of both.
uint32_t case_seed(uint32_t salt) noexcept;

// " (seed S, KIZUNA_TEST_SEED=B)": append to a case description.
std::string seed_note(uint32_t seed);

enum class Fill { random, zeros, ones, extremes, wide, nonfinite };

const char* fill_name(Fill fill) noexcept;

// Every fill of finite values, in a fixed order (nonfinite is asked for by name).
inline constexpr Fill kAllFills[] = {Fill::random, Fill::zeros, Fill::ones, Fill::extremes,
                                     Fill::wide};

// Fills `out` by `fill` with values nominally in [lo, hi] (wide goes past it).
void fill_values(std::span<float> out, Fill fill, std::mt19937& rng, float lo = 0.0f,
                 float hi = 1.0f);

struct Size {
    int width;
    int height;
};

// Sizes for kernel checks: 1x1, thin rows and columns, widths 15/16/17, 31/32/33, 63/64/65
// (around 128-, 256- and 512-bit vectors of floats), and sizes of several hundred pixels that
// span several chunks of the row kernels. Heights are kept small.
std::span<const Size> odd_sizes() noexcept;

struct Tolerance {
    float abs = 0.0f;
    float rel = 0.0f;
    bool exact() const noexcept { return abs == 0.0f && rel == 0.0f; }
};

// Where a flat index lies, for messages: planes of `width` x `height` values (channel, y, x), or
// with per_pixel > 1 rows of interleaved pixels (y, pixel x, value within the pixel).
struct Layout {
    int width = 0;      // values per row; 0 = a flat array
    int height = 1;     // rows per plane
    int per_pixel = 1;  // values per pixel in a row: 1 = planar; e.g. 4 for RGBA values
};

// Compares `got` with the reference `ref` value by value. `what` describes the case (kernel,
// size, parameters, fill, seed). Sizes must match.
::testing::AssertionResult compare_values(std::span<const float> got, std::span<const float> ref,
                                          Tolerance tol, Layout layout, std::string_view what);

// The same for bytes (exact, or within `max_diff` levels).
::testing::AssertionResult compare_bytes(std::span<const uint8_t> got, std::span<const uint8_t> ref,
                                         int max_diff, Layout layout, std::string_view what);

// True when KIZUNA_CHECK_BENCH is set to a non-empty value other than "0".
bool bench_enabled() noexcept;

// Bench mode only: calls `fn` a few times to warm up, then times `runs` calls and prints
// "bench NAME: median X us (min Y, max Z, N runs)". Returns the median in microseconds, or 0 when
// bench mode is off (then `fn` is not called).
double bench(std::string_view name, const std::function<void()>& fn, int runs = 20);

// Bench mode only: bench() of the reference ("NAME ref") and of the fast kernel ("NAME fast"),
// then one line with the speed-up. Does nothing when bench mode is off.
void bench_vs_ref(std::string_view name, const std::function<void()>& ref,
                  const std::function<void()>& fast, int runs = 20);

}  // namespace kizuna::test
