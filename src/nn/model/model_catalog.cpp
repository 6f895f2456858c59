// The catalogue of shipped models: ids -> files under models_directory().
#include <algorithm>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include "kizuna/models.hpp"

namespace kizuna {
namespace {

struct CatalogEntry {
    const char* id;
    const char* family;
    int scale;
    int noise;
    const char* file;  // relative to models_directory(), without extension
};

// noise: -1 = no denoise; real-cugan "conservative" = 0; n = denoise level n.
constexpr CatalogEntry kCatalog[] = {
    {"realesr-animevideov3-x2", "real-esrgan", 2, -1, "real-esrgan/models/realesr-animevideov3-x2"},
    {"realesr-animevideov3-x3", "real-esrgan", 3, -1, "real-esrgan/models/realesr-animevideov3-x3"},
    {"realesr-animevideov3-x4", "real-esrgan", 4, -1, "real-esrgan/models/realesr-animevideov3-x4"},
    {"realesrgan-x4plus-anime", "real-esrgan", 4, -1, "real-esrgan/models/realesrgan-x4plus-anime"},
    {"realcugan-up2x-conservative", "real-cugan", 2, 0, "real-cugan/models-se/up2x-conservative"},
    {"realcugan-up2x-no-denoise", "real-cugan", 2, -1, "real-cugan/models-se/up2x-no-denoise"},
    {"realcugan-up2x-denoise1x", "real-cugan", 2, 1, "real-cugan/models-se/up2x-denoise1x"},
    {"realcugan-up2x-denoise2x", "real-cugan", 2, 2, "real-cugan/models-se/up2x-denoise2x"},
    {"realcugan-up2x-denoise3x", "real-cugan", 2, 3, "real-cugan/models-se/up2x-denoise3x"},
    {"realcugan-up3x-conservative", "real-cugan", 3, 0, "real-cugan/models-se/up3x-conservative"},
    {"realcugan-up3x-no-denoise", "real-cugan", 3, -1, "real-cugan/models-se/up3x-no-denoise"},
    {"realcugan-up3x-denoise3x", "real-cugan", 3, 3, "real-cugan/models-se/up3x-denoise3x"},
    {"realcugan-up4x-conservative", "real-cugan", 4, 0, "real-cugan/models-se/up4x-conservative"},
    {"realcugan-up4x-no-denoise", "real-cugan", 4, -1, "real-cugan/models-se/up4x-no-denoise"},
    {"realcugan-up4x-denoise3x", "real-cugan", 4, 3, "real-cugan/models-se/up4x-denoise3x"},
    {"waifu2x-cunet-noise0", "waifu2x-cunet", 1, 0, "waifu2x/models-cunet/noise0_model"},
    {"waifu2x-cunet-noise1", "waifu2x-cunet", 1, 1, "waifu2x/models-cunet/noise1_model"},
    {"waifu2x-cunet-noise2", "waifu2x-cunet", 1, 2, "waifu2x/models-cunet/noise2_model"},
    {"waifu2x-cunet-noise3", "waifu2x-cunet", 1, 3, "waifu2x/models-cunet/noise3_model"},
    {"waifu2x-cunet-x2", "waifu2x-cunet", 2, -1, "waifu2x/models-cunet/scale2.0x_model"},
    {"waifu2x-cunet-noise0-x2", "waifu2x-cunet", 2, 0,
     "waifu2x/models-cunet/noise0_scale2.0x_model"},
    {"waifu2x-cunet-noise1-x2", "waifu2x-cunet", 2, 1,
     "waifu2x/models-cunet/noise1_scale2.0x_model"},
    {"waifu2x-cunet-noise2-x2", "waifu2x-cunet", 2, 2,
     "waifu2x/models-cunet/noise2_scale2.0x_model"},
    {"waifu2x-cunet-noise3-x2", "waifu2x-cunet", 2, 3,
     "waifu2x/models-cunet/noise3_scale2.0x_model"},
    {"waifu2x-upconv7-x2", "waifu2x-upconv7", 2, -1,
     "waifu2x/models-upconv_7_anime_style_art_rgb/scale2.0x_model"},
    {"waifu2x-upconv7-noise0-x2", "waifu2x-upconv7", 2, 0,
     "waifu2x/models-upconv_7_anime_style_art_rgb/noise0_scale2.0x_model"},
    {"waifu2x-upconv7-noise1-x2", "waifu2x-upconv7", 2, 1,
     "waifu2x/models-upconv_7_anime_style_art_rgb/noise1_scale2.0x_model"},
    {"waifu2x-upconv7-noise2-x2", "waifu2x-upconv7", 2, 2,
     "waifu2x/models-upconv_7_anime_style_art_rgb/noise2_scale2.0x_model"},
    {"waifu2x-upconv7-noise3-x2", "waifu2x-upconv7", 2, 3,
     "waifu2x/models-upconv_7_anime_style_art_rgb/noise3_scale2.0x_model"},
};

bool files_exist(const std::filesystem::path& param) {
    std::error_code ec;
    std::filesystem::path bin = param;
    bin.replace_extension(".bin");
    return std::filesystem::is_regular_file(param, ec) && std::filesystem::is_regular_file(bin, ec);
}

// Edit distance, for "did you mean" suggestions.
size_t distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
            diag = up;
        }
    }
    return row[b.size()];
}

}  // namespace

std::filesystem::path models_directory() {
    const char* env = std::getenv("KIZUNA_MODELS");
    if (env != nullptr && *env != '\0') return env;
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home != nullptr ? home : ".") / ".cache" / "kizuna" / "models";
}

std::vector<ModelEntry> list_models() {
    const std::filesystem::path dir = models_directory();
    std::vector<ModelEntry> out;
    for (const CatalogEntry& e : kCatalog) {
        ModelEntry m;
        m.id = e.id;
        m.family = e.family;
        m.scale = e.scale;
        m.noise = e.noise;
        m.param = dir / (std::string(e.file) + ".param");
        m.found = files_exist(m.param);
        m.adds_nearest_input = m.family == "real-cugan" && m.scale == 4;
        m.edge_padding = m.family == "real-cugan" ? EdgePadding::reflect : EdgePadding::replicate;
        out.push_back(std::move(m));
    }
    return out;
}

Result<std::filesystem::path> resolve_model(std::string_view id_or_path) {
    const bool is_path =
        id_or_path.find('/') != std::string_view::npos || id_or_path.ends_with(".param");
    if (is_path) {
        std::filesystem::path p{std::string(id_or_path)};
        if (!files_exist(p))
            return make_error(Errc::not_found,
                              fmt::format("{}: model not found (needs the .param and the .bin "
                                          "beside it)",
                                          p.string()));
        return p;
    }
    std::vector<std::pair<size_t, const char*>> near;
    for (const CatalogEntry& e : kCatalog) {
        if (id_or_path == e.id) {
            std::filesystem::path p = models_directory() / (std::string(e.file) + ".param");
            if (!files_exist(p))
                return make_error(Errc::not_found,
                                  fmt::format("model '{}' is not installed: {} is missing (run "
                                              "scripts/fetch-models.sh)",
                                              e.id, p.string()));
            return p;
        }
        near.emplace_back(distance(id_or_path, e.id), e.id);
    }
    std::sort(near.begin(), near.end());
    return make_error(Errc::not_found,
                      fmt::format("unknown model '{}'; closest: {}, {}, {} (see `kizuna models "
                                  "list`)",
                                  id_or_path, near[0].second, near[1].second, near[2].second));
}

}  // namespace kizuna
