#include "options.hpp"

#include <cstdio>

namespace kizuna::cli {

std::optional<Size> parse_size(const std::string& text) {
    Size s;
    char x = 0;
    char extra = 0;
    if (std::sscanf(text.c_str(), "%d%c%d%c", &s.width, &x, &s.height, &extra) != 3) {
        return std::nullopt;
    }
    if ((x != 'x' && x != 'X') || s.width <= 0 || s.height <= 0) return std::nullopt;
    return s;
}

std::optional<PreviewBackendKind> parse_preview_backend(const std::string& text) {
    if (text == "auto") return PreviewBackendKind::auto_select;
    if (text == "cpu") return PreviewBackendKind::cpu;
    if (text == "vulkan") return PreviewBackendKind::vulkan;
    if (text == "reference") return PreviewBackendKind::reference;
    return std::nullopt;
}

}  // namespace kizuna::cli
