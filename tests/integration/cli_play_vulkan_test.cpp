// `kizuna play --display vulkan`: the preview's pictures stay on the Vulkan device and reach the
// window through a swapchain (lavapipe here, which --display auto never picks). Photographs of
// the window (xwd) are compared with the Vulkan preview's own output of the same frame, as the
// texture path's tests do; `f` (full screen) is checked on both paths.
#include "play_harness.hpp"

namespace kizuna::test {
namespace {

using namespace play;

using CliPlayVulkan = PlayTest;

// Opens paused: the swapchain shows the Vulkan preview's frame; o toggles the overlay (drawn on
// the device); s saves what is shown (read back on demand), byte for byte the frame.
TEST_F(CliPlayVulkan, SwapchainShowsThePreviewsFrameOverlayAndSaves) {
    const std::string c = clip("vk.mkv", 96, 64, 3, false);
    Image at1, at2;
    ASSERT_NO_FATAL_FAILURE(distinct_frames(c, 1.0, 2.0, PreviewBackendKind::vulkan, at1, at2));
    Player p(x_, dir_,
             "'" + c + "' -p performance -s 2 -b vulkan --display vulkan --compare-at 1 " +
                 "--save-dir '" + dir_.path.string() + "'");
    ASSERT_FALSE(p.window("kizuna play: vk.mkv").empty()) << p.err();

    const Image shot = expect_shows(p, dir_, at1, "the swapchain is not the preview's frame");
    EXPECT_EQ(shot.width(), at1.width());
    EXPECT_EQ(shot.height(), at1.height());
    EXPECT_GT(diff(shot, at2).max, kDisplayTolerance) << "the comparison cannot tell frames apart";
    EXPECT_NE(p.err().find("vulkan swapchain"), std::string::npos) << p.err();

    ASSERT_NO_FATAL_FAILURE(expect_overlay_toggles(p, dir_, at1));

    fs::path saved;
    ASSERT_NO_FATAL_FAILURE(save_shown_frame(p, dir_, saved));
    auto png = read_image(saved);
    ASSERT_TRUE(png.ok());
    EXPECT_EQ(diff(*png, at1).max, 0) << "s saved something else than the frame shown";

    ASSERT_TRUE(p.key("q"));
    EXPECT_EQ(p.wait_exit(), 0) << p.err();
}

// Paused, a renders the frame with the AI; c shows shader-only left of the divider and the AI
// picture (uploaded once to the device) right of it.
TEST_F(CliPlayVulkan, SwapchainComparesShaderOnlyWithTheAi) {
    const std::string c = clip("tiny.mkv", 64, 48, 2, false);
    CompareFrames f;
    ASSERT_NO_FATAL_FAILURE(compare_frames(c, 0.5, PreviewBackendKind::vulkan, f));

    Player p(x_, dir_, "'" + c + "' -p balanced -s 2 -b vulkan --display vulkan --compare-at 0.5");
    ASSERT_FALSE(p.window("kizuna play: tiny.mkv").empty()) << p.err();
    expect_shows(p, dir_, f.shader, "the window is not the preview's frame");
    ASSERT_NO_FATAL_FAILURE(expect_comparison(p, dir_, f));

    ASSERT_TRUE(p.key("q"));
    EXPECT_EQ(p.wait_exit(), 0) << p.err();
    EXPECT_NE(p.err().find("AI runs 1 (while playing: 0)"), std::string::npos) << p.err();
}

// `f` fills the screen (Xvfb's 1280x1024) with the picture letterboxed (black bars, the picture
// scaled by 10 in the middle), and `f` again gives the window back at the picture's size.
void full_screen_and_back(const XServer& x, const TempDir& dir, const std::string& clip,
                          const std::string& args, PreviewBackendKind backend) {
    const Image frame = preview_frame(clip, 1.0, "performance", backend);
    const Image other = preview_frame(clip, 0.0, "performance", backend);
    ASSERT_FALSE(frame.empty());
    ASSERT_EQ(frame.width(), 128);
    ASSERT_EQ(frame.height(), 96);
    Player p(x, dir, "'" + clip + "' -p performance -s 2 --compare-at 1 " + args);
    ASSERT_FALSE(p.window("kizuna play: full.mkv").empty()) << p.err();
    Image shot = shot_until(p, dir, [&](const Image& s) { return diff(s, frame).max <= 1; });
    ASSERT_LE(diff(shot, frame).max, kDisplayTolerance) << p.err();

    ASSERT_TRUE(p.key("f"));
    // 128x96 in 1280x1024: x10, rows 32..991.
    constexpr int kTop = 32, kScale = 10;
    // The picture sampled at the centre of each of its pixels on the screen.
    auto sampled = [&](const Image& s, const Image& ref) {
        Diff d;
        double sum = 0;
        for (int y = 0; y < ref.height(); ++y) {
            for (int x = 0; x < ref.width(); ++x) {
                for (int ch = 0; ch < 3; ++ch) {
                    const int v = std::abs(
                        channel(s, x * kScale + kScale / 2, kTop + y * kScale + kScale / 2, ch) -
                        channel(ref, x, y, ch));
                    d.max = std::max(d.max, v);
                    sum += v;
                }
            }
        }
        d.mean = sum / (3.0 * ref.width() * ref.height());
        return d;
    };
    shot = shot_until(p, dir, [&](const Image& s) {
        return s.width() == 1280 && s.height() == 1024 && sampled(s, frame).mean <= 2;
    });
    ASSERT_EQ(shot.width(), 1280) << "f did not fill the screen";
    ASSERT_EQ(shot.height(), 1024) << "f did not fill the screen";
    // Bilinear samples at x + 0.05 of a source pixel: within 5% of a neighbour's difference.
    const Diff inside = sampled(shot, frame);
    EXPECT_LE(inside.mean, 2) << "the full-screen picture is not the frame";
    EXPECT_LE(inside.max, 16) << "the full-screen picture is not the frame";
    const Diff wrong = sampled(shot, other);
    EXPECT_TRUE(wrong.mean > 2 || wrong.max > 16)
        << "the check cannot tell frames apart: mean " << wrong.mean << ", max " << wrong.max
        << " (the right frame: " << inside.mean << ", " << inside.max << ")";
    int bar = 0;  // the brightest channel above the picture
    for (int y = 0; y < kTop; ++y) {
        for (int x = 0; x < shot.width(); ++x) {
            for (int ch = 0; ch < 3; ++ch) bar = std::max<int>(bar, channel(shot, x, y, ch));
        }
    }
    EXPECT_EQ(bar, 0) << "the bar above the picture is not black";

    ASSERT_TRUE(p.key("f"));
    expect_shows(p, dir, frame, "f did not give the window back");
    ASSERT_TRUE(p.key("q"));
    EXPECT_EQ(p.wait_exit(), 0) << p.err();
}

TEST_F(CliPlayVulkan, FullScreenAndBackOnTheSwapchain) {
    const std::string c = clip("full.mkv", 64, 48, 2, false);
    full_screen_and_back(x_, dir_, c, "-b vulkan --display vulkan", PreviewBackendKind::vulkan);
}

TEST_F(CliPlayVulkan, FullScreenAndBackOnTheTexture) {
    const std::string c = clip("full.mkv", 64, 48, 2, false);
    full_screen_and_back(x_, dir_, c, "-b cpu --display texture", PreviewBackendKind::cpu);
}

// --display: a bad value, or the swapchain with CPU stages, is one line naming the option.
TEST_F(CliPlayVulkan, DisplayOptionErrors) {
    const std::string c = clip("ok.mkv", 64, 48, 1, false);
    auto r = run_cli("play '" + c + "' --display hologram");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("--display hologram"), std::string::npos) << r.err;
    r = run_cli("play '" + c + "' -b cpu --display vulkan");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("--display vulkan"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace kizuna::test
