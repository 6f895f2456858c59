// The hybrid chain with the stages and the model both on Vulkan: one device for the whole chain,
// and the frame kept on it from stage 1 to packing. Checked against the host path of the same
// chain on the same device (pipeline::set_gpu_resident_frames(false)): untiled, tiled with a
// forced small tile (seams), and tiled with global pooling (statistics passes); by the gpu
// layer's transfer counters (only the input goes up and the packed output comes down); and by
// an injected out-of-device-memory, which must still give every frame its AI picture, on the CPU
// backend. The models are tiny ones written by the test (3x3 convolutions, a x2 pixel shuffle,
// and in one a squeeze-excitation block with global average pooling, as Real-CUGAN has), so that
// lavapipe runs them in milliseconds. The same in fp16 (ai.precision fp16: against the host path
// in fp16 and the device path in fp32, two runs byte-identical, tiled against untiled), and fp16
// asked for on a device without 16-bit storage. Skips when the machine has no Vulkan device
// (the fp16 tests also when it has no 16-bit storage buffers).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "gpu/context.hpp"
#include "gpu/device_alloc_fault.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/upscaler.hpp"
#include "model_files.hpp"
#include "nn/vulkan/vk_device.hpp"
#include "pipeline/hybrid/ai_stage.hpp"
#include "pipeline/hybrid/gpu_resident.hpp"
#include "pipeline/hybrid/notices.hpp"

