// `kizuna play` as a person sees it: the player runs in an X server of its own (Xvfb), keys are
// typed into its window (xdotool) and the window is photographed (xwd, as the screen shows it).
// The pictures are compared with the preview's own output of the same frame (the library, the
// same profile and size), the AI half of the comparison with the hybrid chain's output, and the
// counts the player prints at exit (frames shown, dropped, AI runs and AI runs while playing)
// with what happened. Xvfb, xdotool and xwd come from scripts/setup.sh; a missing one fails.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>

#include "cli_runner.hpp"
#include "export_fixtures.hpp"
#include "kizuna/media.hpp"
#include "kizuna/preview.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/upscaler.hpp"

namespace kizuna::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

bool have_tool(const std::string& name) {
    return shell("command -v " + name) == 0;
}

// An X server (Xvfb) on a display number no other server holds, for the life of the object.
class XServer {
public:
    XServer() {
        for (int n = 40 + static_cast<int>(::getpid() % 400); n < 1000 && pid_ <= 0; n += 7) {
            const std::string number = std::to_string(n);
            std::string lock = "/tmp/.X";
            lock.append(number).append("-lock");
            std::string socket = "/tmp/.X11-unix/X";
            socket.append(number);
            if (fs::exists(lock) || fs::exists(socket)) continue;
            std::string display = ":";
            display.append(number);
            const pid_t pid = ::fork();
            if (pid == 0) {
                ::execlp("Xvfb", "Xvfb", display.c_str(), "-screen", "0", "1280x1024x24",
                         "-nolisten", "tcp", static_cast<char*>(nullptr));
                ::_exit(127);
            }
            for (int i = 0; i < 200; ++i) {
                if (fs::exists(socket)) {
                    pid_ = pid;
                    display_ = display;
                    break;
                }
                int status = 0;
                if (::waitpid(pid, &status, WNOHANG) == pid) break;  // lost a race: next
                std::this_thread::sleep_for(50ms);
            }
            if (pid_ <= 0 && ::waitpid(pid, nullptr, WNOHANG) == 0) {
                ::kill(pid, SIGTERM);
                ::waitpid(pid, nullptr, 0);
            }
        }
    }
    ~XServer() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    bool ok() const { return pid_ > 0; }
    // "DISPLAY=:N " to put before a command.
    std::string env() const { return "DISPLAY=" + display_ + " "; }
    const std::string& display() const { return display_; }

private:
    pid_t pid_ = -1;
    std::string display_;
};

// A running `kizuna play` with its window.
class Player {
public:
    Player(const XServer& x, const TempDir& dir, const std::string& args,
           const std::string& extra_env = "SDL_AUDIODRIVER=dummy ")
        : x_(x), err_(dir / "play.err") {
        ::setenv("DISPLAY", x.display().c_str(), 1);
        // Each variable of extra_env ("A=1 B=2 ") into the environment the player inherits.
        size_t start = 0;
        while (start < extra_env.size()) {
            size_t end = extra_env.find(' ', start);
            if (end == std::string::npos) end = extra_env.size();
            const std::string kv = extra_env.substr(start, end - start);
            if (const size_t eq = kv.find('='); eq != std::string::npos) {
                ::setenv(kv.substr(0, eq).c_str(), kv.substr(eq + 1).c_str(), 1);
            }
            start = end + 1;
        }
        pid_ = spawn_cli("play " + args, dir / "play.out", err_);
    }
    ~Player() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        ::unsetenv("SDL_AUDIODRIVER");
    }

    // The window's X id, waiting up to 60 s for it to appear ("" if it does not).
    std::string window(const std::string& title) {
        if (!window_.empty()) return window_;
        const auto until = std::chrono::steady_clock::now() + 60s;
        while (std::chrono::steady_clock::now() < until && running()) {
            const std::string id =
                trimmed(capture(x_.env() + "xdotool search --onlyvisible --name '" + title + "'"));
            if (!id.empty() && id.find('\n') == std::string::npos) {
                window_ = id;
                return id;
            }
            std::this_thread::sleep_for(100ms);
        }
        return {};
    }

    // Types `keys` (xdotool key names, e.g. "space", "Right") into the window.
    bool key(const std::string& keys) {
        return shell(x_.env() + "xdotool windowfocus --sync " + window_ + " key --delay 50 " +
                     keys) == 0;
    }

    // A photograph of the window (as the X server shows it), decoded.
    Image shot(const TempDir& dir) {
        const std::string file = dir / "shot.xwd";
        fs::remove(file);
        if (shell(x_.env() + "xwd -silent -id " + window_ + " -out '" + file + "'") != 0) {
            return {};
        }
        auto img = read_image(file);
        EXPECT_TRUE(img.ok()) << (img ? "" : img.error().message);
        return img ? std::move(*img) : Image{};
    }

    std::string err() const { return read_file(err_); }

    // Waits up to `limit` for stderr to hold `text`.
    bool wait_for_log(const std::string& text, std::chrono::seconds limit = 60s) {
        const auto until = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < until) {
            if (err().find(text) != std::string::npos) return true;
            if (!running()) return err().find(text) != std::string::npos;
            std::this_thread::sleep_for(100ms);
        }
        return false;
    }

    bool running() {
        if (pid_ <= 0) return false;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            pid_ = -1;
            return false;
        }
        return true;
    }

    // Waits up to `limit` for the player to exit; its exit code, or -1 when it did not.
    int wait_exit(std::chrono::seconds limit = 30s) {
        const auto until = std::chrono::steady_clock::now() + limit;
        while (running() && std::chrono::steady_clock::now() < until) {
            std::this_thread::sleep_for(50ms);
        }
        return running() ? -1 : exit_code_;
    }

