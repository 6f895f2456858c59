// The user shaders of `kizuna shaders` in FFmpeg's libplacebo filter (custom_shader_path), on
// lavapipe here and in CI, against our Vulkan preview on the same frames: with temporal
// stabilization off the pictures agree (PSNR >= 45 dB per frame); with it on, the filter's
// output behaves as stage 5 must (temporal_behaviour_test.cpp): flicker damped where the picture
// is still, no trail where it moves, untouched first frames after a cut.
// Frames are small generated cartoons (96x64 -> 192x128) so the whole file runs in seconds.
// Skipped, with the reason, when ffmpeg has no libplacebo filter or no Vulkan device works.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "kizuna/image.hpp"
#include "kizuna/preview.hpp"
#include "kizuna/profile.hpp"

namespace kizuna::test {
namespace {

constexpr int kW = 96, kH = 64;
using Frame = std::vector<uint8_t>;  // RGBA8, tightly packed

// A cartoon frame: flat background, a filled rectangle [x0, x0 + 24) x [16, 48) with a 2-pixel
// dark outline, a dark diagonal stroke, a soft horizontal ramp at the bottom; optional uniform
// noise of +-noise (in [0, 1] units) and inverted colours (another scene).
Frame cartoon(int x0, std::mt19937* rng = nullptr, float noise = 0.0f, bool inverted = false) {
    static constexpr float bg[3] = {0.80f, 0.85f, 0.90f}, fill[3] = {0.90f, 0.45f, 0.30f},
                           line[3] = {0.08f, 0.06f, 0.10f};
    std::uniform_real_distribution<float> n(-noise, noise);
    Frame f(static_cast<size_t>(kW) * kH * 4);
    for (int y = 0; y < kH; ++y) {
        for (int x = 0; x < kW; ++x) {
            const bool inside = x >= x0 && x < x0 + 24 && y >= 16 && y < 48;
            const bool outline = inside && (x < x0 + 2 || x >= x0 + 22 || y < 18 || y >= 46);
            const bool stroke = !inside && y < 14 && std::abs((x - 60) - 2 * y) < 2;
            for (int c = 0; c < 3; ++c) {
                float v = outline || stroke ? line[c]
                          : inside          ? fill[c]
                          : y >= 54         ? 0.2f + 0.006f * x + 0.1f * c
                                            : bg[c];
                if (rng) v += n(*rng);
                if (inverted) v = 1.0f - v;
                f[(static_cast<size_t>(y) * kW + x) * 4 + c] =
                    static_cast<uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f));
            }
            f[(static_cast<size_t>(y) * kW + x) * 4 + 3] = 255;
        }
    }
    return f;
}

bool write_frames(const std::string& path, const std::vector<Frame>& frames) {
    std::ofstream f(path, std::ios::binary);
    for (const Frame& fr : frames) f.write(reinterpret_cast<const char*>(fr.data()), fr.size());
    return static_cast<bool>(f);
}

// Runs `shader` in the libplacebo filter on frames of kW x kH, output ow x oh, full-range sRGB
// RGBA in and out, no dithering. Returns the output frames, or an empty vector with *err set.
std::vector<Frame> run_libplacebo(const std::string& shader, const std::vector<Frame>& frames,
                                  int ow, int oh, std::string* err) {
    TempDir dir;
    if (!write_frames(dir / "in.rgba", frames)) {
        *err = "cannot write the input frames";
        return {};
    }
    const std::string cmd =
        "ffmpeg -nostdin -v error -f rawvideo -pix_fmt rgba -s " + std::to_string(kW) + "x" +
        std::to_string(kH) + " -r 24 -i '" + (dir / "in.rgba") +
        "' -init_hw_device vulkan=vk -filter_hw_device vk -vf "
        "\"setparams=range=pc:color_primaries=bt709:color_trc=iec61966-2-1:colorspace=gbr,"
        "hwupload,libplacebo=w=" +
        std::to_string(ow) + ":h=" + std::to_string(oh) +
        ":format=rgba:dithering=none:custom_shader_path='" + shader +
        "',hwdownload,format=rgba\" -fps_mode passthrough -f rawvideo -pix_fmt rgba -y '" +
        (dir / "out.rgba") + "' 2>'" + (dir / "err") + "'";
    const int status = std::system(cmd.c_str());
    std::ifstream f(dir / "out.rgba", std::ios::binary);
    std::vector<Frame> out;
    const size_t size = static_cast<size_t>(ow) * oh * 4;
    for (size_t i = 0; i < frames.size(); ++i) {
        Frame fr(size);
        if (!f.read(reinterpret_cast<char*>(fr.data()), static_cast<std::streamsize>(size))) break;
        out.push_back(std::move(fr));
    }
    if (status != 0 || out.size() != frames.size()) {
        *err = "ffmpeg (exit status " + std::to_string(status) + ", " + std::to_string(out.size()) +
               " of " + std::to_string(frames.size()) + " frames): " + read_file(dir / "err");
        return {};
    }
    return out;
}

