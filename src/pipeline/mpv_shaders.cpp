// The public mpv user-shader export (kizuna/shaders.hpp) over stages/mpv.
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <span>

#include "kizuna/shaders.hpp"
#include "kizuna/version.hpp"
#include "media/atomic_file.hpp"
#include "pipeline/preview_params.hpp"
#include "stages/mpv/user_shader.hpp"

namespace kizuna {

namespace {

Result<void> validate(const MpvShaderOptions& opts) {
    if (opts.doublings < 0 || opts.doublings > 8) {
        return make_error(Errc::invalid_argument,
                          fmt::format("mpv shaders: doublings {} is outside [1, 8] (0 = from the "
                                      "profile)",
                                      opts.doublings));
    }
    for (auto [name, v] : {std::pair{"history_width", opts.history_width},
                           std::pair{"history_height", opts.history_height}}) {
        if (v < 16 || v > 16384) {
            return make_error(Errc::invalid_argument,
                              fmt::format("mpv shaders: {} {} is outside [16, 16384]", name, v));
        }
    }
    return {};
}

// floor(log2(scale)) for scale in [1, 8], at least 1.
int doublings_for_scale(float scale) {
    int n = 0;
    while (n < 3 && std::ldexp(1.0f, n + 1) <= scale) ++n;
    return n > 0 ? n : 1;
}

}  // namespace

Result<std::string> mpv_user_shaders(const Profile& profile, const MpvShaderOptions& opts) {
    KZ_TRY(validate_profile(profile));
    KZ_TRY(validate(opts));
    stages::mpv::UserShaderParams p;
    p.chain = pipeline::preview_params_from_profile(profile);
    p.doublings = opts.doublings > 0 ? opts.doublings : doublings_for_scale(profile.output.scale);
    p.history_width = opts.history_width;
    p.history_height = opts.history_height;
    p.profile_name = profile.name;
    p.version = version();
    return stages::mpv::user_shader_file(p);
}

Result<void> write_mpv_user_shaders(const std::filesystem::path& path, const Profile& profile,
                                    const MpvShaderOptions& opts) {
    auto text = mpv_user_shaders(profile, opts);
    if (!text) return std::move(text).error();
    return media::write_file_atomically(
        path, std::span(reinterpret_cast<const uint8_t*>(text->data()), text->size()));
}

}  // namespace kizuna
