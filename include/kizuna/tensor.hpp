// Planar FP32 tensors in NCHW layout with N = 1, the layout the neural models consume.
#pragma once

#include <cstddef>
#include <memory>

#include "kizuna/error.hpp"

namespace kizuna {

// A non-owning view of a C x H x W float tensor. Plane c starts at data + c * plane_stride;
// rows are contiguous (row stride = width). plane_stride >= width * height.
template <class T>
struct BasicTensorView {
    T* data = nullptr;
    int channels = 0;
    int height = 0;
    int width = 0;
    ptrdiff_t plane_stride = 0;  // in elements

    T* plane(int c) const { return data + c * plane_stride; }
    T* row(int c, int y) const { return plane(c) + static_cast<ptrdiff_t>(y) * width; }
    operator BasicTensorView<const T>() const {  // NOLINT
        return {data, channels, height, width, plane_stride};
    }
};
using TensorView = BasicTensorView<float>;
using ConstTensorView = BasicTensorView<const float>;

// An owning tensor, 64-byte aligned, planes packed (plane_stride = width * height). Move-only.
class Tensor {
public:
    static Result<Tensor> create(int channels, int height, int width);

    Tensor() = default;
    Tensor(Tensor&&) noexcept = default;
    Tensor& operator=(Tensor&&) noexcept = default;

    int channels() const noexcept { return channels_; }
    int height() const noexcept { return height_; }
    int width() const noexcept { return width_; }
    float* data() noexcept { return data_.get(); }
    const float* data() const noexcept { return data_.get(); }
    size_t size() const noexcept { return static_cast<size_t>(channels_) * height_ * width_; }
    TensorView view() noexcept;
    ConstTensorView view() const noexcept;

private:
    struct Free {
        void operator()(float* p) const noexcept;
    };
    std::unique_ptr<float, Free> data_;
    int channels_ = 0;
    int height_ = 0;
    int width_ = 0;
};

}  // namespace kizuna