// Why the libplacebo filter cannot run here, or "" when it can.
const std::string& unavailable_reason() {
    static const std::string reason = [] {
        if (capture("ffmpeg -hide_banner -filters").find(" libplacebo ") == std::string::npos) {
            return std::string("ffmpeg has no libplacebo filter");
        }
        TempDir dir;
        const std::string shader = dir / "identity.glsl";
        std::ofstream(shader) << "//!HOOK MAIN\n//!BIND HOOKED\nvec4 hook() { return "
                                 "HOOKED_texOff(0); }\n";
        std::string err;
        if (run_libplacebo(shader, {cartoon(10)}, kW, kH, &err).empty()) {
            return "the libplacebo filter does not run (no Vulkan device?): " + err;
        }
        return std::string();
    }();
    return reason;
}

// Writes the user shaders of `profile` with --set `overrides` through the CLI, as a user would.
std::string export_shaders(const TempDir& dir, const std::string& name, const std::string& profile,
                           const std::vector<std::string>& overrides) {
    const std::string path = dir / (name + ".glsl");
    std::string args = "-q shaders --profile " + profile + " -o '" + path + "'";
    for (const auto& o : overrides) args += " --set " + o;
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return path;
}

// Our Vulkan preview of the same profile on the same frames, output ow x oh RGBA8.
std::vector<Frame> run_preview(const std::string& profile_name,
                               const std::vector<std::string>& overrides,
                               const std::vector<Frame>& frames, int ow, int oh, std::string* err) {
    auto profile = builtin_profile(profile_name);
    if (!profile) {
        *err = profile.error().message;
        return {};
    }
    if (auto r = apply_overrides(*profile, overrides); !r) {
        *err = r.error().message;
        return {};
    }
    PreviewOptions opts;
    opts.backend = PreviewBackendKind::vulkan;
    opts.width = ow;
    opts.height = oh;
    auto preview = Preview::create(*profile, opts);
    if (!preview) {
        *err = preview.error().message;
        return {};
    }
    auto in = Image::create(kW, kH, PixelFormat::rgba8);
    if (!in) {
        *err = in.error().message;
        return {};
    }
    std::vector<Frame> out;
    Image result;
    for (const Frame& fr : frames) {
        for (int y = 0; y < kH; ++y) {
            std::copy_n(fr.data() + static_cast<size_t>(y) * kW * 4, kW * 4,
                        in->view().row_as<uint8_t>(y));
        }
        if (auto r = preview->process(in->view(), result); !r) {
            *err = r.error().message;
            return {};
        }
        Frame o(static_cast<size_t>(ow) * oh * 4);
        for (int y = 0; y < oh; ++y) {
            std::copy_n(result.view().row_as<const uint8_t>(y), ow * 4,
                        o.data() + static_cast<size_t>(y) * ow * 4);
        }
        out.push_back(std::move(o));
    }
    return out;
}

// PSNR over R, G, B of two RGBA8 frames of the same size (inf when equal).
double psnr(const Frame& a, const Frame& b) {
    double se = 0;
    size_t n = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        if (i % 4 == 3) continue;
        const double d = static_cast<double>(a[i]) - b[i];
        se += d * d;
        ++n;
    }
    return se == 0 ? INFINITY : 10.0 * std::log10(255.0 * 255.0 * n / se);
}

// Mean absolute difference over R, G, B, in 8-bit levels.
double mean_abs_diff(const Frame& a, const Frame& b) {
    double s = 0;
    size_t n = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        if (i % 4 == 3) continue;
        s += std::abs(static_cast<int>(a[i]) - static_cast<int>(b[i]));
        ++n;
    }
    return s / static_cast<double>(n);
}

class MpvShadersInLibplacebo : public ::testing::Test {
protected:
    void SetUp() override {
        if (!unavailable_reason().empty()) GTEST_SKIP() << unavailable_reason();
    }
    TempDir dir_;
};

struct Variant {
    const char* name;
    const char* profile;
    std::vector<std::string> overrides;
    int scale;
};

TEST_F(MpvShadersInLibplacebo, MatchesTheVulkanPreviewWithTemporalOff) {
    std::mt19937 rng(17);
    const std::vector<Frame> frames = {cartoon(30), cartoon(14, &rng, 0.03f),
                                       cartoon(52, &rng, 0.01f, true)};
    const Variant variants[] = {
        {"balanced", "balanced", {"stages.temporal.enabled=false"}, 2},
        {"quality (denoise)", "quality", {"stages.temporal.enabled=false"}, 2},
        {"linear light, x4, soft anti-ringing",
         "balanced",
         {"stages.temporal.enabled=false", "stages.normalize.linear_light=true",
          "stages.upscale.anti_ringing=0.5", "stages.upscale.edge_sharpness=1.5", "output.scale=4"},
         4},
    };
    for (const Variant& v : variants) {
        SCOPED_TRACE(v.name);
        const int ow = kW * v.scale, oh = kH * v.scale;
        const std::string shader = export_shaders(dir_, "variant", v.profile, v.overrides);
        std::string err;
        const std::vector<Frame> ours = run_preview(v.profile, v.overrides, frames, ow, oh, &err);
        ASSERT_EQ(ours.size(), frames.size()) << "Vulkan preview: " << err;
        const std::vector<Frame> placebo = run_libplacebo(shader, frames, ow, oh, &err);
        ASSERT_EQ(placebo.size(), frames.size()) << err;
        for (size_t i = 0; i < frames.size(); ++i) {
            const double db = psnr(placebo[i], ours[i]);
            std::printf("[ psnr     ] %s, frame %zu: %.2f dB\n", v.name, i, db);
            EXPECT_GE(db, 45.0) << "frame " << i;
        }
    }
}

