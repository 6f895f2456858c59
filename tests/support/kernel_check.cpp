#include "kernel_check.hpp"
#include "core/enum_names.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace kizuna::test {

uint32_t base_seed() noexcept {
    static const uint32_t seed = [] {
        const char* s = std::getenv("KIZUNA_TEST_SEED");
        if (s == nullptr || *s == '\0') return 0u;
        char* end = nullptr;
        const unsigned long v = std::strtoul(s, &end, 10);
        if (*end != '\0' || v > std::numeric_limits<uint32_t>::max()) {
            std::fprintf(stderr, "KIZUNA_TEST_SEED=%s is not a 32-bit decimal number\n", s);
            std::exit(2);
        }
        if (v != 0) std::printf("KIZUNA_TEST_SEED=%lu\n", v);
        return static_cast<uint32_t>(v);
    }();
    return seed;
}

uint32_t case_seed(uint32_t salt) noexcept {
    const uint32_t base = base_seed();
    if (base == 0) return salt;
    // splitmix-style mix, so neighbouring salts stay far apart.
    uint64_t z = (static_cast<uint64_t>(base) << 32 | salt) + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return static_cast<uint32_t>(z ^ (z >> 31));
}

std::string seed_note(uint32_t seed) {
    return " (seed " + std::to_string(seed) + ", KIZUNA_TEST_SEED=" + std::to_string(base_seed()) +
           ")";
}

const char* fill_name(Fill fill) noexcept {
    return enum_name<Fill::nonfinite>(fill,
                                      {"random", "zeros", "ones", "extremes", "wide", "nonfinite"});
}

void fill_values(std::span<float> out, Fill fill, std::mt19937& rng, float lo, float hi) {
    switch (fill) {
        case Fill::zeros:
            std::fill(out.begin(), out.end(), 0.0f);
            return;
        case Fill::ones:
            std::fill(out.begin(), out.end(), 1.0f);
            return;
        case Fill::random: {
            std::uniform_real_distribution<float> u(lo, hi);
            for (float& v : out) v = u(rng);
            return;
        }
        case Fill::wide:
        case Fill::nonfinite: {
            const float m = 0.25f * (hi - lo);
            std::uniform_real_distribution<float> u(lo - m, hi + m);
            for (float& v : out) v = u(rng);
            if (fill == Fill::wide) return;
            const float specials[] = {std::numeric_limits<float>::quiet_NaN(),
                                      std::numeric_limits<float>::infinity(),
                                      -std::numeric_limits<float>::infinity()};
            for (float& v : out) {
                if (rng() % 7 == 0) v = specials[rng() % 3];
            }
            return;
        }
        case Fill::extremes: {
            const float picks[] = {lo,
                                   hi,
                                   0.0f,
                                   1.0f,
                                   0.5f * (lo + hi),
                                   std::nextafter(lo, hi),
                                   std::nextafter(hi, lo)};
            std::uniform_int_distribution<int> pick(0, static_cast<int>(std::size(picks)) - 1);
            for (float& v : out) v = picks[pick(rng)];
            return;
        }
    }
}

std::span<const Size> odd_sizes() noexcept {
    static constexpr Size kSizes[] = {{1, 1},  {2, 9},  {3, 1},   {15, 2},  {16, 3}, {17, 5},
                                      {31, 2}, {32, 1}, {33, 4},  {63, 2},  {64, 3}, {65, 2},
                                      {67, 7}, {96, 2}, {257, 3}, {513, 2}, {600, 2}};
    return kSizes;
}

namespace {

std::string position(size_t i, Layout layout) {
    if (layout.width <= 0) return "index " + std::to_string(i);
    if (layout.per_pixel > 1) {
        const size_t x = i % layout.width;
        return "y " + std::to_string(i / layout.width) + " x " +
               std::to_string(x / layout.per_pixel) + " value " +
               std::to_string(x % layout.per_pixel) + " of the pixel";
    }
    const size_t plane = static_cast<size_t>(layout.width) * std::max(layout.height, 1);
    return "channel " + std::to_string(i / plane) + " y " +
           std::to_string((i % plane) / layout.width) + " x " + std::to_string(i % layout.width);
}

// The failure of a comparison whose two sides hold different counts of `unit`.
::testing::AssertionResult sizes_differ(size_t got, size_t ref, const char* unit,
                                        std::string_view what) {
    return ::testing::AssertionFailure()
           << what << ": " << got << " " << unit << ", reference " << ref;
}

}  // namespace

