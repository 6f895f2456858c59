// The harness of the `kizuna play` tests (cli_play_test.cpp, cli_play_vulkan_test.cpp): an X
// server of the test's own (Xvfb), the player with its window (keys typed with xdotool,
// photographs taken with xwd), picture differences, and the library's own pictures of a frame
// (the preview's, the hybrid chain's) to compare the window with.
#pragma once

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

namespace kizuna::test::play {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

inline bool have_tool(const std::string& name) {
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

inline uint8_t channel(const Image& img, int x, int y, int c) {
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
inline Diff diff(const Image& a, const Image& b, int x0, int x1, int y0, int y1) {
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

inline Diff diff(const Image& a, const Image& b) {
    return diff(a, b, 0, a.width(), 0, a.height());
}

// The window shows the picture as it is: RGBA8 through an 8-bit-per-channel X visual. Allowed:
// one level of rounding per channel.
inline constexpr int kDisplayTolerance = 1;

// Takes screenshots until `ok` holds for one (up to `limit`); the last one.
inline Image shot_until(Player& p, const TempDir& dir, const std::function<bool(const Image&)>& ok,
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

// `chain` (a Preview or an Upscaler as created, or the error of its creation) run on `in`, RGBA8 at
// the chain's output size; empty, with a failure, when it was not created.
template <class Created>
Image run_chain(Created&& chain, const Image& in) {
    EXPECT_TRUE(chain.ok()) << (chain ? "" : chain.error().message);
    if (!chain) return {};
    int w = 0, h = 0;
    chain->output_size(in.width(), in.height(), w, h);
    auto out = Image::create(w, h, PixelFormat::rgba8);
    EXPECT_TRUE(chain->process(in.view(), *out).ok());
    return std::move(*out);
}

// The preview's own output of the frame shown at `t`: `profile` (its AI off), output x2.
inline Image preview_frame(const std::string& clip, double t, const std::string& profile_name,
                           PreviewBackendKind backend = PreviewBackendKind::cpu) {
    auto in = read_video_frame(clip, t);
    EXPECT_TRUE(in.ok()) << (in ? "" : in.error().message);
    auto profile = builtin_profile(profile_name);
    EXPECT_TRUE(profile.ok());
    if (!in || !profile) return {};
    profile->ai.enabled = false;
    return run_chain(Preview::create(*profile, {.backend = backend, .scale = 2}), *in);
}

// The hybrid chain (with its AI) on the frame shown at `t`, as the player's `a` renders it.
inline Image ai_frame(const std::string& clip, double t, const std::string& profile_name,
                      PreviewBackendKind backend = PreviewBackendKind::cpu) {
    auto in = read_video_frame(clip, t);
    auto profile = builtin_profile(profile_name);
    if (!in || !profile) return {};
    UpscalerOptions opts;
    opts.stages = {.backend = backend, .scale = 2};
    opts.require_ai = true;
    return run_chain(Upscaler::create(*profile, opts), *in);
}

// Waits (as shot_until) for the window to show `frame` and returns the last photograph; fails
// the test, saying `what`, when that is not within the display tolerance of `frame`.
inline Image expect_shows(Player& p, const TempDir& dir, const Image& frame,
                          const std::string& what) {
    Image shot = shot_until(p, dir, [&](const Image& s) { return diff(s, frame).max <= 1; });
    EXPECT_LE(diff(shot, frame).max, kDisplayTolerance) << what;
    return shot;
}

// The preview's frames ("performance") at t1 and t2 of `clip`, which must differ (a mean
// difference over 5) for a test to tell them apart on the screen.
inline void distinct_frames(const std::string& clip, double t1, double t2,
                            PreviewBackendKind backend, Image& a, Image& b) {
    a = preview_frame(clip, t1, "performance", backend);
    b = preview_frame(clip, t2, "performance", backend);
    ASSERT_FALSE(a.empty());
    ASSERT_GT(diff(a, b).mean, 5) << "the clip's frames must differ for this test";
}

// o draws the overlay over the top of the window showing `frame` (its top third changes, its
// bottom rows do not), and o again turns it off.
inline void expect_overlay_toggles(Player& p, const TempDir& dir, const Image& frame) {
    ASSERT_TRUE(p.key("o"));
    const Image shot = shot_until(p, dir, [&](const Image& s) { return diff(s, frame).max > 40; });
    EXPECT_GT(diff(shot, frame, 0, frame.width() / 2, 0, frame.height() / 3).mean, 5)
        << "no overlay after o";
    EXPECT_LE(diff(shot, frame, 0, frame.width(), frame.height() - 4, frame.height()).max,
              kDisplayTolerance)
        << "the overlay covers more than the top";
    ASSERT_TRUE(p.key("o"));
    expect_shows(p, dir, frame, "o did not turn the overlay off");
}

// s saves what the window shows into `dir` (the player's --save-dir): `saved` is the path of the
// PNG it wrote; fails when it wrote none.
inline void save_shown_frame(Player& p, const TempDir& dir, fs::path& saved) {
    ASSERT_TRUE(p.key("s"));
    ASSERT_TRUE(p.wait_for_log("saved ")) << p.err();
    for (const auto& e : fs::directory_iterator(dir.path)) {
        if (e.path().extension() == ".png") saved = e.path();
    }
    ASSERT_FALSE(saved.empty()) << p.err();
}

// A comparison's frames: the shader-only preview and the AI picture ("balanced") of the frame
// at `t`, and the rows to compare, below the label bands and above the message line.
struct CompareFrames {
    Image shader, ai;
    int w = 0, h = 0, y0 = 0, y1 = 0;
};

// Fills `f` for `clip` at `t` on `backend`; fails when a frame is missing or the two do not
// differ right of the divider.
inline void compare_frames(const std::string& clip, double t, PreviewBackendKind backend,
                           CompareFrames& f) {
    f.shader = preview_frame(clip, t, "balanced", backend);
    f.ai = ai_frame(clip, t, "balanced", backend);
    ASSERT_FALSE(f.shader.empty());
    ASSERT_FALSE(f.ai.empty());
    f.w = f.shader.width();
    f.h = f.shader.height();
    f.y0 = 16;
    f.y1 = f.h - 16;
    ASSERT_GT(diff(f.shader, f.ai, f.w / 2 + 4, f.w, f.y0, f.y1).mean, 1)
        << "AI and shader-only must differ";
}

// Paused on the frame of `f`: a renders it with the AI, c shows the comparison, left of the
// divider (the middle) the shader-only frame, right of it the AI picture.
inline void expect_comparison(Player& p, const TempDir& dir, const CompareFrames& f) {
    ASSERT_TRUE(p.key("a"));
    ASSERT_TRUE(p.wait_for_log("AI frame ready", 120s)) << p.err();
    ASSERT_TRUE(p.key("c"));
    const int w = f.w, y0 = f.y0, y1 = f.y1;
    const Image shot = shot_until(
        p, dir, [&](const Image& s) { return diff(s, f.ai, w / 2 + 4, w, y0, y1).max <= 2; });
    EXPECT_LE(diff(shot, f.shader, 0, w / 2 - 2, y0, y1).max, kDisplayTolerance)
        << "the left half is not the shader-only frame";
    EXPECT_LE(diff(shot, f.ai, w / 2 + 4, w, y0, y1).max, 2) << "the right half is not the AI's";
    EXPECT_GT(diff(shot, f.shader, w / 2 + 4, w, y0, y1).mean, 1);
}

class PlayTest : public ::testing::Test {
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

}  // namespace kizuna::test::play
