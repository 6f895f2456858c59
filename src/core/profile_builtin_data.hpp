// The built-in profiles' JSON text, embedded at build time from profiles/*.json by
// src/core/CMakeLists.txt, which generates the definition (profile_builtin_data.cpp in the build
// directory). Internal to kizuna_core.
#pragma once

#include <span>
#include <string_view>

namespace kizuna::profile_detail {

struct EmbeddedProfile {
    std::string_view name;  // file name without ".json"
    std::string_view json;  // the file's bytes, unmodified
};

// In display order: performance, balanced, quality, then any other files by name. Static storage.
std::span<const EmbeddedProfile> embedded_profiles();

}  // namespace kizuna::profile_detail
