// Stage 1 on Vulkan for planar Y'CbCr (VkNormalizeYuv) against normalize_yuv_ref: 8 and 10 bits,
// 4:2:0 / 4:2:2 / 4:4:4, BT.601 / 709 / 2020 / rgb (GBR planes), limited / full range, left /
// center / top-left chroma siting, odd sizes, random / all-zero / all-max code values (random
// 10-bit samples carry garbage in their 6 high bits, which must be ignored), padded strides
// (the padding must not leak), the defaults of unspecified metadata, denoise and linear-light
// corners with both transfers, and no allocation when the same size comes again.
// Tolerances: decode only 2e-6 (fp32 storage; the same float operations, a few ULP apart where
// the device contracts a multiply-add), 3e-4 (fp16 storage: the output is rounded to fp16, at
// most 2.5e-4 in [0, 1]). One code step is 1.1e-3 at 10 bits, so a wrong sample, weight or
// coefficient fails. With denoise or linear light: 1e-4 / 2e-3, as normalize_vk_test.cpp (exp and
// pow differ by a few ULP between CPU and GPU; in fp16 the denoise input is rounded too).
// Measured on lavapipe: decode 0 (fp32) / 2.44e-4 (fp16); denoise + linear 7.2e-7 / 1.05e-3.
#include <fmt/format.h>

#include <cstring>
#include <vector>

#include "core/enum_names.hpp"
#include "stages/planar.hpp"
#include "stages/ref/normalize.hpp"
#include "stages/vk/frame_io.hpp"
#include "stages/vk/normalize_yuv.hpp"
#include "vk_test_support.hpp"
#include "yuv_picture.hpp"

namespace kizuna::stages {
namespace {

enum class Codes { random, zeros, max };

const char* codes_name(Codes c) {
    return c == Codes::random ? "random" : c == Codes::zeros ? "zeros" : "max";
}
const char* sub_name(ChromaSubsampling s) {
    return s == ChromaSubsampling::s420   ? "4:2:0"
           : s == ChromaSubsampling::s422 ? "4:2:2"
                                          : "4:4:4";
}
const char* matrix_name(ColorMatrix m) {
    static constexpr std::pair<ColorMatrix, const char*> kNames[] = {
        {ColorMatrix::rgb, "rgb"},           {ColorMatrix::bt709, "bt709"},
        {ColorMatrix::bt601, "bt601"},       {ColorMatrix::bt470bg, "bt470bg"},
        {ColorMatrix::bt2020_ncl, "bt2020"}, {ColorMatrix::unspecified, "unspecified"}};
    return map_lookup(kNames, m, "?");
}
const char* location_name(ChromaLocation l) {
    return enum_name<ChromaLocation::top_left>(l, {"unspecified", "left", "center", "top_left"});
}

// A planar picture owned by the test, with rows padded by 3 samples (the padding holds 0xa5
// bytes).
using test::YuvPicture;

YuvPicture make_yuv(int w, int h, int bits, ChromaSubsampling sub, ColorInfo color, Codes codes,
                    uint32_t seed) {
    YuvPicture pic = test::yuv_picture(w, h, bits, sub, color, 3);
    const int max_code = (1 << bits) - 1;
    std::mt19937 rng(seed);
    auto fill = [&](int plane, int pw, int ph) {
        for (int row = 0; row < ph; ++row) {
            for (int x = 0; x < pw; ++x) {
                uint32_t c = codes == Codes::zeros ? 0u
                             : codes == Codes::max ? static_cast<uint32_t>(max_code)
                                                   : rng() % static_cast<uint32_t>(max_code + 1);
                if (bits > 8 && codes == Codes::random) c |= rng() & 0xfc00u;  // ignored bits
                pic.set(plane, x, row, c);
            }
        }
    };
    fill(0, w, h);
    fill(1, pic.view.chroma_width(), pic.view.chroma_height());
    fill(2, pic.view.chroma_width(), pic.view.chroma_height());
    return pic;
}

// The stage with a command buffer and a readback buffer, one per storage precision; it shares
// the fixture runner's VkKernels (pipelines and descriptor sets).
struct YuvHarness {
    vk::VkNormalizeYuv stage;
    gpu::CommandBuffer cmd;
    gpu::Buffer download;
};

class VkNormalizeYuvTest : public vktest::VkStageTest {
protected:
    void SetUp() override {
        vktest::VkStageTest::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        static std::map<gpu::StoragePrecision, std::unique_ptr<YuvHarness>> harnesses;
        auto& h = harnesses[GetParam()];
        if (!h) {
            h = std::make_unique<YuvHarness>();
            auto cmd = gpu::CommandBuffer::create(*ctx_);
            ASSERT_TRUE(cmd) << cmd.error().message;
            h->cmd = std::move(*cmd);
        }
        h_ = h.get();
    }

