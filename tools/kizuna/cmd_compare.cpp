// kizuna compare IN -o CMP.png: one frame through the shader-only chain (the profile with the AI
// off) and through the AI chain (kizuna::Upscaler with the profile's AI, or --model), written side
// by side into one image:
//
//   +-----------------------+---+----------------------------------+
//   | shader-only (cpu)     |   | AI realesr-animevideov3-x2 (...) |  <- translucent label bands
//   |                       |   |                                  |
//   |  shader-only output   |   |  AI output                       |
//   +-----------------------+---+----------------------------------+
//                     separator (kSeparator pixels)
//
// --crop X,Y,W,H (input pixels) shows only the output region over that part of the input, zoomed
// by nearest neighbour so that each half is at least kMinHalfWidth pixels wide. Each half is the
// chain's output byte for byte outside its label band (8 bits per channel).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bitmap_font.hpp"
#include "commands.hpp"
#include "job_limits.hpp"
#include "kizuna/job_memory.hpp"
#include "kizuna/log.hpp"
#include "kizuna/media.hpp"
#include "kizuna/models.hpp"
#include "kizuna/parse_number.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/upscaler.hpp"
#include "options.hpp"
#include "upscale_args.hpp"

namespace kizuna::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kSeparator = 2;           // pixels between the halves
constexpr int kMinHalfWidth = 512;      // a cropped half is zoomed to at least this width,
constexpr int kMaxZoomedHeight = 4096;  // unless that would make it taller than this
constexpr Rgba8 kSeparatorColour{128, 128, 128, 255};
constexpr Rgba8 kBandColour{0, 0, 0, 160};
constexpr Rgba8 kTextColour{255, 255, 255, 255};

struct CompareArgs {
    // Input, output, profile, --scale/--size, --backend, --threads, --set, --memory and --at, as
    // `kizuna upscale` takes them.
    UpscaleArgs chain;
    std::string model;  // --model: turns the AI on with this model id or .param file
    CLI::Option* model_option = nullptr;
    std::string crop;  // --crop X,Y,W,H in input pixels
    CLI::Option* crop_option = nullptr;
    bool require_ai = false;
};

struct Rect {
    int x = 0, y = 0, width = 0, height = 0;
};

bool given(const CLI::Option* o) {
    return o != nullptr && o->count() > 0;
}

Result<Rect> parse_crop(const std::string& text) {
    const std::vector<std::string> fields = split_fields(text, ',');
    if (fields.size() != 4) {
        return make_error(Errc::invalid_argument,
                          fmt::format("--crop: \"{}\" is not X,Y,WIDTH,HEIGHT in input pixels "
                                      "(e.g. 100,40,64,48)",
                                      text));
    }
    auto x = parse_integer(fields[0], 0, Image::max_side - 1, "--crop X");
    if (!x) return std::move(x).error();
    auto y = parse_integer(fields[1], 0, Image::max_side - 1, "--crop Y");
    if (!y) return std::move(y).error();
    auto w = parse_integer(fields[2], 1, Image::max_side, "--crop width");
    if (!w) return std::move(w).error();
    auto h = parse_integer(fields[3], 1, Image::max_side, "--crop height");
    if (!h) return std::move(h).error();
    return Rect{static_cast<int>(*x), static_cast<int>(*y), static_cast<int>(*w),
                static_cast<int>(*h)};
}

// The output pixels that lie over the input region `r` (whole pixels, rounded outwards).
Rect output_region(const Rect& r, int in_w, int in_h, int out_w, int out_h) {
    const auto lo = [](int v, int out, int in) { return static_cast<int>(int64_t{v} * out / in); };
    const auto hi = [](int v, int out, int in) {
        return static_cast<int>((int64_t{v} * out + in - 1) / in);
    };
    const int x0 = lo(r.x, out_w, in_w), y0 = lo(r.y, out_h, in_h);
    const int x1 = std::max(hi(r.x + r.width, out_w, in_w), x0 + 1);
    const int y1 = std::max(hi(r.y + r.height, out_h, in_h), y0 + 1);
    return {x0, y0, std::min(x1, out_w) - x0, std::min(y1, out_h) - y0};
}

