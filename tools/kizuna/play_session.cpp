#include "play_session.hpp"

#include <SDL.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "console.hpp"
#include "kizuna/display.hpp"
#include "kizuna/log.hpp"
#include "kizuna/media.hpp"
#include "kizuna/probe.hpp"
#include "play_ai.hpp"
#include "play_audio.hpp"
#include "play_clock.hpp"
#include "play_video.hpp"
#include "play_view.hpp"
#include "play_window.hpp"

namespace kizuna::cli {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

constexpr double kSeekShort = 5;  // left / right
constexpr double kSeekLong = 60;  // up / down
constexpr double kDividerStep = 0.05;
// The arrow keys and how far each moves the playing position, in seconds.
constexpr std::pair<SDL_Keycode, double> kSeekKeys[] = {
    {SDLK_LEFT, -kSeekShort},
    {SDLK_RIGHT, kSeekShort},
    {SDLK_DOWN, -kSeekLong},
    {SDLK_UP, kSeekLong},
};
constexpr double kMessageSeconds = 3;

int fail_with(const std::string& message) {
    Console::instance().error(message);
    return 1;
}

// SDL's subsystems for the life of the player.
struct SdlScope {
    ~SdlScope() { SDL_Quit(); }
};

// A free name for `s` in `dir`: STEM-T.TTTs[-compare].png, then -2, -3, ...
fs::path save_name(const fs::path& dir, const fs::path& input, double t, bool compare) {
    const std::string base =
        fmt::format("{}-{:.3f}s{}", input.stem().string(), t, compare ? "-compare" : "");
    fs::path p = dir / (base + ".png");
    for (int n = 2; fs::exists(p); ++n) p = dir / fmt::format("{}-{}.png", base, n);
    return p;
}

// Which path shows the frames (--display), decided before any window opens.
struct DisplayChoice {
    bool swapchain = false;         // try the Vulkan swapchain
    bool allow_cpu_device = false;  // on a software Vulkan device too (--display vulkan)
    PreviewOptions texture_stages;  // the preview's options for the texture path
    std::string why;                // why the texture path, when it is chosen
    std::string error;              // an impossible combination
};

DisplayChoice choose_display(const PlaySettings& s) {
    DisplayChoice c;
    c.texture_stages = s.preview;
    const PreviewBackendKind asked = s.preview.backend;
    switch (s.display) {
        case DisplayMode::texture:
            c.why = "--display texture";
            return c;
        case DisplayMode::vulkan:
            if (asked == PreviewBackendKind::cpu || asked == PreviewBackendKind::reference) {
                c.error = fmt::format(
                    "--display vulkan shows the Vulkan stages' pictures: it "
                    "cannot be used with -b {}",
                    preview_backend_kind_name(asked));
                return c;
            }
            c.swapchain = true;
            c.allow_cpu_device = true;
            // The fallback keeps the Vulkan stages the user asked for through --display.
            c.texture_stages.backend = PreviewBackendKind::vulkan;
            return c;
        case DisplayMode::auto_select:
            break;
    }
    if (preview_backend_for(asked) != PreviewBackendKind::vulkan) {
        c.why = "the stages run on the CPU";
        return c;
    }
    auto devices = probe_vulkan_devices();
    const bool gpu = devices && std::any_of(devices->begin(), devices->end(), [](const auto& d) {
                         return d.type != GpuDeviceType::cpu;
                     });
    if (!gpu) {
        c.why = "the Vulkan device is a software rasterizer; --display vulkan uses it anyway";
        return c;
    }
    c.swapchain = true;
    return c;
}

// The library's Vulkan display on the window's surface (SDL makes it).
Result<DisplayPreview> open_display(const PlaySettings& s, const PlayWindow& w,
                                    bool allow_cpu_device) {
    auto extensions = w.vulkan_instance_extensions();
    if (!extensions) return std::move(extensions).error();
    DisplaySurface surface;
    surface.instance_extensions = std::move(*extensions);
    surface.create_surface = [&w](void* instance) { return w.create_vulkan_surface(instance); };
    surface.pixel_size = [&w](int& width, int& height) { w.drawable_size(width, height); };
    DisplayOptions opts;
    opts.allow_cpu_device = allow_cpu_device;
    opts.slots = VideoPipeline::kSlots;
    return DisplayPreview::create(s.profile, s.preview, surface, opts);
}

struct Player {
    Player(const PlaySettings& settings, VideoPipeline& v, AudioOutput& au, PlayClock& c,
           AiWorker& worker, PlayWindow& w, DisplayPreview* d, std::atomic<bool>& play)
        : s(settings),
          video(v),
          audio(au),
          clock(c),
          ai(worker),
          window(w),
          display(d),
          playing(play),
          ai_off(ai_disabled_reason(settings.profile)) {}