private:
    const XServer& x_;
    std::string err_;
    pid_t pid_ = -1;
    int exit_code_ = -1;
    std::string window_;
};

uint8_t channel(const Image& img, int x, int y, int c) {
    const std::byte* p = img.data() + y * img.stride();
    if (img.format() == PixelFormat::rgba8) return static_cast<uint8_t>(p[x * 4 + c]);
    const float v = reinterpret_cast<const float*>(p)[x * 4 + c];
    return static_cast<uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255));
}

struct Diff {
    int max = 0;
    double mean = 0;
};

// RGB difference of a and b over columns [x0, x1) and rows [y0, y1).
Diff diff(const Image& a, const Image& b, int x0, int x1, int y0, int y1) {
    Diff d;
    if (a.width() != b.width() || a.height() != b.height() || x1 <= x0 || y1 <= y0) {
        d.max = 1000;
        return d;
    }
    double sum = 0;
    for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
            for (int c = 0; c < 3; ++c) {
                const int v = std::abs(channel(a, x, y, c) - channel(b, x, y, c));
                d.max = std::max(d.max, v);
                sum += v;
            }
        }
    }
    d.mean = sum / (3.0 * (x1 - x0) * (y1 - y0));
    return d;
}

Diff diff(const Image& a, const Image& b) {
    return diff(a, b, 0, a.width(), 0, a.height());
}

// The window shows the picture as it is: RGBA8 through an 8-bit-per-channel X visual. Allowed:
// one level of rounding per channel.
constexpr int kDisplayTolerance = 1;

// Takes screenshots until `ok` holds for one (up to `limit`); the last one.
Image shot_until(Player& p, const TempDir& dir, const std::function<bool(const Image&)>& ok,
                 std::chrono::seconds limit = 30s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    Image img;
    do {
        img = p.shot(dir);
        if (!img.empty() && ok(img)) return img;
        std::this_thread::sleep_for(150ms);
    } while (std::chrono::steady_clock::now() < until);
    return img;
}

// The preview's own output of the frame shown at `t`: `profile` (its AI off), output x2.
Image preview_frame(const std::string& clip, double t, const std::string& profile_name,
                    PreviewBackendKind backend = PreviewBackendKind::cpu) {
    auto in = read_video_frame(clip, t);
    EXPECT_TRUE(in.ok()) << (in ? "" : in.error().message);
    auto profile = builtin_profile(profile_name);
    EXPECT_TRUE(profile.ok());
    if (!in || !profile) return {};
    profile->ai.enabled = false;
    auto preview = Preview::create(*profile, {.backend = backend, .scale = 2});
    EXPECT_TRUE(preview.ok()) << (preview ? "" : preview.error().message);
    if (!preview) return {};
    int w = 0, h = 0;
    preview->output_size(in->width(), in->height(), w, h);
    auto out = Image::create(w, h, PixelFormat::rgba8);
    EXPECT_TRUE(preview->process(in->view(), *out).ok());
    return std::move(*out);
}

// The hybrid chain (with its AI) on the frame shown at `t`, as the player's `a` renders it.
Image ai_frame(const std::string& clip, double t, const std::string& profile_name) {
    auto in = read_video_frame(clip, t);
    auto profile = builtin_profile(profile_name);
    if (!in || !profile) return {};
    UpscalerOptions opts;
    opts.stages = {.backend = PreviewBackendKind::cpu, .scale = 2};
    opts.require_ai = true;
    auto up = Upscaler::create(*profile, opts);
    EXPECT_TRUE(up.ok()) << (up ? "" : up.error().message);
    if (!up) return {};
    int w = 0, h = 0;
    up->output_size(in->width(), in->height(), w, h);
    auto out = Image::create(w, h, PixelFormat::rgba8);
    EXPECT_TRUE(up->process(in->view(), *out).ok());
    return std::move(*out);
}

class CliPlay : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char* tool : {"Xvfb", "xdotool", "xwd", "ffmpeg"}) {
            ASSERT_TRUE(have_tool(tool))
                << tool << " is missing: scripts/setup.sh installs xvfb, xdotool, x11-apps, ffmpeg";
        }
        ASSERT_TRUE(x_.ok()) << "Xvfb did not start";
    }

    // A test-pattern clip (its picture changes every frame) of `seconds` at 10 fps, with a tone.
    std::string clip(const std::string& name, int w, int h, int seconds, bool audio) {
        const std::string path = dir_ / name;
        const std::string a =
            audio ? " -f lavfi -i sine=frequency=440:sample_rate=48000 -c:a aac -shortest" : "";
        EXPECT_TRUE(ffmpeg_ok(fmt_args(w, h, seconds) + a + " -c:v libx264 -pix_fmt yuv420p '" +
                              path + "'"));
        return path;
    }

    static std::string fmt_args(int w, int h, int seconds) {
        return "-f lavfi -i testsrc2=size=" + std::to_string(w) + "x" + std::to_string(h) +
               ":rate=10:duration=" + std::to_string(seconds);
    }

    XServer x_;
    TempDir dir_;
};

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