// Nearest-neighbour zoom of a cropped region: at least kMinHalfWidth wide, at most
// kMaxZoomedHeight tall (that wins), never below 1.
int zoom_for(const Rect& region) {
    const int widen = (kMinHalfWidth + region.width - 1) / region.width;
    return std::max(1, std::min(widen, kMaxZoomedHeight / region.height));
}

// The model as a label shows it: a catalogue id as it is, a .param file by its file name.
std::string model_label(const std::string& model) {
    if (model.find('/') == std::string::npos) return model;
    return fs::path(model).filename().string();
}

// Turns the AI on with `model`; ai.scale becomes the model's own scale (from the catalogue for
// an id, from the graph for a .param file). A model that cannot be read keeps the profile's
// scale: it then fails to load in the Upscaler, which reports it.
Result<void> use_model(Profile& profile, const std::string& model) {
    profile.ai.enabled = true;
    profile.ai.model = model;
    bool known = false;
    for (const ModelEntry& e : list_models()) {
        if (e.id == model) {
            profile.ai.scale = e.scale;
            known = true;
        }
    }
    if (!known) {
        if (auto info = inspect_model(model)) profile.ai.scale = info->scale;
    }
    return validate_profile(profile, "--model");
}

// Why the profile itself keeps the model from running ("" when it does not).
std::string ai_off_reason(const Profile& p) {
    if (!p.ai.enabled) return fmt::format("profile {} has ai.enabled false", p.name);
    if (p.ai.strength == 0.0f) return "ai.strength is 0";
    if (p.ai.backend == BackendPreference::none) return "ai.backend is \"none\"";
    return {};
}

// Why the AI chain's frame holds no model picture, in one line for its label. `logged`: the
// Upscaler has already told the user (its notices are logged as warnings).
std::string ai_unavailable_reason(const Profile& p, const Upscaler& up, const UpscaleReport& r,
                                  bool& logged) {
    logged = false;
    if (std::string off = ai_off_reason(p); !off.empty()) return off;
    if (r.ai_timed_out || up.notices().empty()) return r.ai_note;
    logged = true;
    std::string why = up.notices().back();
    if (const size_t at = why.find(" Falling back to shader-only"); at != std::string::npos) {
        why.resize(at);
    }
    if (!why.empty() && why.back() == '.') why.pop_back();
    if (why.starts_with("AI model")) why.erase(0, 3);  // "AI unavailable: model failed to load"
    return why;
}

// Copies `region` of `src` into `dst` at column x0, each pixel a zoom x zoom block. Both RGBA8.
void blit_zoomed(ConstImageView src, const Rect& region, int zoom, ImageView dst, int x0) {
    for (int y = 0; y < region.height * zoom; ++y) {
        const std::byte* s = src.row(region.y + y / zoom) + region.x * 4;
        std::byte* d = dst.row(y) + x0 * 4;
        if (zoom == 1) {
            std::memcpy(d, s, static_cast<size_t>(region.width) * 4);
            continue;
        }
        for (int x = 0; x < region.width * zoom; ++x) std::memcpy(d + x * 4, s + x / zoom * 4, 4);
    }
}

// The label of one half: a translucent band across its top holding `text` (wrapped, at most half
// the half's height; cut with "..." beyond that), drawn only inside the half.
void draw_label(ImageView canvas, int x0, int width, const std::string& text) {
    ImageView half{canvas.data + x0 * 4, width, canvas.height, canvas.stride, canvas.format};
    const int scale = width >= 384 ? 2 : 1;
    const int pad = 2 * scale;
    const int line_h = BitmapFont::line_height * scale;
    const int room = std::max(width - 2 * pad, 1);
    std::vector<std::string> lines = wrap_text(text, room, scale);
    const size_t max_lines = static_cast<size_t>(std::max(1, (half.height / 2 - 2 * pad) / line_h));
    if (lines.size() > max_lines) {
        lines.resize(max_lines);
        std::string& last = lines.back();
        while (!last.empty() && text_width(last + "...", scale) > room) last.pop_back();
        last += "...";
    }
    const int band = 2 * pad + static_cast<int>(lines.size()) * line_h - scale;
    fill_rect(half, 0, 0, width, band, kBandColour);
    for (size_t i = 0; i < lines.size(); ++i) {
        draw_text(half, pad, pad + static_cast<int>(i) * line_h, lines[i], scale, kTextColour);
    }
}

