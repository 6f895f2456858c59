#include "still_upscale.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "console.hpp"
#include "interrupt.hpp"
#include "job_limits.hpp"
#include "kizuna/job_memory.hpp"
#include "kizuna/log.hpp"
#include "kizuna/media.hpp"
#include "kizuna/models.hpp"
#include "still_loss.hpp"

namespace kizuna::cli {

namespace fs = std::filesystem;

Result<StillUpscaler> StillUpscaler::create(const UpscaleArgs& a) {
    auto opts = upscale_preview_options(a);
    if (!opts) return std::move(opts).error();
    auto budget = budget_of(a.limits);
    if (!budget) return std::move(budget).error();
    auto profile = upscale_profile(a);
    if (!profile) return std::move(profile).error();
    return StillUpscaler(a, std::move(*profile), *opts, *budget);
}

Result<Upscaler*> StillUpscaler::upscaler() {
    if (!upscaler_) {
        UpscalerOptions uo;
        uo.stages = options_;
        uo.require_ai = args_->ai.require_ai;
        auto u = Upscaler::create(profile_, uo);
        if (!u) return std::move(u).error();
        upscaler_.emplace(std::move(*u));
    }
    return &*upscaler_;
}

namespace {

// The model's tensors for a whole frame (input and output, 3 floats a pixel), which the chain
// holds beside the tiles; the tiles get what the budget leaves.
uint64_t model_frame_bytes(const Profile& p, int w, int h) {
    if (!p.ai.enabled || p.ai.strength <= 0 || p.ai.backend == BackendPreference::none) return 0;
    const uint64_t s = static_cast<uint64_t>(p.ai.scale);
    return uint64_t{12} * w * h * (1 + s * s);
}

std::string describe_ai(const Upscaler& u, const UpscaleReport& r) {
    if (u.ai_model().empty()) return "shader-only";
    if (!r.ai_used) {
        return fmt::format("shader-only: {}", r.ai_note.empty() ? "the AI did not run" : r.ai_note);
    }
    const TileReport& t = r.tiles;
    std::string tiles =
        t.tiled() ? fmt::format("{} tiles of {}x{}, overlap {}", t.tiles_x * t.tiles_y,
                                t.tile_width, t.tile_height, std::max(t.overlap_x, t.overlap_y))
                  : std::string("untiled");
    return fmt::format("AI {} on {} in {} ({}, {} ms)", u.ai_model(), u.ai_backend(),
                       u.ai_precision(), tiles, static_cast<int>(r.ai_ms + 0.5));
}

}  // namespace

Result<void> StillUpscaler::run(const std::string& input, const std::string& output,
                                bool video_frame) {
    signal_ = 0;
    const UpscaleArgs& a = *args_;
    // Everything that can be checked before any pixel is read: a long run never fails at its end
    // for a reason known at its start, and never writes over one of its inputs (the profile file
    // included).
    std::vector<fs::path> inputs{input};
    if (builtin_profile_json(a.profile).empty()) inputs.emplace_back(a.profile);
    KZ_TRY(check_image_output(output, inputs));
    auto caps = image_output_capabilities(output);
    KZ_TRY(caps);
    ImageWriteOptions wopts;
    wopts.bit_depth = profile_.output.image_bit_depth;
    KZ_TRY(check_requested_depth(a.limits, output, *caps, wopts, "output.image_bit_depth"));

    // The budget is checked from the header, before the decoder allocates the picture.
    const PreviewBackendKind backend = preview_backend_for(options_.backend);
    uint64_t need = 0;
    ImageReadOptions ropts;
    ropts.admit = [&](const ImageHeader& h) -> Result<void> {
        PreviewJob job;
        job.in_width = h.width;
        job.in_height = h.height;
        job.in_format = read_image_format(h);
        job.alpha = h.alpha;
        preview_output_size(profile_, options_, h.width, h.height, job.out_width, job.out_height);
        job.backend = backend;
        job.upscale_stage = profile_.upscale.enabled;
        job.temporal = profile_.temporal.enabled;
        if (job.out_width > Image::max_side || job.out_height > Image::max_side) {
            return make_error(Errc::invalid_argument,
                              fmt::format("{}: the output would be {}x{}, more than {} pixels a "
                                          "side; use a smaller --scale or --size",
                                          input, job.out_width, job.out_height, Image::max_side));
        }
        need = estimate_still_preview_bytes(h, job, wopts, output) +
               model_frame_bytes(profile_, h.width, h.height);
        log(LogLevel::debug, fmt::format("memory: this job needs about {} ({} bytes) before the "
                                         "AI tiles; the budget is {}",
                                         format_bytes(need), need, budget_.describe()));
        return budget_.check(need,
                             fmt::format("{}: upscaling this {}x{} {} to {}x{}", input, h.width,
                                         h.height, h.codec, job.out_width, job.out_height),
                             over_budget_hint(need, "a smaller input, --scale or --size"));
    };
    ImageReadInfo info;
    Result<Image> in = Error{};
    if (video_frame) {
        auto at = parse_time_option(a.at, "--at");
        KZ_TRY(at);
        VideoFrameInfo frame;
        in = read_video_frame(input, *at, &frame);
        KZ_TRY(in);
        ImageHeader& h = info.header;
        h.width = in->width();
        h.height = in->height();
        h.bits_per_channel = in->format() == PixelFormat::rgba8 ? 8 : 16;
        h.codec = "video frame";
        KZ_TRY(ropts.admit(h));
        log(LogLevel::info,
            fmt::format("{}: frame {} at {:.3f} s", input, frame.index, frame.pts_s));
    } else {
        in = read_image(input, ropts, &info);
        KZ_TRY(in);
    }
    KZ_TRY(check_still_losses(a.limits, input, info, in->view(), output, *caps,
                              /*job_keeps_alpha=*/true, wopts,
                              caps->max_bit_depth >= 16
                                  ? "--set output.image_bit_depth=16 keeps them"
                                  : "write .png or .tif with --set output.image_bit_depth=16 to "
                                    "keep them"));

    auto up = upscaler();
    KZ_TRY(up);
    Upscaler& u = **up;
    u.reset_history();  // stills are unrelated pictures
    u.set_ai_memory_budget(budget_.bytes_left(need));
    int ow = 0, oh = 0;
    u.output_size(in->width(), in->height(), ow, oh);
    log(LogLevel::info,
        fmt::format("{}: {}x{} -> {}x{}, profile {}, stages on {}{}", input, in->width(),
                    in->height(), ow, oh, profile_.name, u.stage_backend(),
                    u.ai_active() ? fmt::format(", AI {} on {} in {}", u.ai_model(), u.ai_backend(),
                                                u.ai_precision())
                                  : std::string()));

    UpscaleControl control;
    std::optional<InterruptScope> interrupt(std::in_place);
    control.cancel = &interrupt->flag();
    Console& console = Console::instance();
    control.on_progress = [&](const TileProgress& p) {
        if (p.tiles_total > 1) {
            console.progress(fmt::format("{}: AI tile {}/{} ({}%)",
                                         fs::path(input).filename().string(), p.tiles_done,
                                         p.tiles_total, 100 * p.tiles_done / p.tiles_total));
        }
    };
    Image out;
    UpscaleReport report;
    const auto t0 = std::chrono::steady_clock::now();
    Result<void> done = u.process(in->view(), out, control, &report);
    console.finish_progress();
    // A signal after the last tile was looked at still stops the job, before the write.
    signal_ = interrupt->signal();
    interrupt.reset();
    if (done && signal_ != 0) done = make_error(Errc::cancelled, "interrupted");
    if (!done) return make_error(done.error().code, input + ": " + done.error().message);
    for (const std::string& e : report.tiles.events) log(LogLevel::info, input + ": " + e);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    KZ_TRY(write_image(output, out.view(), wopts));
    log(LogLevel::info, fmt::format("wrote {} ({}x{}, {} ms; {})", output, ow, oh,
                                    static_cast<int>(ms + 0.5), describe_ai(u, report)));
    return {};
}

}  // namespace kizuna::cli