    const PlaySettings& s;
    VideoPipeline& video;
    AudioOutput& audio;
    PlayClock& clock;
    AiWorker& ai;
    PlayWindow& window;
    DisplayPreview* display;    // the Vulkan swapchain path; null: the texture path
    std::string display_label;  // for the overlay: which path shows the frames
    std::atomic<bool>& playing;
    const std::string ai_off;
    double duration = 0;
    int in_w = 0, in_h = 0;

    PlayFrame current;
    bool have_current = false;
    uint64_t shown_tag = 0;  // changes with every picture shown
    bool waiting_seek = true;
    bool overlay = false;
    bool compare = false;
    double divider = 0.5;
    bool dragging = false;
    std::string message;
    Clock::time_point message_until{};
    AiWorker::State last_ai_state = AiWorker::State::idle;
    uint64_t shown = 0;
    uint64_t display_drops = 0;
    std::deque<Clock::time_point> recent;  // when the last second's pictures were shown
    Image canvas;
    // Swapchain path: what the device holds, so the AI picture and the text layers are uploaded
    // only when they change.
    uint64_t ai_on_device = 0;  // shown_tag of the AI picture uploaded (0 none)
    std::string layers_on_device;
    bool layers_set = false;
    bool window_changed = false;  // resized, exposed, full screen: draw again
    bool quit = false;
    std::string error;

    void say(std::string text, bool log_it = true) {
        if (log_it) log(LogLevel::info, text);
        message = std::move(text);
        message_until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(kMessageSeconds));
    }

    // The user's pause (space, --compare-at). The clock also stands still while a seek waits for
    // its first picture.
    bool paused() const { return !playing.load(); }

    void seek_to(double t) {
        if (duration > 0) t = std::min(t, std::max(0.0, duration - 1e-3));
        t = std::max(0.0, t);
        ai.cancel();
        compare = false;
        video.seek(t);
        waiting_seek = true;
        clock.set_paused(true);
        clock.set(t);
        if (auto r = audio.seek(t); !r) error = r.error().message;
    }

    void set_paused(bool p) {
        if (!p) {
            // No AI during playback: a run in progress is cancelled before time goes on.
            if (ai.state() == AiWorker::State::loading || ai.state() == AiWorker::State::running) {
                ai.cancel();
                say("AI cancelled: playback resumed");
            }
            compare = false;
        }
        playing.store(!p);
        if (!waiting_seek) clock.set_paused(p);
    }

    bool ai_ready_for_current(std::string* label = nullptr) {
        uint64_t tag = 0;
        std::string l;
        const Image* img = ai.result(tag, l);
        if (label != nullptr) *label = l;
        return img != nullptr && tag == shown_tag && have_current;
    }

    void key(const SDL_Keysym& k) {
        for (const auto& [sym, step] : kSeekKeys) {
            if (k.sym == sym) return seek_to(current.t + step);
        }
        switch (k.sym) {
            case SDLK_q:
            case SDLK_ESCAPE:
                quit = true;
                break;
            case SDLK_SPACE:
                set_paused(!paused());
                break;
            case SDLK_o:
                overlay = !overlay;
                break;
            case SDLK_f:
                window.toggle_fullscreen();
                break;
            case SDLK_LEFTBRACKET:
                divider = std::max(0.0, divider - kDividerStep);
                break;
            case SDLK_RIGHTBRACKET:
                divider = std::min(1.0, divider + kDividerStep);
                break;
            case SDLK_a:
                key_ai();
                break;
            case SDLK_c:
                if (ai_ready_for_current()) {
                    compare = !compare;
                } else {
                    say("no AI picture of this frame: pause (space), then press a");
                }
                break;
            case SDLK_s:
                save();
                break;
            default:
                break;
        }
    }

    void key_ai() {
        const AiWorker::State st = ai.state();
        if (st == AiWorker::State::loading || st == AiWorker::State::running) {
            ai.cancel();
            say("AI cancelled");
            return;
        }
        if (!paused()) {
            say("the AI runs on a paused frame only: pause with space, then press a");
            return;
        }
        if (!ai_off.empty()) {
            say("no AI: " + ai_off + " (use -p balanced or --model)");
            return;
        }
        if (!have_current) return;
        if (ai_ready_for_current()) {
            say("the AI picture of this frame is ready: c compares");
            return;
        }
        if (auto r = ai.start(current.source.view(), shown_tag); !r) {
            say("AI: " + r.error().message);
            return;
        }
        log(LogLevel::info, fmt::format("AI: started on the frame at {:.3f} s", current.t));
    }