// One frame through `up`, into an RGBA8 image of the chain's output size. Errors name the input.
Result<Image> render(Upscaler& up, ConstImageView in, const std::string& name,
                     UpscaleReport* report) {
    int ow = 0, oh = 0;
    up.output_size(in.width, in.height, ow, oh);
    auto out = Image::create(ow, oh, PixelFormat::rgba8);
    if (!out) return std::move(out).error();
    if (auto r = up.process(in, *out, {}, report); !r) {
        return make_error(r.error().code, name + ": " + r.error().message);
    }
    return out;
}

int run_compare(const CompareArgs& a) {
    const UpscaleArgs& c = a.chain;
    const bool at_given = given(c.at_option);
    auto kind = probe_media_kind(c.input);
    if (!kind) return fail(kind.error());
    if (*kind == MediaKind::still && at_given) {
        return fail(make_error(Errc::invalid_argument,
                               fmt::format("--at: {} is a still image, not a video", c.input)));
    }
    if (*kind == MediaKind::video && !at_given) {
        return fail(make_error(Errc::invalid_argument,
                               fmt::format("{} is a video: pass --at TIME to pick the frame to "
                                           "compare",
                                           c.input)));
    }
    auto opts = upscale_preview_options(c);
    if (!opts) return fail(opts.error());
    auto budget = budget_of(c.limits);
    if (!budget) return fail(budget.error());
    auto profile = upscale_profile(c);
    if (!profile) return fail(profile.error());
    Profile ai_profile = *profile;
    if (given(a.model_option)) {
        if (auto r = use_model(ai_profile, a.model); !r) return fail(r.error());
    }
    Profile shader_profile = *profile;
    shader_profile.ai.enabled = false;
    const std::string off = ai_off_reason(ai_profile);
    if (a.require_ai && !off.empty()) {
        return fail(make_error(Errc::invalid_argument,
                               fmt::format("--require-ai: {}, so the model would not run{}", off,
                                           ai_profile.ai.enabled ? "" : "; pass --model ID")));
    }
    if (a.require_ai) {
        // A model that cannot be read fails here, before any picture is decoded.
        if (auto info = inspect_model(ai_profile.ai.model); !info) {
            return fail(make_error(info.error().code, "--require-ai: AI model failed to load: " +
                                                          info.error().message));
        }
    }
    std::optional<Rect> crop;
    if (given(a.crop_option)) {
        auto r = parse_crop(a.crop);
        if (!r) return fail(r.error());
        crop = *r;
    }

    // Everything that can be checked before any pixel is read.
    std::vector<fs::path> inputs{c.input};
    if (builtin_profile_json(c.profile).empty()) inputs.emplace_back(c.profile);
    if (given(a.model_option) && a.model.find('/') != std::string::npos) {
        inputs.emplace_back(a.model);
    }
    if (auto r = check_image_output(c.output, inputs); !r) return fail(r.error());
    ImageWriteOptions wopts;  // 8 bits per channel: a picture to look at

    // The crop and the memory budget are checked from the header, before the picture is decoded.
    // At the peak the job holds the input, one chain at work, the first chain's output, the
    // model's input and output tensors, the comparison and its encoder.
    UpscalerOptions uopts;
    uopts.stages = *opts;
    const PreviewBackendKind backend = preview_backend_for(opts->backend);
    auto admit = [&](const ImageHeader& h) -> Result<void> {
        if (crop && (int64_t{crop->x} + crop->width > h.width ||
                     int64_t{crop->y} + crop->height > h.height)) {
            return make_error(Errc::invalid_argument,
                              fmt::format("--crop {}: the region reaches past the {}x{} picture "
                                          "of {}",
                                          a.crop, h.width, h.height, c.input));
        }
        PreviewJob job;
        job.in_width = h.width;
        job.in_height = h.height;
        job.in_format = read_image_format(h);
        job.alpha = h.alpha;
        preview_output_size(*profile, *opts, h.width, h.height, job.out_width, job.out_height);
        job.backend = backend;
        job.upscale_stage = profile->upscale.enabled;
        job.temporal = profile->temporal.enabled;
        const Rect region =
            crop ? output_region(*crop, h.width, h.height, job.out_width, job.out_height)
                 : Rect{0, 0, job.out_width, job.out_height};
        const int zoom = crop ? zoom_for(region) : 1;
        const int64_t cw = int64_t{region.width} * zoom * 2 + kSeparator;
        const int64_t ch = int64_t{region.height} * zoom;
        if (job.out_width > Image::max_side || job.out_height > Image::max_side ||
            cw > Image::max_side) {
            return make_error(Errc::invalid_argument,
                              fmt::format("{}: the comparison would be {}x{}, more than {} pixels "
                                          "a side; use --crop, a smaller --scale or --size",
                                          c.input, std::max<int64_t>(cw, job.out_width),
                                          std::max<int64_t>(ch, job.out_height), Image::max_side));
        }
        const uint64_t out_bytes = uint64_t(job.out_width) * uint64_t(job.out_height) * 4;
        const int s = ai_profile.ai.scale;
        const uint64_t tensors =
            ai_profile.ai.enabled ? uint64_t(h.width) * h.height * 3 * 4 * (1 + s * s) : 0;
        const uint64_t need =
            program_base_bytes() + estimate_image_read_bytes(h) + estimate_preview_bytes(job) +
            out_bytes + tensors + uint64_t(cw * ch) * 4 +
            estimate_image_write_bytes(static_cast<int>(cw), static_cast<int>(ch), wopts, c.output);
        log(LogLevel::debug, fmt::format("memory: this job needs about {} ({} bytes) besides the "
                                         "model's tiles; the budget is {}",
                                         format_bytes(need), need, budget->describe()));
        KZ_TRY(budget->check(need,
                             fmt::format("{}: comparing this {}x{} {} at {}x{}", c.input, h.width,
                                         h.height, h.codec, job.out_width, job.out_height),
                             over_budget_hint(need, "a smaller input, --scale or --size")));
        uopts.ai_memory_bytes = std::max<uint64_t>(budget->bytes_left(need), 1);
        return {};
    };
    Result<Image> input = Error{};
    if (*kind == MediaKind::video) {
        auto at = parse_time_option(c.at, "--at");
        if (!at) return fail(at.error());
        VideoFrameInfo frame;
        input = read_video_frame(c.input, *at, &frame);
        if (!input) return fail(input.error());
        ImageHeader h;
        h.width = input->width();
        h.height = input->height();
        h.bits_per_channel = input->format() == PixelFormat::rgba8 ? 8 : 16;
        h.codec = "video frame";
        if (auto r = admit(h); !r) return fail(r.error());
        log(LogLevel::info,
            fmt::format("{}: frame {} at {:.3f} s", c.input, frame.index, frame.pts_s));
    } else {
        ImageReadOptions ropts;
        ropts.admit = admit;
        input = read_image(c.input, ropts);
        if (!input) return fail(input.error());
    }

    // The AI chain first, so that --require-ai fails before any other work; one chain at a time.
    const auto t0 = std::chrono::steady_clock::now();
    Image right;
    std::string right_label;
    bool ai_ran = false;
    {
        uopts.require_ai = a.require_ai;
        auto up = Upscaler::create(ai_profile, uopts);
        if (!up) return fail(up.error());
        UpscaleReport report;
        auto out = render(*up, input->view(), c.input, &report);
        if (!out) return fail(out.error());
        right = std::move(*out);
        // The shader-only chain runs its stages on the same backend.
        if (auto kind = parse_preview_backend(std::string(up->stage_backend()))) {
            uopts.stages.backend = *kind;
        }
        ai_ran = report.ai_used;
        if (report.ai_used) {
            right_label = fmt::format("AI {} ({}, {})", model_label(up->ai_model()),
                                      up->ai_backend(), up->ai_precision());
        } else {
            bool logged = false;
            const std::string why = ai_unavailable_reason(ai_profile, *up, report, logged);
            if (a.require_ai) {
                return fail(make_error(
                    Errc::unsupported,
                    fmt::format("--require-ai: {}: the model did not run: {}", c.input, why)));
            }
            log(LogLevel::warn,
                logged ? fmt::format("notice: the AI half of {} is the shader-only picture, "
                                     "labelled \"AI unavailable\"",
                                     c.output)
                       : fmt::format("notice: AI unavailable ({}); the AI half of {} is the "
                                     "shader-only picture",
                                     why, c.output));
            right_label = "AI unavailable: " + why;
        }
    }
    Image left;
    std::string left_label;
    {
        uopts.require_ai = false;
        auto up = Upscaler::create(shader_profile, uopts);
        if (!up) return fail(up.error());
        auto out = render(*up, input->view(), c.input, nullptr);
        if (!out) return fail(out.error());
        left = std::move(*out);
        left_label = fmt::format("shader-only ({})", up->stage_backend());
    }
    if (left.width() != right.width() || left.height() != right.height()) {
        return fail(make_error(Errc::internal, fmt::format("{}: the chains gave {}x{} and {}x{}",
                                                           c.input, left.width(), left.height(),
                                                           right.width(), right.height())));
    }

    const Rect region =
        crop ? output_region(*crop, input->width(), input->height(), left.width(), left.height())
             : Rect{0, 0, left.width(), left.height()};
    const int zoom = crop ? zoom_for(region) : 1;
    const int half_w = region.width * zoom;
    const int half_h = region.height * zoom;
    auto canvas = Image::create(2 * half_w + kSeparator, half_h, PixelFormat::rgba8);
    if (!canvas) return fail(canvas.error());
    blit_zoomed(left.view(), region, zoom, canvas->view(), 0);
    fill_rect(canvas->view(), half_w, 0, kSeparator, half_h, kSeparatorColour);
    blit_zoomed(right.view(), region, zoom, canvas->view(), half_w + kSeparator);
    const std::string zoom_note = zoom > 1 ? fmt::format(", x{} zoom", zoom) : "";
    draw_label(canvas->view(), 0, half_w, left_label + zoom_note);
    draw_label(canvas->view(), half_w + kSeparator, half_w, right_label + zoom_note);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    log(LogLevel::info,
        fmt::format("{}: {}x{} -> {}x{}, profile {}: {} | {}", c.input, input->width(),
                    input->height(), left.width(), left.height(), profile->name, left_label,
                    ai_ran ? right_label : "AI unavailable"));
    if (auto r = write_image(c.output, canvas->view(), wopts); !r) return fail(r.error());
    log(LogLevel::info, fmt::format("wrote {} ({}x{}, {} ms)", c.output, canvas->width(),
                                    canvas->height(), static_cast<int>(ms + 0.5)));
    return 0;
}

}  // namespace

