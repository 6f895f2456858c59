#include "stages/planar.hpp"

#include <fmt/format.h>

#include "core/aligned.hpp"

namespace kizuna::stages {

void Plane::Free::operator()(float* p) const noexcept {
    detail::aligned_free(p);
}

Result<Plane> Plane::create(int width, int height) {
    Plane p;
    KZ_TRY(p.ensure(width, height));
    return p;
}

Result<void> Plane::ensure(int width, int height) {
    if (width == width_ && height == height_ && data_) return {};
    if (width <= 0 || height <= 0 || width > 65536 || height > 65536) {
        return make_error(Errc::invalid_argument,
                          fmt::format("plane size {}x{} is invalid", width, height));
    }
    const ptrdiff_t stride = (width + 15) / 16 * 16;
    const size_t bytes = static_cast<size_t>(stride) * height * sizeof(float);
    auto* p = static_cast<float*>(detail::aligned_alloc_bytes(bytes));
    if (!p) {
        return make_error(Errc::out_of_memory,
                          fmt::format("cannot allocate a {}x{} float plane", width, height));
    }
    data_.reset(p);
    width_ = width;
    height_ = height;
    stride_ = stride;
    return {};
}

Result<void> PlanarFrame::ensure(int width, int height, bool with_alpha) {
    KZ_TRY(r.ensure(width, height));
    KZ_TRY(g.ensure(width, height));
    KZ_TRY(b.ensure(width, height));
    if (with_alpha) {
        KZ_TRY(a.ensure(width, height));
    } else {
        a = Plane{};
    }
    return {};
}

Result<void> FeatureMap::ensure(int width, int height) {
    if (width == this->width() && height == this->height() && cls) return {};
    KZ_TRY(gx.ensure(width, height));
    KZ_TRY(gy.ensure(width, height));
    KZ_TRY(magnitude.ensure(width, height));
    cls_stride = magnitude.stride();
    cls.reset(new (std::nothrow) uint8_t[static_cast<size_t>(cls_stride) * height]);
    if (!cls) {
        return make_error(Errc::out_of_memory,
                          fmt::format("cannot allocate a {}x{} class map", width, height));
    }
    return {};
}

}  // namespace kizuna::stages