    void save() {
        if (display != nullptr && have_current) {
            // The picture on the device, read back on demand.
            if (auto r = display->read_shown(canvas); !r) {
                say("cannot save: " + r.error().message);
                return;
            }
        }
        if (canvas.empty()) return;
        const fs::path p = save_name(s.save_dir, s.input, current.t, compare);
        if (auto r = write_image(p, canvas.view()); !r) {
            say("cannot save: " + r.error().message);
        } else {
            say("saved " + p.string());
        }
    }

    // Messages for the AI's state changes; the progress line while it runs.
    std::string ai_status() {
        const AiWorker::State st = ai.state();
        if (st != last_ai_state) {
            last_ai_state = st;
            if (st == AiWorker::State::done) {
                std::string label;
                ai_ready_for_current(&label);
                const std::string why = ai.message();
                say(fmt::format("AI frame ready in {:.1f} s ({}{}): c compares",
                                ai.last_ms() / 1000, label, why.empty() ? "" : ": " + why));
            } else if (st == AiWorker::State::failed) {
                say("AI failed: " + ai.message());
            }
        }
        if (st == AiWorker::State::loading) return "AI: loading the model (a cancels)";
        if (st == AiWorker::State::running) {
            int done = 0, total = 0;
            ai.progress(done, total);
            if (total == 0) return "AI: working (a cancels)";
            return fmt::format("AI: {}% (tile {}/{}, a cancels)", 100 * done / total, done, total);
        }
        return {};
    }

    std::vector<std::string> overlay_lines() {
        const auto t = Clock::now();
        while (!recent.empty() && t - recent.front() > std::chrono::seconds(1)) recent.pop_front();
        int ow = 0, oh = 0;
        video.output_size(ow, oh);
        const PreviewTimings& tm = current.timings;
        return {
            fmt::format("{} fps  shown {}  dropped {}", recent.size(), shown,
                        video.dropped() + display_drops),
            fmt::format("{} {}x{} -> {}x{}  {} clock", video.backend(), in_w, in_h, ow, oh,
                        clock.audio_master() ? "audio" : "wall"),
            "display: " + display_label,
            fmt::format("ms: norm {:.1f} recon {:.1f} up {:.1f}", tm.normalize_ms,
                        tm.reconstruct_ms, tm.upscale_ms),
            fmt::format("ms: enh {:.1f} temp {:.1f} total {:.1f}", tm.enhance_ms, tm.temporal_ms,
                        tm.total_ms),
            fmt::format("frame {} at {:.3f} s{}", current.index, current.t,
                        paused() ? "  paused" : ""),
        };
    }

    void take_front() {
        video.pop(&current);
        have_current = true;
        ++shown_tag;
        ++shown;
        recent.push_back(Clock::now());
    }

    // One pass of the loop; returns whether the picture changed.
    bool advance(double now) {
        if (waiting_seek) {
            if (video.peek() == nullptr) return false;
            take_front();
            waiting_seek = false;
            clock.set_paused(paused());
            return true;
        }
        if (paused()) return false;
        bool changed = false;
        // A frame whose successor is already due was late: dropped unseen.
        for (;;) {
            const PlayFrame* next = video.peek(1);
            if (next == nullptr || next->t > now) break;
            video.pop();
            ++display_drops;
        }
        const PlayFrame* f = video.peek();
        if (f != nullptr && f->t <= now) {
            take_front();
            changed = true;
        }
        if (video.at_end() && have_current && now >= current.t + current.duration) quit = true;
        return changed;
    }

    Result<void> draw() {
        if (!have_current) return {};
        ViewContent v;
        v.frame = current.shown.view();
        const Image* ai_picture = nullptr;
        std::string label;
        if (compare && ai_ready_for_current(&label)) {
            uint64_t tag = 0;
            std::string l;
            ai_picture = ai.result(tag, l);
            v.ai = ai_picture->view();
            v.compare = true;
            v.divider = divider;
            v.left_label = fmt::format("shader-only ({})", video.backend());
            v.right_label = label;
        }
        if (overlay) v.overlay = overlay_lines();
        const std::string progress = ai_status();
        if (!progress.empty()) {
            v.message = progress;
        } else if (Clock::now() < message_until) {
            v.message = message;
        }
        if (display != nullptr) return draw_on_device(v, ai_picture);
        KZ_TRY(compose_view(v, canvas));
        return window.present(canvas.view());
    }