::testing::AssertionResult compare_values(std::span<const float> got, std::span<const float> ref,
                                          Tolerance tol, Layout layout, std::string_view what) {
    if (got.size() != ref.size()) return sizes_differ(got.size(), ref.size(), "values", what);
    // The worst excess over the allowed error; NaN where the reference is not NaN counts as
    // infinitely wrong, and NaN matches NaN.
    double worst = 0.0;
    size_t at = 0;
    size_t bad = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
        const float g = got[i], r = ref[i];
        if (std::isnan(g) || std::isnan(r)) {
            if (std::isnan(g) && std::isnan(r)) continue;
            ++bad;
            if (worst != INFINITY) at = i;
            worst = INFINITY;
            continue;
        }
        if (tol.exact() ? std::memcmp(&g, &r, sizeof g) == 0 && g == r : g == r) continue;
        const double err = std::fabs(static_cast<double>(g) - r);
        const double allowed = tol.abs + static_cast<double>(tol.rel) * std::fabs(r);
        if (!(err <= allowed) || tol.exact()) {
            ++bad;
            const double excess = tol.exact() ? std::max(err, 1e-300) : err - allowed;
            if (excess > worst) {
                worst = excess;
                at = i;
            }
        }
    }
    if (bad == 0) return ::testing::AssertionSuccess();
    char buf[160];
    std::snprintf(buf, sizeof buf, "fast %.9g, reference %.9g (diff %.3g; allowed %g + %g * |ref|)",
                  got[at], ref[at], std::fabs(static_cast<double>(got[at]) - ref[at]), tol.abs,
                  tol.rel);
    return ::testing::AssertionFailure()
           << what << ": " << bad << " of " << ref.size() << " values differ; worst at "
           << position(at, layout) << ": " << buf;
}

::testing::AssertionResult compare_bytes(std::span<const uint8_t> got, std::span<const uint8_t> ref,
                                         int max_diff, Layout layout, std::string_view what) {
    if (got.size() != ref.size()) return sizes_differ(got.size(), ref.size(), "bytes", what);
    int worst = 0;
    size_t at = 0, bad = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
        const int d = std::abs(int(got[i]) - int(ref[i]));
        if (d > max_diff) {
            ++bad;
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
    }
    if (bad == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << what << ": " << bad << " of " << ref.size() << " bytes differ by more than "
           << max_diff << "; worst at " << position(at, layout) << ": fast " << int(got[at])
           << ", reference " << int(ref[at]);
}

bool bench_enabled() noexcept {
    static const bool on = [] {
        const char* s = std::getenv("KIZUNA_CHECK_BENCH");
        return s != nullptr && *s != '\0' && std::strcmp(s, "0") != 0;
    }();
    return on;
}

double bench(std::string_view name, const std::function<void()>& fn, int runs) {
    if (!bench_enabled()) return 0.0;
    runs = std::max(runs, 1);
    for (int i = 0; i < 3; ++i) fn();
    std::vector<double> us(static_cast<size_t>(runs));
    for (double& t : us) {
        const auto t0 = std::chrono::steady_clock::now();
        fn();
        t = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0)
                .count();
    }
    std::sort(us.begin(), us.end());
    const double median = us[us.size() / 2];
    std::printf("bench %.*s: median %.1f us (min %.1f, max %.1f, %d runs)\n",
                static_cast<int>(name.size()), name.data(), median, us.front(), us.back(), runs);
    std::fflush(stdout);
    return median;
}

void bench_vs_ref(std::string_view name, const std::function<void()>& ref,
                  const std::function<void()>& fast, int runs) {
    if (!bench_enabled()) return;
    const std::string n(name);
    const double ref_us = bench(n + " ref", ref, runs);
    const double fast_us = bench(n + " fast", fast, runs);
    std::printf("bench %s: fast is %.1fx the reference\n", n.c_str(),
                fast_us > 0.0 ? ref_us / fast_us : 0.0);
    std::fflush(stdout);
}

}  // namespace kizuna::test
