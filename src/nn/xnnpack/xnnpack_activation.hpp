// Activations for the XNNPACK backend: the part fused into an operator's output clamp and the
// part run afterwards in place (leaky ReLU, sigmoid) by a second XNNPACK operator.
#pragma once

#include <limits>
#include <string>

#include "kizuna/error.hpp"
#include "nn/graph/layer.hpp"
#include "nn/xnnpack/xnnpack_handles.hpp"
#include "nn/xnnpack/xnnpack_kernels.hpp"

namespace kizuna::nn::xnn {

class Activation {
public:
    // Fails with unsupported when XNNPACK has no equivalent (mish, a general hard-swish).
    static Result<Activation> create(const ActivationParams& params, int channels,
                                     const std::string& where);

    // Clamp fused into the producing operator (±infinity when none).
    float fused_min() const noexcept { return min_; }
    float fused_max() const noexcept { return max_; }

    // Binds the in-place post operator (if any) to `view` (packed, pixel_stride = channels).
    Result<void> setup(const NhwcView& view, pthreadpool_t pool, const std::string& where);
    Result<void> run(pthreadpool_t pool, const std::string& where) const;

private:
    float min_ = -std::numeric_limits<float>::infinity();
    float max_ = std::numeric_limits<float>::infinity();
    ActivationType post_ = ActivationType::none;  // leaky_relu or sigmoid
    XnnOperator op_;
};

}  // namespace kizuna::nn::xnn