TEST_F(MpvShadersInLibplacebo, TemporalStabilizationBehaves) {
    // 12 still noisy frames, a cut to another scene (3 frames), then a shape moving 4 pixels a
    // frame (8 frames).
    std::mt19937 rng(1234);
    std::vector<Frame> frames;
    for (int i = 0; i < 12; ++i) frames.push_back(cartoon(30, &rng, 0.02f));
    const size_t cut = frames.size();
    for (int i = 0; i < 3; ++i) frames.push_back(cartoon(60, &rng, 0.01f, true));
    const size_t moving = frames.size();
    for (int i = 0; i < 8; ++i) frames.push_back(cartoon(8 + 4 * i));
    const int ow = 2 * kW, oh = 2 * kH;

    std::string err;
    const std::string on = export_shaders(dir_, "on", "balanced", {});
    const std::string off =
        export_shaders(dir_, "off", "balanced", {"stages.temporal.enabled=false"});
    // E: what stage 5 gets, i.e. the chain without it.
    const std::vector<Frame> e = run_libplacebo(off, frames, ow, oh, &err);
    ASSERT_EQ(e.size(), frames.size()) << err;
    const std::vector<Frame> out = run_libplacebo(on, frames, ow, oh, &err);
    ASSERT_EQ(out.size(), frames.size()) << err;

    EXPECT_EQ(mean_abs_diff(out[0], e[0]), 0.0) << "the first frame has no history";
    EXPECT_EQ(mean_abs_diff(out[cut], e[cut]), 0.0) << "the first frame after a cut";
    // The next frame is blended with the new scene only (the old one differs by ~100 levels).
    EXPECT_LT(mean_abs_diff(out[cut + 1], e[cut + 1]), 2.0) << "the old scene leaks into the new";

    // Still noise: the frame-to-frame change after the history has settled is at most half.
    double in_flicker = 0, out_flicker = 0;
    for (size_t i = 4; i < cut; ++i) {
        in_flicker += mean_abs_diff(e[i], e[i - 1]);
        out_flicker += mean_abs_diff(out[i], out[i - 1]);
    }
    std::printf("[ flicker  ] still noise: %.3f levels without stage 5, %.3f with it\n",
                in_flicker / (cut - 4), out_flicker / (cut - 4));
    EXPECT_LE(out_flicker, 0.5 * in_flicker);

    // Motion: behind the trailing edge by more than one frame's motion (plus the filters'
    // reach), the output is the current frame's background; the shape is where the input puts it.
    for (size_t i = moving + 2; i < frames.size(); ++i) {
        const int x0 = 8 + 4 * static_cast<int>(i - moving);
        int worst = 0;
        for (int y = 20; y < 108; ++y) {
            for (int x = 0; x < 2 * (x0 - 4) - 4; ++x) {
                for (int c = 0; c < 3; ++c) {
                    const size_t k = (static_cast<size_t>(y) * ow + x) * 4 + c;
                    worst = std::max(worst, std::abs(out[i][k] - e[i][k]));
                }
            }
        }
        EXPECT_LE(worst, 1) << "trail behind the moving shape in frame " << i;
        for (int x : {2 * x0 + 1, 2 * (x0 + 12)}) {
            const size_t k = (static_cast<size_t>(60) * ow + x) * 4;
            EXPECT_LE(std::abs(out[i][k] - e[i][k]), 1) << "lag at x " << x << " in frame " << i;
        }
    }

    // The same sequence through our Vulkan preview with stage 5 on, for the record.
    const std::vector<Frame> ours = run_preview("balanced", {}, frames, ow, oh, &err);
    ASSERT_EQ(ours.size(), frames.size()) << "Vulkan preview: " << err;
    double worst_db = INFINITY;
    for (size_t i = 0; i < frames.size(); ++i) worst_db = std::min(worst_db, psnr(out[i], ours[i]));
    std::printf("[ psnr     ] temporal on, lowest over %zu frames: %.2f dB\n", frames.size(),
                worst_db);
    EXPECT_GE(worst_db, 40.0);
}

}  // namespace
}  // namespace kizuna::test
