// The peak-memory estimates against peaks measured with /usr/bin/time -v ("Maximum resident set
// size") of the same jobs run by the CLI (see src/pipeline/job_memory.cpp): each estimate must be
// at least the measured peak (a job under its estimate really fits) and at most twice it (the
// budget does not refuse jobs that fit with room to spare).
#include "kizuna/job_memory.hpp"
#include "kizuna/probe.hpp"

#include <gtest/gtest.h>

#include <string>

namespace kizuna {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;

ImageHeader png_header(int side, int bits, bool alpha, uint64_t file_bytes) {
    ImageHeader h;
    h.width = h.height = side;
    h.bits_per_channel = bits;
    h.alpha = alpha;
    h.codec = "png";
    const uint64_t channels = alpha ? 4 : 3;
    h.decoded_bytes = uint64_t{static_cast<uint64_t>(side)} * side * channels * (bits / 8);
    h.file_bytes = file_bytes;
    return h;
}

PreviewJob job_for(const ImageHeader& h, int scale, PreviewBackendKind backend) {
    PreviewJob j;
    j.in_width = h.width;
    j.in_height = h.height;
    j.in_format = read_image_format(h);
    j.alpha = h.alpha;
    j.out_width = h.width * scale;
    j.out_height = h.height * scale;
    j.backend = backend;
    return j;
}

void expect_between(uint64_t estimate, double measured_mib, const char* what) {
    const double est_mib = static_cast<double>(estimate) / kMiB;
    EXPECT_GE(est_mib, measured_mib) << what << ": the estimate is below the measured peak";
    EXPECT_LE(est_mib, 2 * measured_mib) << what << ": the estimate is over twice the peak";
}

TEST(JobMemory, StillPreviewEstimatesCoverTheMeasuredPeaks) {
    const ImageWriteOptions png8;
    ImageWriteOptions png16;
    png16.bit_depth = 16;
    struct Case {
        ImageHeader in;
        int scale;
        PreviewBackendKind backend;
        const char* output;
        ImageWriteOptions write;
        double measured_mib;
        const char* what;
    };
    const Case cases[] = {
        {png_header(2000, 8, false, 12040921), 2, PreviewBackendKind::cpu, "o.png", png8, 379.4,
         "cpu x2 RGB noise 2000^2"},
        {png_header(2000, 8, true, 16053853), 2, PreviewBackendKind::cpu, "o.png", png8, 730.4,
         "cpu x2 RGBA noise 2000^2"},
        {png_header(2000, 16, true, 32105629), 2, PreviewBackendKind::cpu, "o.png", png8, 959.6,
         "cpu x2 16-bit RGBA noise 2000^2"},
        {png_header(1000, 16, true, 8026965), 2, PreviewBackendKind::cpu, "o.png", png16, 329.2,
         "cpu x2 16-bit RGBA noise 1000^2 to 16-bit PNG"},
        {png_header(2000, 8, false, 436273), 3, PreviewBackendKind::cpu, "o.png", png8, 1177.5,
         "cpu x3 testsrc 2000^2"},
        {png_header(2000, 8, false, 436273), 4, PreviewBackendKind::cpu, "o.png", png8, 1882.6,
         "cpu x4 testsrc 2000^2"},
        {png_header(2000, 8, false, 12040921), 2, PreviewBackendKind::reference, "o.png", png8,
         759.4, "reference x2 noise 2000^2"},
        {png_header(1400, 8, false, 200000), 2, PreviewBackendKind::vulkan, "o.png", png8, 497.1,
         "vulkan (lavapipe) x2 testsrc 1400^2"},
        {png_header(1000, 8, false, 3010788), 2, PreviewBackendKind::cpu, "o.webp", png8, 146.0,
         "cpu x2 noise 1000^2 to WebP"},
        {png_header(1000, 8, false, 3010788), 2, PreviewBackendKind::cpu, "o.jpg", png8, 119.7,
         "cpu x2 noise 1000^2 to JPEG"},
    };
    for (const Case& c : cases) {
        expect_between(estimate_still_preview_bytes(c.in, job_for(c.in, c.scale, c.backend),
                                                    c.write, c.output),
                       c.measured_mib, c.what);
    }
}

TEST(JobMemory, TemporalStabilizationAddsItsHistory) {
    const ImageHeader in = png_header(2000, 8, false, 436273);
    PreviewJob j = job_for(in, 2, PreviewBackendKind::cpu);
    const uint64_t without = estimate_still_preview_bytes(in, j, {}, "o.png");
    j.temporal = true;
    const uint64_t with = estimate_still_preview_bytes(in, j, {}, "o.png");
    // Two fp16 RGB frames at 4000 x 4000: 192 MB.
    EXPECT_GE(with - without, 190'000'000u);
    expect_between(with, 526.0, "cpu x2 testsrc 2000^2 with temporal (quality profile)");
}

TEST(JobMemory, TheDecompressionBombIsCostedFromItsHeader) {
    ImageHeader bomb;
    bomb.width = bomb.height = 16000;
    bomb.bits_per_channel = 1;
    bomb.decoded_bytes = 16000u * 2000u;
    bomb.file_bytes = 31190;
    // Reading alone: the 1-bit picture and a 1 GB RGBA8 image.
    EXPECT_GE(estimate_image_read_bytes(bomb), 1'024'000'000u + 32'000'000u);
    // Upscaled x2 to 32000^2: far more than any machine the tests run on would admit by default.
    const uint64_t whole =
        estimate_still_preview_bytes(bomb, job_for(bomb, 2, PreviewBackendKind::cpu), {}, "o.png");
    EXPECT_GT(whole, 16'000'000'000u);
}

// Peak RSS of `kizuna models run` (/usr/bin/time -v) on 2-core machines, for the two ways the
// XNNPACK backend runs convolutions: on our direct kernel (CPU level avx2 or avx512: the peaks
// agreed within 2% between an AVX-512 and an AVX2 machine) or on XNNPACK's own operators (below
// avx2, e.g. KIZUNA_CPU_MAX=sse4), which hold indirection buffers (ModelInfo::xnnpack_held_bytes)
// that make the peak 2.5-3x higher (measured on the AVX2 machine before it had the AVX2 kernel).
// 0 = not measured that way (the AVX2 machine has 24 GiB: 4000^2 would need 30).
TEST(JobMemory, ModelRunEstimatesCoverTheMeasuredPeaks) {
    struct Case {
        const char* model;
        int side;
        NnBackendKind backend;
        double direct_mib;   // convolutions on our direct kernel
        double xnnpack_mib;  // convolutions on XNNPACK's operators
    };
    const Case cases[] = {
        {"realesr-animevideov3-x2", 500, NnBackendKind::xnnpack, 206.6, 516.1},
        {"realesr-animevideov3-x2", 1000, NnBackendKind::xnnpack, 707.4, 1943.9},
        {"realesr-animevideov3-x2", 2000, NnBackendKind::xnnpack, 2709.9, 7654.3},
        {"realesr-animevideov3-x2", 4000, NnBackendKind::xnnpack, 10721.2, 0},
        {"realesrgan-x4plus-anime", 375, NnBackendKind::xnnpack, 1225.7, 2603.0},
        {"realcugan-up2x-conservative", 375, NnBackendKind::xnnpack, 514.1, 768.2},
        {"realcugan-up2x-conservative", 375, NnBackendKind::reference, 685.8, 685.8},
        {"waifu2x-cunet-noise1-x2", 250, NnBackendKind::reference, 332.9, 332.9},
        {"waifu2x-upconv7-x2", 375, NnBackendKind::reference, 267.9, 267.9},
    };
    int checked = 0;
    for (const Case& c : cases) {
        auto info = inspect_model(c.model);
        ASSERT_TRUE(info) << "models not installed (scripts/setup.sh installs them): "
                          << info.error().message;
        // The reference backend holds the same either way; the XNNPACK backend's figure depends
        // on whether the direct kernel runs at the CPU level in force.
        const bool direct = cpu_level() >= CpuLevel::avx2;
        const double measured = direct ? c.direct_mib : c.xnnpack_mib;
        if (measured == 0) continue;
        ImageHeader in = png_header(c.side, 8, false, 100000);
        const std::string what = std::string(c.model) + " at " + std::to_string(c.side) + "^2" +
                                 (direct ? " (direct kernel)" : " (XNNPACK convolutions)");
        expect_between(estimate_still_model_bytes(in, *info, c.backend, {}, "o.png"), measured,
                       what.c_str());
        ++checked;
    }
    EXPECT_GE(checked, 8);
}

}  // namespace
}  // namespace kizuna
