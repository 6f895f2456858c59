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

#include "stages/planar.hpp"
#include "stages/ref/normalize.hpp"
#include "stages/vk/frame_io.hpp"
#include "stages/vk/normalize_yuv.hpp"
#include "vk_test_support.hpp"

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
    switch (m) {
        case ColorMatrix::rgb:
            return "rgb";
        case ColorMatrix::bt709:
            return "bt709";
        case ColorMatrix::bt601:
            return "bt601";
        case ColorMatrix::bt470bg:
            return "bt470bg";
        case ColorMatrix::bt2020_ncl:
            return "bt2020";
        case ColorMatrix::unspecified:
            return "unspecified";
    }
    return "?";
}
const char* location_name(ChromaLocation l) {
    switch (l) {
        case ChromaLocation::left:
            return "left";
        case ChromaLocation::center:
            return "center";
        case ChromaLocation::top_left:
            return "top_left";
        case ChromaLocation::unspecified:
            return "unspecified";
    }
    return "?";
}

// A planar picture owned by the test, with padded rows (the padding holds 0xa5 bytes).
struct YuvPicture {
    std::vector<std::byte> y, u, v;
    YuvView view;
};

YuvPicture make_yuv(int w, int h, int bits, ChromaSubsampling sub, ColorInfo color, Codes codes,
                    uint32_t seed) {
    YuvPicture pic;
    YuvView& in = pic.view;
    in.width = w;
    in.height = h;
    in.bit_depth = bits;
    in.subsampling = sub;
    in.color = color;
    const int bps = bits > 8 ? 2 : 1;
    const int max_code = (1 << bits) - 1;
    std::mt19937 rng(seed);
    auto fill = [&](std::vector<std::byte>& plane, ptrdiff_t& stride, int pw, int ph) {
        stride = static_cast<ptrdiff_t>(pw + 3) * bps;
        plane.assign(static_cast<size_t>(stride) * ph, std::byte{0xa5});
        for (int row = 0; row < ph; ++row) {
            for (int x = 0; x < pw; ++x) {
                uint32_t c = codes == Codes::zeros ? 0u
                             : codes == Codes::max ? static_cast<uint32_t>(max_code)
                                                   : rng() % static_cast<uint32_t>(max_code + 1);
                if (bits > 8 && codes == Codes::random) c |= rng() & 0xfc00u;  // ignored bits
                std::byte* p = plane.data() + row * stride + x * bps;
                p[0] = static_cast<std::byte>(c & 0xffu);
                if (bps == 2) p[1] = static_cast<std::byte>(c >> 8);
            }
        }
    };
    fill(pic.y, in.y_stride, w, h);
    fill(pic.u, in.u_stride, in.chroma_width(), in.chroma_height());
    fill(pic.v, in.v_stride, in.chroma_width(), in.chroma_height());
    in.y = pic.y.data();
    in.u = pic.u.data();
    in.v = pic.v.data();
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

INSTANTIATE_TEST_SUITE_P(Precision, VkNormalizeYuvTest,
                         testing::Values(gpu::StoragePrecision::f32, gpu::StoragePrecision::f16),
                         vktest::precision_param_name);

}  // namespace
}  // namespace kizuna::stages
