#include "stages/planar.hpp"

#include <fmt/format.h>

#include "core/aligned.hpp"

namespace kizuna::stages {

namespace {

template <typename T>
constexpr const char* kValueName = sizeof(T) == 2 ? "fp16" : "float";

}  // namespace

template <typename T>
void BasicPlane<T>::Free::operator()(T* p) const noexcept {
    detail::aligned_free(p);
}

template <typename T>
Result<void> BasicPlane<T>::ensure(int width, int height) {
    if (width == width_ && height == height_ && data_) return {};
    if (width <= 0 || height <= 0 || width > 65536 || height > 65536) {
        return make_error(Errc::invalid_argument, fmt::format("{} plane size {}x{} is invalid",
                                                              kValueName<T>, width, height));
    }
    constexpr ptrdiff_t kAlign = 64 / sizeof(T);
    const ptrdiff_t stride = (width + kAlign - 1) / kAlign * kAlign;
    const size_t bytes = static_cast<size_t>(stride) * height * sizeof(T);
    auto* p = static_cast<T*>(detail::aligned_alloc_bytes(bytes));
    if (!p) {
        return make_error(Errc::out_of_memory, fmt::format("cannot allocate a {}x{} {} plane",
                                                           width, height, kValueName<T>));
    }
    data_.reset(p);
    width_ = width;
    height_ = height;
    stride_ = stride;
    return {};
}

template class BasicPlane<float>;
template class BasicPlane<uint16_t>;

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
