// `kizuna play` as a person sees it: the player runs in an X server of its own (Xvfb), keys are
// typed into its window (xdotool) and the window is photographed (xwd, as the screen shows it).
// The pictures are compared with the preview's own output of the same frame (the library, the
// same profile and size), the AI half of the comparison with the hybrid chain's output, and the
// counts the player prints at exit (frames shown, dropped, AI runs and AI runs while playing)
// with what happened. Xvfb, xdotool and xwd come from scripts/setup.sh; a missing one fails.
#include "play_harness.hpp"

namespace kizuna::test {
namespace {

using namespace play;

using CliPlay = PlayTest;

// Opens paused with --compare-at: the window is the preview's picture of that frame. Right seeks
// 5 s (the new frame, paused), o toggles the overlay on and off, s saves what is shown, q quits.
TEST_F(CliPlay, ShowsThePreviewsFrameSeeksOverlaysAndSaves) {
    const std::string c = clip("seek.mkv", 96, 64, 9, true);
    const Image at1 = preview_frame(c, 1.0, "performance");
    const Image at6 = preview_frame(c, 6.0, "performance");
    ASSERT_FALSE(at1.empty());
    ASSERT_GT(diff(at1, at6).mean, 5) << "the clip's frames must differ for this test";
    Player p(x_, dir_,
             "'" + c + "' -p performance -s 2 -b cpu --compare-at 1 --save-dir '" +
                 dir_.path.string() + "'");
    ASSERT_FALSE(p.window("kizuna play: seek.mkv").empty()) << p.err();

    Image shot = shot_until(p, dir_, [&](const Image& s) { return diff(s, at1).max <= 1; });
    EXPECT_EQ(shot.width(), at1.width());
    EXPECT_EQ(shot.height(), at1.height());
    EXPECT_LE(diff(shot, at1).max, kDisplayTolerance) << "the window is not the preview's frame";

    ASSERT_TRUE(p.key("Right"));
    shot = shot_until(p, dir_, [&](const Image& s) { return diff(s, at6).max <= 1; });
    EXPECT_LE(diff(shot, at6).max, kDisplayTolerance) << "Right did not show the frame 5 s on";

    ASSERT_TRUE(p.key("o"));
    shot = shot_until(p, dir_, [&](const Image& s) { return diff(s, at6).max > 40; });
    const int top = at6.height() / 3;
    EXPECT_GT(diff(shot, at6, 0, at6.width() / 2, 0, top).mean, 5) << "no overlay after o";
    EXPECT_LE(diff(shot, at6, 0, at6.width(), at6.height() - 4, at6.height()).max,
              kDisplayTolerance)
        << "the overlay covers more than the top";
    ASSERT_TRUE(p.key("o"));
    shot = shot_until(p, dir_, [&](const Image& s) { return diff(s, at6).max <= 1; });
    EXPECT_LE(diff(shot, at6).max, kDisplayTolerance) << "o did not turn the overlay off";

    ASSERT_TRUE(p.key("s"));
    ASSERT_TRUE(p.wait_for_log("saved ")) << p.err();
    fs::path saved;
    for (const auto& e : fs::directory_iterator(dir_.path)) {
        if (e.path().extension() == ".png") saved = e.path();
    }
    ASSERT_FALSE(saved.empty()) << p.err();
    EXPECT_EQ(saved.filename().string(), "seek-6.000s.png");
    auto png = read_image(saved);
    ASSERT_TRUE(png.ok());
    EXPECT_EQ(diff(*png, at6).max, 0) << "s saved something else than the frame shown";

    ASSERT_TRUE(p.key("q"));
    EXPECT_EQ(p.wait_exit(), 0) << p.err();
    EXPECT_NE(p.err().find("AI runs 0 (while playing: 0)"), std::string::npos) << p.err();
}

// Plays a clip without audio to its end on the wall clock and exits by itself. `a` while
// playing runs no AI (counted); frames are shown at the clip's pace, none dropped on a 64x48 clip.
TEST_F(CliPlay, PlaysToTheEndOnTheWallClockWithoutAi) {
    const std::string c = clip("silent.mkv", 64, 48, 3, false);
    const auto t0 = std::chrono::steady_clock::now();
    // balanced has the AI stage: a player that ran it during playback would count a run.
    Player p(x_, dir_, "'" + c + "' -p balanced -s 2 -b cpu");
    ASSERT_FALSE(p.window("kizuna play: silent.mkv").empty()) << p.err();
    ASSERT_TRUE(p.key("a"));
    EXPECT_TRUE(p.wait_for_log("the AI runs on a paused frame only", 10s)) << p.err();
    EXPECT_EQ(p.wait_exit(60s), 0) << p.err();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_GE(s, 2.5) << "a 3 s clip played in " << s << " s";
    const std::string err = p.err();
    EXPECT_NE(err.find("the file has no audio: video runs on the wall clock"), std::string::npos)
        << err;
    const std::string said = "video runs on the wall clock";
    EXPECT_EQ(err.find(said), err.rfind(said)) << "said more than once: " << err;
    EXPECT_NE(err.find("AI runs 0 (while playing: 0)"), std::string::npos) << err;
    EXPECT_NE(err.find(", wall clock"), std::string::npos) << err;
    // Every frame is either shown or counted as dropped.
    const size_t at = err.find("play: shown ");
    ASSERT_NE(at, std::string::npos) << err;
    int shown = 0, dropped = 0;
    ASSERT_EQ(std::sscanf(err.c_str() + at, "play: shown %d frames, dropped %d", &shown, &dropped),
              2)
        << err;
    EXPECT_EQ(shown + dropped, 30) << err;
    EXPECT_GE(shown, 15) << err;
}

// With an audio device (SDL's dummy driver) the audio is the clock: the clip plays in real time
// and the player says so at exit.
TEST_F(CliPlay, AudioIsTheMasterClock) {
    const std::string c = clip("tone.mkv", 64, 48, 2, true);
    const auto t0 = std::chrono::steady_clock::now();
    Player p(x_, dir_, "'" + c + "' -p performance -s 2 -b cpu");
    EXPECT_EQ(p.wait_exit(60s), 0) << p.err();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_GE(s, 1.8) << "a 2 s clip played in " << s << " s";
    const std::string err = p.err();
    EXPECT_EQ(err.find("wall clock"), std::string::npos) << err;
    EXPECT_NE(err.find(", audio clock"), std::string::npos) << err;
}

// Paused, a renders the frame with the AI in the background; c shows shader-only left of the
// divider and the AI right of it; ] moves the divider; resuming ends the comparison.
TEST_F(CliPlay, PausedFrameComparesShaderOnlyWithTheAi) {
    const std::string c = clip("tiny.mkv", 64, 48, 3, false);
    const Image shader = preview_frame(c, 0.5, "balanced");
    const Image ai = ai_frame(c, 0.5, "balanced");
    ASSERT_FALSE(shader.empty());
    ASSERT_FALSE(ai.empty());
    const int w = shader.width(), h = shader.height();
    // Rows below the label bands and above the message line.
    const int y0 = 16, y1 = h - 16;
    ASSERT_GT(diff(shader, ai, w / 2 + 4, w, y0, y1).mean, 1) << "AI and shader-only must differ";

    Player p(x_, dir_, "'" + c + "' -p balanced -s 2 -b cpu --compare-at 0.5");
    ASSERT_FALSE(p.window("kizuna play: tiny.mkv").empty()) << p.err();
    Image shot = shot_until(p, dir_, [&](const Image& s) { return diff(s, shader).max <= 1; });
    EXPECT_LE(diff(shot, shader).max, kDisplayTolerance) << "the window is not the preview's frame";

    ASSERT_TRUE(p.key("c"));
    ASSERT_TRUE(p.wait_for_log("no AI picture of this frame", 10s)) << p.err();
    ASSERT_TRUE(p.key("a"));
    ASSERT_TRUE(p.wait_for_log("AI frame ready", 120s)) << p.err();
    ASSERT_TRUE(p.key("c"));
    shot = shot_until(p, dir_,
                      [&](const Image& s) { return diff(s, ai, w / 2 + 4, w, y0, y1).max <= 2; });
    EXPECT_LE(diff(shot, shader, 0, w / 2 - 2, y0, y1).max, kDisplayTolerance)
        << "the left half is not the shader-only frame";
    EXPECT_LE(diff(shot, ai, w / 2 + 4, w, y0, y1).max, 2) << "the right half is not the AI's";
    EXPECT_GT(diff(shot, shader, w / 2 + 4, w, y0, y1).mean, 1);

    ASSERT_TRUE(p.key("bracketright bracketright bracketright bracketright"));
    shot = shot_until(p, dir_, [&](const Image& s) {
        return diff(s, shader, 0, w * 7 / 10 - 2, y0, y1).max <= 1;
    });
    EXPECT_LE(diff(shot, shader, 0, w * 7 / 10 - 2, y0, y1).max, kDisplayTolerance)
        << "] did not move the divider right";

    ASSERT_TRUE(p.key("space"));  // playback: the comparison ends
    ASSERT_TRUE(p.key("q"));
    EXPECT_EQ(p.wait_exit(), 0) << p.err();
    EXPECT_NE(p.err().find("AI runs 1 (while playing: 0)"), std::string::npos) << p.err();
}

// The Vulkan backend (Mesa's lavapipe here; setup installs it) goes through the same streaming
// texture: the window is that backend's picture of the frame.
TEST_F(CliPlay, VulkanBackendShowsItsOwnPicture) {
    const std::string c = clip("vk.mkv", 64, 48, 2, false);
    const Image vk = preview_frame(c, 1.0, "performance", PreviewBackendKind::vulkan);
    ASSERT_FALSE(vk.empty());
    Player p(x_, dir_, "'" + c + "' -p performance -s 2 -b vulkan --compare-at 1");
    ASSERT_FALSE(p.window("kizuna play: vk.mkv").empty()) << p.err();
    const Image shot = shot_until(p, dir_, [&](const Image& s) { return diff(s, vk).max <= 1; });
    EXPECT_LE(diff(shot, vk).max, kDisplayTolerance) << "the window is not the Vulkan frame";
    ASSERT_TRUE(p.key("Escape"));
    EXPECT_EQ(p.wait_exit(), 0) << p.err();
    EXPECT_NE(p.err().find("(vulkan"), std::string::npos) << p.err();
}

// Bad files and options: one line naming the problem, exit 1, and no window stays open.
TEST_F(CliPlay, BadInputsAreOneLineErrors) {
    const std::string c = clip("ok.mkv", 64, 48, 1, false);
    const std::string env = x_.env();
    auto r = run_cli("play '" + (dir_ / "missing.mkv") + "'");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("missing.mkv"), std::string::npos) << r.err;
    write_file(dir_ / "junk.mkv", "not a video at all, just text");
    r = run_cli("play '" + (dir_ / "junk.mkv") + "'");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("junk.mkv"), std::string::npos) << r.err;
    r = run_cli("play '" + c + "' --compare-at 5");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("--compare-at 5"), std::string::npos) << r.err;
    r = run_cli("play '" + c + "' --compare-at soon");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("--compare-at"), std::string::npos) << r.err;
    r = run_cli("play '" + c + "' --save-dir '" + (dir_ / "nowhere") + "'");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("--save-dir"), std::string::npos) << r.err;
    r = run_cli("play '" + c + "' -s 9");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("--scale"), std::string::npos) << r.err;
    r = run_cli("play '" + c + "' --set stages.enhance.nonsense=1");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(count_lines(r.err), 1) << r.err;
    // No display: said in one line.
    ::unsetenv("DISPLAY");
    r = run_cli("play '" + c + "' -p performance");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("cannot open a window"), std::string::npos) << r.err;
    EXPECT_TRUE(trimmed(capture(env + "xdotool search --name 'kizuna play'")).empty());
}

}  // namespace
}  // namespace kizuna::test
