#include "kizuna/tensor.hpp"

#include <fmt/format.h>

#include "core/aligned.hpp"

namespace kizuna {

void Tensor::Free::operator()(float* p) const noexcept {
    detail::aligned_free(p);
}

Result<Tensor> Tensor::create(int channels, int height, int width) {
    if (channels <= 0 || height <= 0 || width <= 0 || channels > 65536 || height > 65536 ||
        width > 65536) {
        return make_error(Errc::invalid_argument,
                          fmt::format("tensor shape {}x{}x{} is invalid", channels, height, width));
    }
    const size_t n = static_cast<size_t>(channels) * height * width;
    auto* p = static_cast<float*>(detail::aligned_alloc_bytes(n * sizeof(float)));
    if (!p) {
        return make_error(Errc::out_of_memory,
                          fmt::format("cannot allocate {}x{}x{} tensor ({} MiB)", channels, height,
                                      width, (n * sizeof(float)) >> 20));
    }
    Tensor t;
    t.data_.reset(p);
    t.channels_ = channels;
    t.height_ = height;
    t.width_ = width;
    return t;
}

TensorView Tensor::view() noexcept {
    return {data(), channels_, height_, width_, static_cast<ptrdiff_t>(height_) * width_};
}

ConstTensorView Tensor::view() const noexcept {
    return {data(), channels_, height_, width_, static_cast<ptrdiff_t>(height_) * width_};
}

}  // namespace kizuna
