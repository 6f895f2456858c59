// bench_preview: times the preview chain on one still image (for `kizuna bench preview`).
#include <algorithm>
#include <chrono>
#include <vector>

#include <fmt/format.h>

#include "kizuna/media.hpp"
#include "kizuna/preview.hpp"

namespace kizuna {

Result<PreviewBenchResult> bench_preview(ConstImageView input, int scale,
                                         PreviewBackendKind backend, int frames) {
    if (scale < 1 || scale > 8) {
        return make_error(Errc::invalid_argument,
                          fmt::format("bench preview: scale {} is outside [1, 8]", scale));
    }
    if (frames < 1 || frames > 100000) {
        return make_error(Errc::invalid_argument,
                          fmt::format("bench preview: frames {} is outside [1, 100000]", frames));
    }
    auto profile = builtin_profile("balanced");
    if (!profile) return std::move(profile).error();
    profile->temporal.enabled = true;
    PreviewOptions opts;
    opts.backend = backend;
    opts.scale = static_cast<float>(scale);
    auto preview = Preview::create(*profile, opts);
    if (!preview) return std::move(preview).error();
    Image out;
    std::vector<double> ms;
    ms.reserve(static_cast<size_t>(frames));
    constexpr int warmup = 3;
    for (int i = 0; i < warmup + frames; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        KZ_TRY(preview->process(input, out));
        const double t =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
        if (i >= warmup) ms.push_back(t);
    }
    std::sort(ms.begin(), ms.end());
    PreviewBenchResult r;
    r.backend = std::string(preview->backend_name());
    r.in_width = input.width;
    r.in_height = input.height;
    r.out_width = out.width();
    r.out_height = out.height();
    r.frames = frames;
    r.median_ms =
        ms.size() % 2 ? ms[ms.size() / 2] : 0.5 * (ms[ms.size() / 2 - 1] + ms[ms.size() / 2]);
    r.min_ms = ms.front();
    r.max_ms = ms.back();
    r.fps = r.median_ms > 0 ? 1000.0 / r.median_ms : 0.0;
    return r;
}

Result<PreviewBenchResult> bench_preview(const std::filesystem::path& input, int scale,
                                         PreviewBackendKind backend, int frames) {
    auto image = read_image(input);
    if (!image) return std::move(image).error();
    return bench_preview(image->view(), scale, backend, frames);
}

}  // namespace kizuna
