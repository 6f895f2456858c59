// Parsing of option values shared by several commands.
#pragma once

#include <optional>
#include <string>

#include "kizuna/preview.hpp"

namespace kizuna::cli {

// "1920x1080" -> {1920, 1080}; nullopt when malformed.
struct Size {
    int width = 0;
    int height = 0;
};
std::optional<Size> parse_size(const std::string& text);

// "auto" | "cpu" | "vulkan" | "reference"
std::optional<PreviewBackendKind> parse_preview_backend(const std::string& text);

}  // namespace kizuna::cli
