// Real-time preview: the five shader stages (normalize, structural reconstruction, real-time
// upscale, perceptual enhancement, temporal stabilization) on one frame at a time, no AI.
//
// Usage:
//   auto preview = kizuna::Preview::create(profile, {.backend = PreviewBackendKind::cpu});
//   kizuna::Image out;
//   for (each decoded frame in display order) preview->process(frame.view(), out);
//
// A Preview is move-only and not thread safe: one frame at a time, in display order (temporal
// stabilization keeps the previous output). Different Preview objects are independent.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "kizuna/error.hpp"
#include "kizuna/image.hpp"
#include "kizuna/profile.hpp"
#include "kizuna/yuv.hpp"

namespace kizuna {

enum class PreviewBackendKind {
    auto_select,  // vulkan when a real GPU exists; cpu when the only Vulkan device is a CPU
                  // (lavapipe/llvmpipe) or there is none
    cpu,          // SIMD + threads
    vulkan,       // Vulkan compute on the best device, a software one included; when it cannot
                  // start (no loader, no usable device) create() logs why and uses cpu
    reference,    // plain C++, single thread: the definition of correct output; slow
};

// "auto", "cpu", "vulkan" or "reference".
const char* preview_backend_kind_name(PreviewBackendKind kind) noexcept;

// The backend Preview::create tries first for `requested`: auto_select becomes vulkan when a
// Vulkan device that is not a CPU rasterizer exists, else cpu (this probes the Vulkan devices);
// the others are returned as they are. (create falls back from vulkan to cpu when the device then
// fails to start.)
PreviewBackendKind preview_backend_for(PreviewBackendKind requested);

struct PreviewOptions {
    PreviewBackendKind backend = PreviewBackendKind::auto_select;
    // CPU backend: total threads including the caller; 0 = all hardware threads, else [1, 256].
    int threads = 0;
    // Output size override. scale > 0 ([1, 8]) replaces profile.output.scale and ignores the
    // profile's width/height. width/height > 0 ([16, 16384]) replace the profile's size; when
    // only one of them is given, the other keeps the input's aspect ratio (rounded, >= 1).
    // All 0 = the profile decides: its width x height when both are set, else its scale.
    float scale = 0.0f;
    int width = 0;
    int height = 0;
};

// Wall time of the last frame's stages in milliseconds (GPU timestamps on Vulkan). On the CPU
// backend, enhancement, temporal stabilization and output packing run as one fused pass over
// rows; its time is reported in enhance_ms and temporal_ms is 0. When the upscale is a single x2
// step without alpha, its rows are computed inside that pass too: upscale_ms is then only its
// set-up (near 0). A stage that did not run: 0.
struct PreviewTimings {
    double normalize_ms = 0, reconstruct_ms = 0, upscale_ms = 0, enhance_ms = 0, temporal_ms = 0;
    double upload_ms = 0, download_ms = 0;  // Vulkan only
    double total_ms = 0;                    // the whole process() call
};

class Preview {
public:
    // Checks the profile (validate_profile) and the options, and starts the backend (threads,
    // Vulkan device; a Vulkan backend that cannot start is replaced by cpu, with a warning in
    // the log saying why, and backend_name() tells which runs). Errors: invalid_argument
    // (profile or option out of range), and what the CPU backend reports.
    static Result<Preview> create(const Profile& profile, const PreviewOptions& opts = {});

    Preview(Preview&&) noexcept;
    Preview& operator=(Preview&&) noexcept;
    Preview(const Preview&) = delete;
    Preview& operator=(const Preview&) = delete;
    ~Preview();

    // Processes one frame. in: RGBA8/16F/32F, gamma-encoded full-range RGB (alpha kept).
    // out: (re)allocated only when its size differs from output_size(in); it keeps its pixel
    // format, or takes in's format when empty. Output is gamma-encoded RGBA.
    Result<void> process(ConstImageView in, Image& out);

    // Processes one planar Y'CbCr frame (8 or 10 bits, 4:2:0 / 4:2:2 / 4:4:4), decoded with
    // in.color (matrix, range, chroma siting; see kizuna/yuv.hpp). The chain works in float, so
    // 10-bit input keeps more than 8 bits of precision up to the output, whose format sets the
    // final precision. out: (re)allocated only when its size differs from
    // output_size(in.width, in.height); it keeps its pixel format, or when empty takes RGBA8 for
    // 8-bit input and RGBA16F for 10-bit input. Output is gamma-encoded RGBA with alpha 1. Shares
    // the temporal history with the RGBA overload.
    Result<void> process(const YuvView& in, Image& out);

    // The output size for an input of in_width x in_height (see PreviewOptions).
    void output_size(int in_width, int in_height, int& out_width, int& out_height) const noexcept;

    // Forgets the temporal history: the next frame is treated like the first after a scene cut.
    void reset_history();

    // "cpu", "vulkan" or "reference" (the backend actually running; never "auto").
    std::string_view backend_name() const noexcept;
    PreviewTimings last_timings() const noexcept;

private:
    struct Impl;
    explicit Preview(std::unique_ptr<Impl> impl) noexcept;
    std::unique_ptr<Impl> impl_;
};

// The output size a Preview created with `profile` and `opts` gives for an in_width x in_height
// input (Preview::output_size), without creating one: for checks made before any work.
void preview_output_size(const Profile& profile, const PreviewOptions& opts, int in_width,
                         int in_height, int& out_width, int& out_height) noexcept;

struct PreviewBenchResult {
    std::string backend;  // backend that ran
    int in_width = 0, in_height = 0, out_width = 0, out_height = 0;
    int frames = 0;                                // timed frames (after warm-up)
    double median_ms = 0, min_ms = 0, max_ms = 0;  // wall time per process() call
    double fps = 0;                                // 1000 / median_ms
};

// Times the preview on one still image, read with read_image (the `kizuna bench preview`
// command): the balanced built-in profile's stage settings with temporal stabilization on and
// output scale `scale` ([1, 8]); 3 warm-up frames, then `frames` ([1, 100000]) timed frames.
Result<PreviewBenchResult> bench_preview(const std::filesystem::path& input, int scale,
                                         PreviewBackendKind backend, int frames);
// The same on an image already in memory.
Result<PreviewBenchResult> bench_preview(ConstImageView input, int scale,
                                         PreviewBackendKind backend, int frames);

}  // namespace kizuna