    // The swapchain path: the frame is on the device already; the AI picture goes up once per
    // frame compared, the text layers when their text changes.
    Result<void> draw_on_device(const ViewContent& v, const Image* ai_picture) {
        int ow = 0, oh = 0;
        video.output_size(ow, oh);
        if (ai_picture != nullptr && ai_on_device != shown_tag) {
            KZ_TRY(display->set_ai_picture(ai_picture->view()));
            ai_on_device = shown_tag;
        }
        std::string key =
            fmt::format("{}\n{}\n{}\n{}", v.compare, v.left_label, v.right_label, v.message);
        for (const std::string& l : v.overlay) key += "\n" + l;
        if (!layers_set || key != layers_on_device) {
            auto layers = view_layers(v, ow, oh);
            if (!layers) return std::move(layers).error();
            std::vector<DisplayLayer> dl;
            for (const ViewLayer& l : *layers) dl.push_back({l.pixels.view(), l.x, l.y});
            KZ_TRY(display->set_layers(dl));
            layers_on_device = std::move(key);
            layers_set = true;
        }
        const ViewSplit split = view_split(v, ow, oh);
        DisplayCompose c;
        c.slot = current.slot;
        c.compare = split.split_x < ow;
        c.split_x = split.split_x;
        c.divider_width = split.divider_width;
        return display->present(c);
    }

    void events() {
        SDL_Event e;
        while (SDL_PollEvent(&e)) {
            switch (e.type) {
                case SDL_QUIT:
                    quit = true;
                    break;
                case SDL_KEYDOWN:
                    key(e.key.keysym);
                    break;
                case SDL_WINDOWEVENT:
                    if (e.window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
                        e.window.event == SDL_WINDOWEVENT_EXPOSED) {
                        window_changed = true;
                    }
                    break;
                case SDL_MOUSEBUTTONDOWN:
                    if (e.button.button == SDL_BUTTON_LEFT && compare) {
                        dragging = true;
                        divider = window.picture_fraction_x(e.button.x);
                    }
                    break;
                case SDL_MOUSEBUTTONUP:
                    dragging = false;
                    break;
                case SDL_MOUSEMOTION:
                    if (dragging && compare) divider = window.picture_fraction_x(e.motion.x);
                    break;
                default:
                    break;
            }
        }
    }

    int loop() {
        Clock::time_point last_draw{};
        bool dirty = true;
        std::string shown_message;
        bool last_compare = false, last_overlay = false;
        double last_divider = divider;
        while (!quit && error.empty()) {
            events();
            if (quit) break;
            if (auto r = audio.feed(); !r) {
                error = r.error().message;
                break;
            }
            const double now = clock.now();
            video.set_clock(paused() || waiting_seek ? -1.0 : now);
            if (advance(now)) dirty = true;
            if (std::string e = video.error(); !e.empty()) {
                error = e;
                break;
            }
            dirty = dirty || compare != last_compare || overlay != last_overlay ||
                    divider != last_divider || window_changed;
            window_changed = false;
            const bool live = overlay || Clock::now() < message_until ||
                              ai.state() == AiWorker::State::loading ||
                              ai.state() == AiWorker::State::running ||
                              ai.state() != last_ai_state || !message.empty();
            if (dirty || (live && Clock::now() - last_draw > std::chrono::milliseconds(100))) {
                if (auto r = draw(); !r) {
                    error = r.error().message;
                    break;
                }
                if (Clock::now() >= message_until) message.clear();
                last_draw = Clock::now();
                dirty = false;
                last_compare = compare;
                last_overlay = overlay;
                last_divider = divider;
            }
            SDL_Delay(paused() ? 10 : 2);
        }
        ai.cancel();
        log(LogLevel::info,
            fmt::format("play: shown {} frames, dropped {} late ({} before processing, {} at "
                        "display), AI runs {} (while playing: {}), {} clock; preview {:.1f} ms "
                        "a frame ({})",
                        shown, video.dropped() + display_drops, video.dropped(), display_drops,
                        ai.runs(), ai.runs_while_playing(),
                        clock.audio_master() || audio.active() ? "audio" : "wall",
                        video.mean_process_ms(), video.backend()));
        if (!error.empty()) return fail_with(error);
        return 0;
    }
};

}  // namespace

