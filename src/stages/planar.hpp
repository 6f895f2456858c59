// The working format between stages: planar float RGB (gamma-encoded or linear, [0,1]) plus an
// optional alpha plane, and the feature map made by stage 2. Planes are 64-byte aligned and rows
// are padded to a multiple of 16 floats so SIMD loops can run whole vectors on every row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "kizuna/error.hpp"

namespace kizuna::stages {

// Owning plane of T (float for the working planes, uint16_t holding IEEE binary16 for the
// fast CPU chain's stage-5 history). Move-only. Rows start 64-byte aligned: stride (in values)
// is width rounded up to 64 bytes' worth of T (16 floats, 32 halves).
template <typename T>
class BasicPlane {
public:
    static Result<BasicPlane> create(int width, int height) {
        BasicPlane p;
        KZ_TRY(p.ensure(width, height));
        return p;
    }
    BasicPlane() = default;

    int width() const noexcept { return width_; }
    int height() const noexcept { return height_; }
    ptrdiff_t stride() const noexcept { return stride_; }
    T* row(int y) noexcept { return data_.get() + y * stride_; }
    const T* row(int y) const noexcept { return data_.get() + y * stride_; }
    T* data() noexcept { return data_.get(); }
    const T* data() const noexcept { return data_.get(); }
    bool empty() const noexcept { return !data_; }
    // Re-allocates only if the size changes (steady state allocates nothing).
    Result<void> ensure(int width, int height);

private:
    struct Free {
        void operator()(T* p) const noexcept;
    };
    std::unique_ptr<T, Free> data_;
    int width_ = 0;
    int height_ = 0;
    ptrdiff_t stride_ = 0;
};

using Plane = BasicPlane<float>;
extern template class BasicPlane<float>;
extern template class BasicPlane<uint16_t>;

// Planar RGB(A) frame. a is empty when the source had no alpha (alpha = 1).
struct PlanarFrame {
    Plane r, g, b, a;
    int width() const noexcept { return r.width(); }
    int height() const noexcept { return r.height(); }
    bool has_alpha() const noexcept { return !a.empty(); }
    // Re-allocates planes only on a size change; with_alpha false frees/keeps a empty.
    Result<void> ensure(int width, int height, bool with_alpha);
};

// Per-pixel classes made by stage 2 (see reconstruct.hpp for the rule).
enum class PixelClass : uint8_t { flat = 0, edge = 1, line_art = 2, texture = 3 };

// Stage 2's output. gx, gy: luma gradient (central differences of Sobel, see reconstruct.hpp);
// magnitude: |g|; cls: PixelClass per pixel, stored as uint8 with the same stride as the planes.
struct FeatureMap {
    Plane gx, gy, magnitude;
    std::unique_ptr<uint8_t[]> cls;
    ptrdiff_t cls_stride = 0;
    int width() const noexcept { return magnitude.width(); }
    int height() const noexcept { return magnitude.height(); }
    uint8_t* cls_row(int y) noexcept { return cls.get() + y * cls_stride; }
    const uint8_t* cls_row(int y) const noexcept { return cls.get() + y * cls_stride; }
    Result<void> ensure(int width, int height);
};

}  // namespace kizuna::stages