    // prepare + record + readback, waiting for the device.
    Result<void> run(const YuvView& in, const NormalizeParams& p, PlanarFrame& out) {
        vk::VkKernels& k = runner_->kernels();
        KZ_TRY(h_->stage.prepare(k, in, p));
        const size_t bytes = static_cast<size_t>(in.width) * in.height * 4 * k.value_size();
        KZ_TRY(k.ensure_buffer(h_->download, bytes, gpu::BufferKind::download));
        gpu::CommandBuffer& cmd = h_->cmd;
        KZ_TRY(cmd.begin());
        k.record_uploads(cmd);
        KZ_TRY(h_->stage.record(k, cmd, p));
        cmd.barrier_compute_to_transfer();
        const VkBufferCopy region{0, 0, bytes};
        vkCmdCopyBuffer(cmd.get(), h_->stage.out.buffer.get(), h_->download.get(), 1, &region);
        cmd.barrier_transfer_to_host();
        auto serial = cmd.submit();
        if (!serial) return std::move(serial).error();
        KZ_TRY(cmd.wait());
        k.release_uploads();
        KZ_TRY(h_->download.invalidate());
        return vk::words_to_frame(h_->download.mapped(), in.width, in.height, k.precision(), out);
    }

    // Runs both and compares; the message names every parameter and the seed.
    void check(const YuvPicture& pic, const NormalizeParams& p, float tol,
               const std::string& what) {
        PlanarFrame want, got;
        ASSERT_TRUE(normalize_yuv_ref(pic.view, p, want)) << what;
        auto r = run(pic.view, p, got);
        ASSERT_TRUE(r) << what << ": " << r.error().message;
        ASSERT_TRUE(vktest::frames_near(want, got, tol, what));
    }

