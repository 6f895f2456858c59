// The catalogue of shipped models: ids -> files under models_directory().
#include <algorithm>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include "kizuna/models.hpp"

namespace kizuna {
namespace {

// A family of models and the folder its files lie in, relative to models_directory().
struct Family {
    const char* name;
    const char* folder;
};

constexpr Family kRealEsrgan{"real-esrgan", "real-esrgan/models"};
constexpr Family kRealCugan{"real-cugan", "real-cugan/models-se"};
constexpr Family kCunet{"waifu2x-cunet", "waifu2x/models-cunet"};
constexpr Family kUpconv7{"waifu2x-upconv7", "waifu2x/models-upconv_7_anime_style_art_rgb"};

struct CatalogEntry {
    const char* id;
    const Family& family;
    int scale;
    int noise;
    const char* file;  // in the family's folder, without extension
};

// noise: -1 = no denoise; real-cugan "conservative" = 0; n = denoise level n.
constexpr CatalogEntry kCatalog[] = {
    {"realesr-animevideov3-x2", kRealEsrgan, 2, -1, "realesr-animevideov3-x2"},
    {"realesr-animevideov3-x3", kRealEsrgan, 3, -1, "realesr-animevideov3-x3"},
    {"realesr-animevideov3-x4", kRealEsrgan, 4, -1, "realesr-animevideov3-x4"},
    {"realesrgan-x4plus-anime", kRealEsrgan, 4, -1, "realesrgan-x4plus-anime"},
    {"realcugan-up2x-conservative", kRealCugan, 2, 0, "up2x-conservative"},
    {"realcugan-up2x-no-denoise", kRealCugan, 2, -1, "up2x-no-denoise"},
    {"realcugan-up2x-denoise1x", kRealCugan, 2, 1, "up2x-denoise1x"},
    {"realcugan-up2x-denoise2x", kRealCugan, 2, 2, "up2x-denoise2x"},
    {"realcugan-up2x-denoise3x", kRealCugan, 2, 3, "up2x-denoise3x"},
    {"realcugan-up3x-conservative", kRealCugan, 3, 0, "up3x-conservative"},
    {"realcugan-up3x-no-denoise", kRealCugan, 3, -1, "up3x-no-denoise"},
    {"realcugan-up3x-denoise3x", kRealCugan, 3, 3, "up3x-denoise3x"},
    {"realcugan-up4x-conservative", kRealCugan, 4, 0, "up4x-conservative"},
    {"realcugan-up4x-no-denoise", kRealCugan, 4, -1, "up4x-no-denoise"},
    {"realcugan-up4x-denoise3x", kRealCugan, 4, 3, "up4x-denoise3x"},
    {"waifu2x-cunet-noise0", kCunet, 1, 0, "noise0_model"},
    {"waifu2x-cunet-noise1", kCunet, 1, 1, "noise1_model"},
    {"waifu2x-cunet-noise2", kCunet, 1, 2, "noise2_model"},
    {"waifu2x-cunet-noise3", kCunet, 1, 3, "noise3_model"},
    {"waifu2x-cunet-x2", kCunet, 2, -1, "scale2.0x_model"},
    {"waifu2x-cunet-noise0-x2", kCunet, 2, 0, "noise0_scale2.0x_model"},
    {"waifu2x-cunet-noise1-x2", kCunet, 2, 1, "noise1_scale2.0x_model"},
    {"waifu2x-cunet-noise2-x2", kCunet, 2, 2, "noise2_scale2.0x_model"},
    {"waifu2x-cunet-noise3-x2", kCunet, 2, 3, "noise3_scale2.0x_model"},
    {"waifu2x-upconv7-x2", kUpconv7, 2, -1, "scale2.0x_model"},
    {"waifu2x-upconv7-noise0-x2", kUpconv7, 2, 0, "noise0_scale2.0x_model"},
    {"waifu2x-upconv7-noise1-x2", kUpconv7, 2, 1, "noise1_scale2.0x_model"},
    {"waifu2x-upconv7-noise2-x2", kUpconv7, 2, 2, "noise2_scale2.0x_model"},
    {"waifu2x-upconv7-noise3-x2", kUpconv7, 2, 3, "noise3_scale2.0x_model"},
};

// The entry's .param file under `dir` (models_directory()).
std::filesystem::path param_path(const std::filesystem::path& dir, const CatalogEntry& e) {
    return dir / e.family.folder / (std::string(e.file) + ".param");
}

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
        m.family = e.family.name;
        m.scale = e.scale;
        m.noise = e.noise;
        m.param = param_path(dir, e);
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
            std::filesystem::path p = param_path(models_directory(), e);
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