int run_player(const PlaySettings& s) {
    // The file first: a bad file is a one-line error and no window opens.
    auto reader = VideoReader::open(s.input);
    if (!reader) return fail_with(reader.error().message);
    Image first;
    VideoFrameInfo first_info;
    auto got = reader->read_frame(first, first_info);
    if (!got) return fail_with(got.error().message);
    if (!*got) return fail_with(s.input.string() + ": the video holds no picture");
    const double origin = first_info.pts_s;
    const VideoInfo info = reader->info();
    const double duration = info.duration_s;
    if (s.compare_at && duration > 0) {
        const double end = duration;
        if (*s.compare_at >= end) {
            return fail_with(fmt::format("--compare-at {}: {} ends at {:.3f} s", *s.compare_at,
                                         s.input.string(), end));
        }
    }
    int ow = 0, oh = 0;
    preview_output_size(s.profile, s.preview, info.width, info.height, ow, oh);
    const std::string title = fmt::format("kizuna play: {}", s.input.filename().string());

    SdlScope sdl;
    // The window outlives the display, whose surface is made on it.
    std::optional<PlayWindow> window;
    std::optional<DisplayPreview> display;
    std::string display_label = "sdl texture";
    const DisplayChoice choice = choose_display(s);
    if (!choice.error.empty()) return fail_with(choice.error);
    if (choice.swapchain) {
        auto w = PlayWindow::create(title, ow, oh, true);
        Result<DisplayPreview> d = w ? Result<DisplayPreview>(make_error(Errc::internal, ""))
                                     : Result<DisplayPreview>(std::move(w).error());
        if (w) {
            window.emplace(std::move(*w));  // in place: the display's callbacks point at it
            d = open_display(s, *window, choice.allow_cpu_device);
        }
        if (d) {
            display.emplace(std::move(*d));
            display_label = display->describe();
        } else {
            window.reset();
            log(LogLevel::warn, fmt::format("no Vulkan swapchain ({}): frames are shown through "
                                            "an SDL texture",
                                            d.error().message));
            display_label = "sdl texture (no swapchain)";
        }
    } else if (!choice.why.empty()) {
        log(LogLevel::debug, "display: sdl texture (" + choice.why + ")");
    }
    std::optional<Preview> preview;
    if (!display) {
        auto p = Preview::create(s.profile, choice.texture_stages);
        if (!p) return fail_with(p.error().message);
        preview.emplace(std::move(*p));
        auto w = PlayWindow::create(title, ow, oh);
        if (!w) return fail_with(w.error().message);
        window.emplace(std::move(*w));
    }
    AudioOutput audio;
    if (s.no_audio) {
        log(LogLevel::info, "audio off (--no-audio): video runs on the wall clock");
    } else {
        std::string why;
        auto a = AudioOutput::open(s.input, origin, why);
        if (!a) return fail_with(a.error().message);
        audio = std::move(*a);
        if (!audio.active()) {
            log(LogLevel::info, fmt::format("{}: video runs on the wall clock", why));
        } else {
            log(LogLevel::debug, fmt::format("audio: {} at {} Hz, {} channels", audio.codec(),
                                             audio.sample_rate(), audio.channels()));
        }
    }

    std::atomic<bool> playing{!s.compare_at};
    UpscalerOptions uopts;
    uopts.stages = s.preview;
    uopts.require_ai = s.require_ai;
    PlayClock clock(audio.active() ? &audio : nullptr);
    std::optional<VideoPipeline> video_pipeline;
    if (display) {
        video_pipeline.emplace(std::move(*reader), *display, origin, s.input);
    } else {
        video_pipeline.emplace(std::move(*reader), std::move(*preview), origin, s.input);
    }
    VideoPipeline& video = *video_pipeline;
    if (auto kind = std::string(video.backend()); kind.starts_with("vulkan") || kind == "cpu") {
        uopts.stages.backend =
            kind.starts_with("vulkan") ? PreviewBackendKind::vulkan : PreviewBackendKind::cpu;
    }
    AiWorker ai(s.profile, uopts, playing);
    Player p(s, video, audio, clock, ai, *window, display ? &*display : nullptr, playing);
    p.display_label = display_label;
    p.duration = duration > 0 ? duration : 0;
    p.in_w = info.width;
    p.in_h = info.height;
    const double start = s.compare_at.value_or(0.0);
    p.seek_to(start);
    log(LogLevel::info,
        fmt::format("playing {}: {}x{} -> {}x{}, profile {}, {} backend, {}{}", s.input.string(),
                    info.width, info.height, ow, oh, s.profile.name, video.backend(), display_label,
                    s.compare_at ? fmt::format(", paused at {:.3f} s", start) : ""));
    return p.loop();
}

}  // namespace kizuna::cli
