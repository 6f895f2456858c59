// Planar RGB in IEEE binary16 (fp16 bits as uint16_t): the storage of the stage-5 history in
// the fast CPU chain (half the bytes of a float plane). Rows are 64-byte aligned and padded to a
// multiple of 32 values so SIMD loops can run whole vectors on every row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "kizuna/error.hpp"

namespace kizuna::stages {

// Owning fp16 plane. Move-only. stride (in values) is width rounded up to a multiple of 32.
class HalfPlane {
public:
    int width() const noexcept { return width_; }
    int height() const noexcept { return height_; }
    ptrdiff_t stride() const noexcept { return stride_; }
    uint16_t* row(int y) noexcept { return data_.get() + y * stride_; }
    const uint16_t* row(int y) const noexcept { return data_.get() + y * stride_; }
    bool empty() const noexcept { return !data_; }
    // Re-allocates only if the size changes (steady state allocates nothing).
    Result<void> ensure(int width, int height);

private:
    struct Free {
        void operator()(uint16_t* p) const noexcept;
    };
    std::unique_ptr<uint16_t, Free> data_;
    int width_ = 0;
    int height_ = 0;
    ptrdiff_t stride_ = 0;
};

// Three fp16 planes (no alpha: the history never holds one).
struct HalfFrame {
    HalfPlane r, g, b;
    int width() const noexcept { return r.width(); }
    int height() const noexcept { return r.height(); }
    Result<void> ensure(int width, int height);
};

}  // namespace kizuna::stages