void register_compare(CLI::App& app, Action& run) {
    auto a = std::make_shared<CompareArgs>();
    UpscaleArgs& c = a->chain;
    auto* cmd = app.add_subcommand(
        "compare",
        "Render one frame shader-only and with the AI, side by side in one labelled image");
    cmd->add_option("input", c.input, "Input image, or video with --at")->required();
    cmd->add_option("-o,--output", c.output, "Output image (.png, .jpg, .tif, .webp)")->required();
    add_chain_options(cmd, c, "Override a profile value, e.g. --set ai.strength=0.5 (repeatable)");
    add_job_limit_options(cmd, c.limits, /*with_strict=*/false);
    c.at_option = cmd->add_option(
        "--at", c.at, "Video input: the time of the frame, seconds or [HH:]MM:SS[.frac]");
    a->model_option = cmd->add_option(
        "--model", a->model,
        "Turn the AI on with this model (an id of `kizuna models`, or a .param file)");
    a->crop_option = cmd->add_option(
        "--crop", a->crop,
        "Compare only this region X,Y,WIDTH,HEIGHT of the input, zoomed (nearest neighbour)");
    cmd->add_flag("--require-ai", a->require_ai,
                  "Fail when the model cannot run instead of labelling the AI half unavailable");
    cmd->callback([&run, a] { run = [a] { return run_compare(*a); }; });
}

}  // namespace kizuna::cli