    YuvHarness* h_ = nullptr;
};

// Odd sizes, and one even size: there the last row / column of a subsampled picture takes the
// chroma interpolated toward an index past the plane, which must be clamped.
constexpr vktest::Size kYuvSizes[] = {{67, 43}, {1, 1}, {3, 5}, {10, 6}};

TEST_P(VkNormalizeYuvTest, DecodeMatchesReference) {
    uint32_t seed = 5000;
    for (int bits : {8, 10}) {
        for (auto sub :
             {ChromaSubsampling::s420, ChromaSubsampling::s422, ChromaSubsampling::s444}) {
            for (auto matrix : {ColorMatrix::bt601, ColorMatrix::bt709, ColorMatrix::bt2020_ncl,
                                ColorMatrix::rgb}) {
                for (auto range : {ColorRange::limited, ColorRange::full}) {
                    for (auto loc :
                         {ChromaLocation::left, ChromaLocation::center, ChromaLocation::top_left}) {
                        for (const auto size : kYuvSizes) {
                            for (Codes codes : {Codes::random, Codes::zeros, Codes::max}) {
                                ++seed;
                                const std::string what =
                                    fmt::format("yuv {} {}x{} {}-bit {} {} {} {} {} seed={}",
                                                vktest::precision_name(GetParam()), size.w, size.h,
                                                bits, sub_name(sub), matrix_name(matrix),
                                                range == ColorRange::full ? "full" : "limited",
                                                location_name(loc), codes_name(codes), seed);
                                ColorInfo color;
                                color.matrix = matrix;
                                color.range = range;
                                color.chroma_location = loc;
                                const YuvPicture pic =
                                    make_yuv(size.w, size.h, bits, sub, color, codes, seed);
                                check(pic, {}, tol(2e-6f, 3e-4f), what);
                                if (HasFatalFailure()) return;
                            }
                        }
                    }
                }
            }
        }
    }
}

TEST_P(VkNormalizeYuvTest, DenoiseAndLinearLightMatchReference) {
    const NormalizeParams corners[] = {
        {0.0f, 2, true},   // linear light in the decode pass
        {1.0f, 1, false},  // strongest denoise, smallest radius
        {0.5f, 4, true},   // largest radius, then linear light
    };
    uint32_t seed = 9000;
    for (int bits : {8, 10}) {
        for (auto transfer : {ColorTransfer::bt709, ColorTransfer::srgb}) {
            for (const auto size : kYuvSizes) {
                for (const NormalizeParams& p : corners) {
                    ++seed;
                    const std::string what = fmt::format(
                        "yuv {} {}x{} {}-bit 4:2:0 bt709 limited {} strength={} radius={} "
                        "linear={} seed={}",
                        vktest::precision_name(GetParam()), size.w, size.h, bits,
                        transfer == ColorTransfer::srgb ? "srgb" : "bt709-transfer",
                        p.denoise_strength, p.denoise_radius, p.linear_light, seed);
                    ColorInfo color;
                    color.matrix = ColorMatrix::bt709;
                    color.range = ColorRange::limited;
                    color.transfer = transfer;
                    const YuvPicture pic = make_yuv(size.w, size.h, bits, ChromaSubsampling::s420,
                                                    color, Codes::random, seed);
                    check(pic, p, tol(1e-4f, 2e-3f), what);
                    if (HasFatalFailure()) return;
                }
            }
        }
    }
}

TEST_P(VkNormalizeYuvTest, UnspecifiedMetadataTakesTheDefaults) {
    // Matrix by height (BT.601 up to 576 lines, BT.709 above), limited range, left siting,
    // BT.709 transfer.
    ColorInfo color;
    color.matrix = ColorMatrix::unspecified;
    color.range = ColorRange::unspecified;
    color.chroma_location = ChromaLocation::unspecified;
    color.transfer = ColorTransfer::unspecified;
    uint32_t seed = 12000;
    for (const vktest::Size size : {vktest::Size{5, 576}, vktest::Size{3, 577}}) {
        for (const NormalizeParams& p : {NormalizeParams{}, NormalizeParams{0.0f, 2, true}}) {
            ++seed;
            const std::string what = fmt::format(
                "yuv {} {}x{} 8-bit 4:2:0 unspecified metadata linear={} seed={}",
                vktest::precision_name(GetParam()), size.w, size.h, p.linear_light, seed);
            const YuvPicture pic =
                make_yuv(size.w, size.h, 8, ChromaSubsampling::s420, color, Codes::random, seed);
            check(pic, p, p.linear_light ? tol(1e-4f, 2e-3f) : tol(2e-6f, 3e-4f), what);
            if (HasFatalFailure()) return;
        }
    }
}

TEST_P(VkNormalizeYuvTest, SteadyStateAllocatesNothing) {
    ColorInfo color;
    color.matrix = ColorMatrix::bt709;
    const YuvPicture a = make_yuv(33, 17, 10, ChromaSubsampling::s420, color, Codes::random, 1);
    const YuvPicture b = make_yuv(33, 17, 10, ChromaSubsampling::s420, color, Codes::random, 2);
    const NormalizeParams p{0.5f, 2, true};
    PlanarFrame got;
    ASSERT_TRUE(run(a.view, p, got));
    const vk::VkKernels& k = runner_->kernels();
    const size_t buffers = k.buffers_allocated(), pipelines = k.pipelines_created(),
                 sets = k.sets_created();
    check(b, p, tol(1e-4f, 2e-3f), "yuv second frame 33x17 10-bit");
    EXPECT_EQ(k.buffers_allocated(), buffers);
    EXPECT_EQ(k.pipelines_created(), pipelines);
    EXPECT_EQ(k.sets_created(), sets);
}

TEST_P(VkNormalizeYuvTest, RejectsInvalidInput) {
    ColorInfo color;
    YuvPicture pic = make_yuv(8, 4, 8, ChromaSubsampling::s420, color, Codes::zeros, 1);
    PlanarFrame out;
    YuvView bad = pic.view;
    bad.bit_depth = 12;
    auto r = run(bad, {}, out);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("bit depth"), std::string::npos) << r.error().message;
    bad = pic.view;
    bad.u = nullptr;
    EXPECT_FALSE(run(bad, {}, out));
    bad = pic.view;
    bad.y_stride = 7;
    r = run(bad, {}, out);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("y_stride"), std::string::npos) << r.error().message;
    // After a failed prepare() nothing stale may be recorded.
    EXPECT_FALSE(h_->stage.record(runner_->kernels(), h_->cmd, {}));
}

INSTANTIATE_TEST_SUITE_P(Precision, VkNormalizeYuvTest, vktest::both_precisions(),
                         vktest::precision_param_name);

}  // namespace
}  // namespace kizuna::stages
