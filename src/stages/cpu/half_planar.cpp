#include "stages/cpu/half_planar.hpp"

#include <fmt/format.h>

#include "core/aligned.hpp"

namespace kizuna::stages {

void HalfPlane::Free::operator()(uint16_t* p) const noexcept {
    detail::aligned_free(p);
}

Result<void> HalfPlane::ensure(int width, int height) {
    if (width == width_ && height == height_ && data_) return {};
    if (width <= 0 || height <= 0 || width > 65536 || height > 65536) {
        return make_error(Errc::invalid_argument,
                          fmt::format("fp16 plane size {}x{} is invalid", width, height));
    }
    const ptrdiff_t stride = (width + 31) / 32 * 32;
    const size_t bytes = static_cast<size_t>(stride) * height * sizeof(uint16_t);
    auto* p = static_cast<uint16_t*>(detail::aligned_alloc_bytes(bytes));
    if (!p) {
        return make_error(Errc::out_of_memory,
                          fmt::format("cannot allocate a {}x{} fp16 plane", width, height));
    }
    data_.reset(p);
    width_ = width;
    height_ = height;
    stride_ = stride;
    return {};
}

Result<void> HalfFrame::ensure(int width, int height) {
    KZ_TRY(r.ensure(width, height));
    KZ_TRY(g.ensure(width, height));
    KZ_TRY(b.ensure(width, height));
    return {};
}

}  // namespace kizuna::stages
