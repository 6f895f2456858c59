#include "pipeline/preview_params.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace kizuna::pipeline {

stages::PreviewParams preview_params_from_profile(const Profile& profile) noexcept {
    stages::PreviewParams p;
    p.normalize_enabled = profile.normalize.enabled;
    p.normalize.denoise_strength = profile.normalize.denoise_strength;
    p.normalize.denoise_radius = profile.normalize.denoise_radius;
    p.normalize.linear_light = profile.normalize.linear_light;
    p.reconstruct_enabled = profile.reconstruct.enabled;
    p.reconstruct.edge_threshold = profile.reconstruct.edge_threshold;
    p.reconstruct.line_threshold = profile.reconstruct.line_threshold;
    p.upscale_enabled = profile.upscale.enabled;
    p.upscale.anti_ringing = profile.upscale.anti_ringing;
    p.upscale.edge_sharpness = profile.upscale.edge_sharpness;
    p.enhance_enabled = profile.enhance.enabled;
    p.enhance.contrast = profile.enhance.contrast;
    p.enhance.line_darken = profile.enhance.line_darken;
    p.enhance.saturation = profile.enhance.saturation;
    p.enhance.sharpen = profile.enhance.sharpen;
    p.temporal_enabled = profile.temporal.enabled;
    p.temporal.strength = profile.temporal.strength;
    p.temporal.motion_threshold = profile.temporal.motion_threshold;
    p.temporal.scene_cut_threshold = profile.temporal.scene_cut_threshold;
    return p;
}

PreviewTimings preview_timings(const stages::StageTimings& st,
                               std::chrono::steady_clock::time_point t0) noexcept {
    PreviewTimings t;
    t.normalize_ms = st.normalize_ms;
    t.reconstruct_ms = st.reconstruct_ms;
    t.upscale_ms = st.upscale_ms;
    t.enhance_ms = st.enhance_ms;
    t.temporal_ms = st.temporal_ms;
    t.upload_ms = st.upload_ms;
    t.download_ms = st.download_ms;
    t.total_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return t;
}

namespace {

int scaled(int size, double factor) {
    return std::max(1, static_cast<int>(std::lround(size * factor)));
}

}  // namespace

void preview_output_size(const Profile& profile, const PreviewOptions& opts, int in_width,
                         int in_height, int& out_width, int& out_height) noexcept {
    if (opts.width > 0 && opts.height > 0) {
        out_width = opts.width;
        out_height = opts.height;
    } else if (opts.width > 0) {
        out_width = opts.width;
        out_height = scaled(in_height, static_cast<double>(opts.width) / in_width);
    } else if (opts.height > 0) {
        out_height = opts.height;
        out_width = scaled(in_width, static_cast<double>(opts.height) / in_height);
    } else if (opts.scale > 0.0f) {
        out_width = scaled(in_width, opts.scale);
        out_height = scaled(in_height, opts.scale);
    } else if (profile.output.width > 0 && profile.output.height > 0) {
        out_width = profile.output.width;
        out_height = profile.output.height;
    } else {
        out_width = scaled(in_width, profile.output.scale);
        out_height = scaled(in_height, profile.output.scale);
    }
}

Result<void> validate_preview_options(const PreviewOptions& opts) {
    if (opts.threads < 0 || opts.threads > 256) {
        return make_error(Errc::invalid_argument,
                          fmt::format("preview: threads {} is outside [0, 256]", opts.threads));
    }
    if (opts.scale != 0.0f && !(opts.scale >= 1.0f && opts.scale <= 8.0f)) {
        return make_error(Errc::invalid_argument,
                          fmt::format("preview: scale {} is outside [1, 8]", opts.scale));
    }
    for (auto [name, v] : {std::pair{"width", opts.width}, std::pair{"height", opts.height}}) {
        if (v != 0 && (v < 16 || v > 16384)) {
            return make_error(Errc::invalid_argument,
                              fmt::format("preview: {} {} is outside [16, 16384]", name, v));
        }
    }
    return {};
}

}  // namespace kizuna::pipeline