namespace kizuna {
namespace {

// Writes `param` and a .bin of seeded random weights for the given parameter counts (each
// weighted layer: a tagged fp32 array of its weights then its biases) under the test's temp
// folder; returns the .param path.
std::string write_model(const std::string& name, const std::string& param,
                        const std::vector<std::pair<int, int>>& weights_and_biases) {
    std::minstd_rand rng(7);
    std::uniform_real_distribution<float> w(-0.2f, 0.2f), b(0.2f, 0.4f);
    test::BinWriter bin;
    for (auto [n_weights, n_biases] : weights_and_biases) {
        std::vector<float> v(static_cast<size_t>(n_weights));
        for (float& x : v) x = w(rng);
        for (int i = 0; i < n_biases; ++i) v.push_back(b(rng));
        bin.tagged_f32(v);
    }
    return test::write_model_files("kizuna_gpu_resident_test", name, param, bin);
}

// 3 -> `width` -> 12 channels of 3x3 convolutions, then a x2 pixel shuffle: receptive radius 2.
std::string two_convolutions(int width) {
    const std::string name = "conv" + std::to_string(width) + "_x2";
    const int w1 = 27 * width, w2 = 9 * width * 12;
    return write_model(name,
                       "7767517\n4 4\nInput in 0 1 data\n"
                       "Convolution c1 1 1 data a 0=" +
                           std::to_string(width) + " 1=3 4=1 5=1 6=" + std::to_string(w1) +
                           " 9=1\nConvolution c2 1 1 a b 0=12 1=3 4=1 5=1 6=" + std::to_string(w2) +
                           "\nPixelShuffle ps 1 1 b out 0=2\n",
                       {{w1, width}, {w2, 12}});
}

const std::string& plain_model() {
    static const std::string path = two_convolutions(8);
    return path;
}

// 32 channels wide: its activations (~400 KB for the test's frame) are larger than any buffer
// of the stages (< 130 KB), so an allocation floor between fails only the model.
const std::string& wide_model() {
    static const std::string path = two_convolutions(32);
    return path;
}

// A squeeze-excitation block (global average pooling, a sigmoid gate) between two
// convolutions: tiled runs take the whole-frame means in statistics passes.
const std::string& pooling_model() {
    static const std::string path =
        write_model("pooling_x2",
                    "7767517\n8 9\n"
                    "Input in 0 1 data\n"
                    "Convolution c1 1 1 data a 0=8 1=3 4=1 5=1 6=216 9=1\n"
                    "Split sp 1 2 a a0 a1\n"
                    "Pooling gap 1 1 a1 g 0=1 4=1\n"
                    "InnerProduct fc 1 1 g s 0=8 1=1 2=64 9=4\n"
                    "BinaryOp mul 2 1 a0 s m 0=2\n"
                    "Convolution c2 1 1 m b 0=12 1=3 4=1 5=1 6=864\n"
                    "PixelShuffle ps 1 1 b out 0=2\n",
                    {{216, 8}, {64, 8}, {864, 12}});
    return path;
}

// Bands of colour with a dark diagonal line: edges for stage 2, flat areas for the AI.
Image picture(int w, int h) {
    Image img = Image::create(w, h, PixelFormat::rgba8).value();
    for (int y = 0; y < h; ++y) {
        auto* p = img.view().row_as<uint8_t>(y);
        for (int x = 0; x < w; ++x) {
            const bool line = std::abs(x - 2 * y + 5) < 2;
            p[4 * x + 0] = line ? 30 : static_cast<uint8_t>(40 + 9 * x);
            p[4 * x + 1] = line ? 25 : static_cast<uint8_t>(200 - 7 * y);
            p[4 * x + 2] = line ? 50 : (x / 6 + y / 5) % 2 ? 210 : 90;
            p[4 * x + 3] = 255;
        }
    }
    return img;
}

// Every stage but temporal on, the AI on Vulkan in `precision` blended with stage 3.
Profile vulkan_ai_profile(const std::string& model, AiPrecision precision = AiPrecision::fp32) {
    Profile p = builtin_profile("balanced").value();
    p.ai.precision = precision;
    p.ai.enabled = true;
    p.ai.model = model;
    p.ai.scale = 2;
    p.ai.strength = 0.75f;
    p.ai.backend = BackendPreference::vulkan;
    p.temporal.enabled = false;
    return p;
}

UpscalerOptions vulkan_stages() {
    UpscalerOptions o;
    o.stages.backend = PreviewBackendKind::vulkan;
    return o;
}

// The chain, or a skip when the stages or the model cannot run on Vulkan here.
#define KZ_VULKAN_CHAIN_OR_SKIP(var, profile)                                           \
    auto var = Upscaler::create(profile, vulkan_stages());                              \
    ASSERT_TRUE(var) << var.error().message;                                            \
    if (var->stage_backend().substr(0, 6) != "vulkan" || var->ai_backend() != "vulkan") \
        GTEST_SKIP() << "no Vulkan device: stages " << var->stage_backend() << ", AI "  \
                     << var->ai_backend();

// Two frames of `in` through the chain, each with the AI picture; the last one in out.
void two_frames_with_ai(Upscaler& up, const Image& in, Image& out) {
    for (int frame = 0; frame < 2; ++frame) {
        UpscaleReport report;
        ASSERT_TRUE(up.process(in.view(), out, {}, &report));
        EXPECT_TRUE(report.ai_used) << "frame " << frame << ": " << report.ai_note;
    }
}

TEST(GpuResident, StagesAndModelShareOneDevice) {
    const uint64_t devices = gpu::Context::devices_created();
    const uint64_t uploads = nn::VulkanDevice::weight_uploads();
    KZ_VULKAN_CHAIN_OR_SKIP(up, vulkan_ai_profile(plain_model()));
    Image out;
    two_frames_with_ai(*up, picture(20, 14), out);
    EXPECT_EQ(gpu::Context::devices_created() - devices, 1u)
        << "the Vulkan stages and the Vulkan NN backend of one chain must share one device";
    EXPECT_EQ(nn::VulkanDevice::weight_uploads() - uploads, 1u);
}

// Restores the default (frames on the device) and disarms injected faults.
struct Restore {
    ~Restore() {
        pipeline::set_gpu_resident_frames(true);
        gpu::clear_device_allocation_faults();
    }
};

// Largest difference of two RGBA8 pictures, in 8-bit levels.
int max_level_difference(const Image& a, const Image& b) {
    EXPECT_EQ(a.width(), b.width());
    EXPECT_EQ(a.height(), b.height());
    int worst = 0;
    for (int y = 0; y < std::min(a.height(), b.height()); ++y) {
        const uint8_t* pa = a.view().row_as<const uint8_t>(y);
        const uint8_t* pb = b.view().row_as<const uint8_t>(y);
        for (int i = 0; i < 4 * std::min(a.width(), b.width()); ++i)
            worst = std::max(worst, std::abs(pa[i] - pb[i]));
    }
    return worst;
}

// One frame through the same chain on the host path and on the device path: at most 1 level
// apart after packing (the model's work is the same, in fp32 or fp16; only the tiles' copies and
// blends move to the device, with the CPU tiler's tables and weights, and in fp16 the gather
// rounds the model's input to nearest even as the host's staging does). Unless the model has
// global pooling (whose statistics passes bring the pooled activations back, as on the host),
// the device path brings back nothing but the packed output.
void expect_device_path_matches_host_path(const std::string& model, int tile, int w, int h,
                                          bool expect_tiled, bool global_pooling = false,
                                          AiPrecision precision = AiPrecision::fp32) {
    Profile profile = vulkan_ai_profile(model, precision);
    profile.ai.tile_size = tile;
    KZ_VULKAN_CHAIN_OR_SKIP(up, profile);
    if (up->ai_precision() != ai_precision_name(precision))
        GTEST_SKIP() << "the model runs in " << up->ai_precision() << ", not "
                     << ai_precision_name(precision) << " (no 16-bit storage buffers)";
    const Restore restore;
    const Image in = picture(w, h);
    Image host, device;
    UpscaleReport report;
    pipeline::set_gpu_resident_frames(false);
    ASSERT_TRUE(up->process(in.view(), host, {}, &report));
    ASSERT_TRUE(report.ai_used) << report.ai_note;
    pipeline::set_gpu_resident_frames(true);
    const gpu::TransferStats before = gpu::Context::transfers();
    ASSERT_TRUE(up->process(in.view(), device, {}, &report));
    ASSERT_TRUE(report.ai_used) << report.ai_note;
    const gpu::TransferStats after = gpu::Context::transfers();
    EXPECT_EQ(report.tiles.tiled(), expect_tiled)
        << report.tiles.tiles_x << "x" << report.tiles.tiles_y << " tiles";
    if (!global_pooling) {
        EXPECT_EQ(after.download_bytes - before.download_bytes,
                  device.height() * device.width() * 4u)
            << model;
    }
    EXPECT_LE(max_level_difference(device, host), 1)
        << model << ", tile " << tile << ", " << ai_precision_name(precision);
}

TEST(GpuResident, UntiledFrameEqualsTheHostPath) {
    expect_device_path_matches_host_path(plain_model(), 0, 21, 15, false);
}

TEST(GpuResident, TiledFrameEqualsTheHostPath) {
    expect_device_path_matches_host_path(plain_model(), 32, 52, 45, true);
}

TEST(GpuResident, TiledGlobalPoolingEqualsTheHostPath) {
    expect_device_path_matches_host_path(pooling_model(), 32, 52, 45, true, true);
}

// In steady state a frame's only host <-> device copies are the decoded input going up and
// the packed output coming down; the host path of the same chain also brings the model's input
// down and sends its picture up (which shows the counter sees them).
TEST(GpuResident, OnlyTheInputGoesUpAndThePackedOutputComesDown) {
    KZ_VULKAN_CHAIN_OR_SKIP(up, vulkan_ai_profile(plain_model()));
    const Restore restore;
    const Image in = picture(24, 18);
    Image out;
    ASSERT_TRUE(up->process(in.view(), out));  // first frame: tables, weights
    const uint64_t in_bytes = 24 * 18 * 4, out_bytes = 48 * 36 * 4;
    for (bool resident : {true, false}) {
        pipeline::set_gpu_resident_frames(resident);
        ASSERT_TRUE(up->process(in.view(), out));  // warm this path
        const gpu::TransferStats before = gpu::Context::transfers();
        UpscaleReport report;
        ASSERT_TRUE(up->process(in.view(), out, {}, &report));
        ASSERT_TRUE(report.ai_used) << report.ai_note;
        const gpu::TransferStats after = gpu::Context::transfers();
        const uint64_t up_bytes = after.upload_bytes - before.upload_bytes;
        const uint64_t down_bytes = after.download_bytes - before.download_bytes;
        if (resident) {
            EXPECT_EQ(after.uploads - before.uploads, 1u);
            EXPECT_EQ(up_bytes, in_bytes);
            EXPECT_EQ(after.downloads - before.downloads, 1u);
            EXPECT_EQ(down_bytes, out_bytes);
        } else {
            const uint64_t model_in = 3 * 24 * 18 * 4, model_out = 3 * 48 * 36 * 4;
            EXPECT_GE(up_bytes, in_bytes + model_in + model_out);
            EXPECT_GE(down_bytes, out_bytes + model_in + model_out);
        }
    }
}

// Out of device memory for the model only: the device path steps down (notices) to the CPU
// backend, which gives this frame and the next their AI picture through the host path, the same
// as a chain whose model runs on the CPU from the start.
TEST(GpuResident, OutOfDeviceMemoryFallsBackToTheHostPathWithoutLosingAFrame) {
    const Restore restore;
    gpu::fail_device_allocations(-1, 200 * 1024);
    KZ_VULKAN_CHAIN_OR_SKIP(up, vulkan_ai_profile(wide_model()));
    const Image in = picture(48, 40);
    Image out;
    two_frames_with_ai(*up, in, out);
    EXPECT_GT(gpu::injected_device_allocation_failures(), 0);
    gpu::clear_device_allocation_faults();
    EXPECT_EQ(up->ai_backend(), "xnnpack");
    const auto noticed = [&](const std::string& a) {
        return std::any_of(up->notices().begin(), up->notices().end(),
                           [&](const std::string& n) { return n.find(a) != std::string::npos; });
    };
    EXPECT_TRUE(noticed("AI on vulkan: out of memory with"));
    EXPECT_TRUE(noticed("AI on vulkan failed ("));

    Profile cpu = vulkan_ai_profile(wide_model());
    cpu.ai.backend = BackendPreference::cpu;
    auto reference = Upscaler::create(cpu, vulkan_stages());
    ASSERT_TRUE(reference) << reference.error().message;
    Image want;
    ASSERT_TRUE(reference->process(in.view(), want));
    EXPECT_EQ(max_level_difference(out, want), 0);
}

// ai.precision fp16: the NN backend's arena holds fp16 (the f16 variants of tile_gather and
// tile_blend read and write it), the model input and the AI picture stay fp32.

// The chain in fp16, or a skip when the model cannot run on Vulkan in fp16 here.
#define KZ_VULKAN_FP16_CHAIN_OR_SKIP(var, profile) \
    KZ_VULKAN_CHAIN_OR_SKIP(var, profile);         \
    if (var->ai_precision() != "fp16")             \
        GTEST_SKIP() << "no 16-bit storage buffers: the model runs in " << var->ai_precision();

TEST(GpuResidentFp16, UntiledFrameEqualsTheHostPath) {
    expect_device_path_matches_host_path(plain_model(), 0, 21, 15, false, false, AiPrecision::fp16);
}

TEST(GpuResidentFp16, TiledFrameEqualsTheHostPath) {
    expect_device_path_matches_host_path(plain_model(), 32, 52, 45, true, false, AiPrecision::fp16);
}

TEST(GpuResidentFp16, TiledGlobalPoolingEqualsTheHostPath) {
    expect_device_path_matches_host_path(pooling_model(), 32, 52, 45, true, true,
                                         AiPrecision::fp16);
}

// fp16 against fp32, both on the device path, tiled: within 2 levels after packing. The fp16
// tests of the NN backend (kernels/nn/vulkan_fp16_test.cpp) hold a whole model to 5e-3 of its
// [0, 1] output, 1.3 levels; the chain scales that by ai.strength (0.75) before stages 4-5 and
// each of the two packings rounds to the nearest level, so 2 levels bound it.
TEST(GpuResidentFp16, MatchesFp32WithinTheFp16Tolerance) {
    Profile half = vulkan_ai_profile(plain_model(), AiPrecision::fp16);
    half.ai.tile_size = 32;
    Profile full = vulkan_ai_profile(plain_model(), AiPrecision::fp32);
    full.ai.tile_size = 32;
    KZ_VULKAN_FP16_CHAIN_OR_SKIP(up16, half);
    KZ_VULKAN_CHAIN_OR_SKIP(up32, full);
    ASSERT_EQ(up32->ai_precision(), "fp32");
    const Image in = picture(52, 45);
    Image a, b;
    UpscaleReport report;
    ASSERT_TRUE(up16->process(in.view(), a, {}, &report));
    ASSERT_TRUE(report.ai_used) << report.ai_note;
    ASSERT_TRUE(report.tiles.tiled());
    ASSERT_TRUE(up32->process(in.view(), b, {}, &report));
    ASSERT_TRUE(report.ai_used) << report.ai_note;
    EXPECT_LE(max_level_difference(a, b), 2);
}

// Two frames of the same picture give the same bytes; and the tiles leave no seam: the tiled
// frame is the untiled one (the automatic overlap blends only values both tiles computed from
// the same context) within the blend's rounding, 1 level.
TEST(GpuResidentFp16, RerunsAreByteIdenticalAndTilesLeaveNoSeams) {
    Profile tiled = vulkan_ai_profile(plain_model(), AiPrecision::fp16);
    tiled.ai.tile_size = 32;
    KZ_VULKAN_FP16_CHAIN_OR_SKIP(up, tiled);
    KZ_VULKAN_FP16_CHAIN_OR_SKIP(whole, vulkan_ai_profile(plain_model(), AiPrecision::fp16));
    const Image in = picture(52, 45);
    Image first, second, untiled;
    UpscaleReport report;
    ASSERT_TRUE(up->process(in.view(), first, {}, &report));
    ASSERT_TRUE(report.ai_used) << report.ai_note;
    ASSERT_TRUE(report.tiles.tiled());
    ASSERT_TRUE(up->process(in.view(), second, {}, &report));
    ASSERT_TRUE(report.ai_used) << report.ai_note;
    EXPECT_EQ(max_level_difference(first, second), 0);
    ASSERT_TRUE(whole->process(in.view(), untiled, {}, &report));
    ASSERT_TRUE(report.ai_used) << report.ai_note;
    ASSERT_FALSE(report.tiles.tiled());
    EXPECT_LE(max_level_difference(first, untiled), 1);
}

// ai.precision fp16 on a device whose 16-bit storage is off: the model runs in fp32 on it (the
// frames stay on the device), and a notice names the device and the precision used.
TEST(GpuResidentFp16, Fp16WithoutSixteenBitStorageRunsFp32WithANotice) {
    gpu::ContextParams cp;
    cp.use_fp16 = false;
    auto context = gpu::Context::create(cp);
    if (!context) GTEST_SKIP() << "no Vulkan device: " << context.error().message;
    std::shared_ptr<gpu::Context> shared(std::move(*context));
    pipeline::Notices notices;
    auto stage = pipeline::AiStage::create(vulkan_ai_profile(plain_model(), AiPrecision::fp16),
                                           false, notices, shared);
    ASSERT_TRUE(stage) << stage.error().message;
    EXPECT_EQ(stage->backend_name(), "vulkan");
    EXPECT_EQ(stage->precision_name(), "fp32");
    EXPECT_TRUE(stage->runs_on(*shared));
    ASSERT_EQ(notices.all().size(), 1u);
    EXPECT_TRUE(notices.all()[0].starts_with("ai.precision fp16: the Vulkan device '"))
        << notices.all()[0];
    EXPECT_NE(notices.all()[0].find("no 16-bit storage buffers"), std::string::npos);
    EXPECT_TRUE(notices.all()[0].ends_with("the model runs in fp32")) << notices.all()[0];
}

}  // namespace
}  // namespace kizuna
