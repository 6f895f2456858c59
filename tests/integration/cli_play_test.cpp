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
    Image at1, at6;
    ASSERT_NO_FATAL_FAILURE(distinct_frames(c, 1.0, 6.0, PreviewBackendKind::cpu, at1, at6));
    Player p(x_, dir_,
             "'" + c + "' -p performance -s 2 -b cpu --compare-at 1 --save-dir '" +
                 dir_.path.string() + "'");
    ASSERT_FALSE(p.window("kizuna play: seek.mkv").empty()) << p.err();

    const Image shot = expect_shows(p, dir_, at1, "the window is not the preview's frame");
    EXPECT_EQ(shot.width(), at1.width());
    EXPECT_EQ(shot.height(), at1.height());

    ASSERT_TRUE(p.key("Right"));
    expect_shows(p, dir_, at6, "Right did not show the frame 5 s on");

    ASSERT_NO_FATAL_FAILURE(expect_overlay_toggles(p, dir_, at6));

    fs::path saved;
    ASSERT_NO_FATAL_FAILURE(save_shown_frame(p, dir_, saved));
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
    CompareFrames f;
    ASSERT_NO_FATAL_FAILURE(compare_frames(c, 0.5, PreviewBackendKind::cpu, f));

    Player p(x_, dir_, "'" + c + "' -p balanced -s 2 -b cpu --compare-at 0.5");
    ASSERT_FALSE(p.window("kizuna play: tiny.mkv").empty()) << p.err();
    expect_shows(p, dir_, f.shader, "the window is not the preview's frame");

    ASSERT_TRUE(p.key("c"));
    ASSERT_TRUE(p.wait_for_log("no AI picture of this frame", 10s)) << p.err();
    ASSERT_NO_FATAL_FAILURE(expect_comparison(p, dir_, f));

    ASSERT_TRUE(p.key("bracketright bracketright bracketright bracketright"));
    const int w = f.w, y0 = f.y0, y1 = f.y1;
    const Image shot = shot_until(p, dir_, [&](const Image& s) {
        return diff(s, f.shader, 0, w * 7 / 10 - 2, y0, y1).max <= 1;
    });
    EXPECT_LE(diff(shot, f.shader, 0, w * 7 / 10 - 2, y0, y1).max, kDisplayTolerance)
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
    expect_shows(p, dir_, vk, "the window is not the Vulkan frame");
    ASSERT_TRUE(p.key("Escape"));
    EXPECT_EQ(p.wait_exit(), 0) << p.err();
    EXPECT_NE(p.err().find("(vulkan"), std::string::npos) << p.err();
}

// Bad files and options: one line naming the problem, exit 1, and no window stays open.
TEST_F(CliPlay, BadInputsAreOneLineErrors) {
    const std::string c = clip("ok.mkv", 64, 48, 1, false);
    const std::string env = x_.env();
    // A missing file and one that is no video: one line naming the file.
    write_file(dir_ / "junk.mkv", "not a video at all, just text");
    CliResult r;
    for (const char* name : {"missing.mkv", "junk.mkv"}) {
        r = run_cli("play '" + (dir_ / name) + "'");
        EXPECT_EQ(r.exit_code, 1) << name;
        EXPECT_EQ(count_lines(r.err), 1) << r.err;
        EXPECT_NE(r.err.find(name), std::string::npos) << r.err;
    }
    // Bad options: the error names the option (and the value where given).
    const std::pair<std::string, std::string> bad_options[] = {
        {"--compare-at 5", "--compare-at 5"},
        {"--compare-at soon", "--compare-at"},
        {"--save-dir '" + (dir_ / "nowhere") + "'", "--save-dir"},
        {"-s 9", "--scale"},
    };
    for (const auto& [args, named] : bad_options) {
        r = run_cli("play '" + c + "' " + args);
        EXPECT_EQ(r.exit_code, 1) << args;
        EXPECT_NE(r.err.find(named), std::string::npos) << r.err;
    }
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
