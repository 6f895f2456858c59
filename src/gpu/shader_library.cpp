#include "gpu/shader_library.hpp"

#include "gpu/spirv_blobs.hpp"

namespace kizuna::gpu {

namespace {

struct Entry {
    std::string_view name;
    const uint32_t* f32;
    const size_t* f32_words;
    const uint32_t* f16;
    const size_t* f16_words;
};

#define KZ_SPIRV_ENTRY(name)                                                            \
    {#name, kz_spirv_##name##_f32, &kz_spirv_##name##_f32_words, kz_spirv_##name##_f16, \
     &kz_spirv_##name##_f16_words},
const Entry entries[] = {KZ_SPIRV_SHADERS(KZ_SPIRV_ENTRY)};
#undef KZ_SPIRV_ENTRY

}  // namespace

std::span<const uint32_t> shader_spirv(std::string_view name, StoragePrecision precision) noexcept {
    for (const Entry& e : entries) {
        if (e.name != name) continue;
        return precision == StoragePrecision::f16 ? std::span(e.f16, *e.f16_words)
                                                  : std::span(e.f32, *e.f32_words);
    }
    return {};
}

}  // namespace kizuna::gpu
