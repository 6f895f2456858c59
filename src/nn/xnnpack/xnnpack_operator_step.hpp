// The base of the steps whose arithmetic is one XNNPACK operator (xnnpack_step_*.cpp).
#pragma once

#include <string>
#include <utility>

#include "nn/xnnpack/xnnpack_handles.hpp"
#include "nn/xnnpack/xnnpack_step.hpp"

namespace kizuna::nn::xnn {

// The derived step creates op_ (when built, or in setup() once the channel count is known) and
// sets it up in setup(); run() runs it. where_ names the layer in errors.
class OperatorStep : public Step {
public:
    Result<void> run(pthreadpool_t pool) override {
        return xnn_check(xnn_run_operator(op_.get(), pool), where_, "run");
    }

    StepKind kind() const noexcept override { return StepKind::xnnpack; }

protected:
    explicit OperatorStep(std::string where, XnnOperator op = XnnOperator())
        : where_(std::move(where)), op_(std::move(op)) {}

    std::string where_;
    XnnOperator op_;
};

}  // namespace kizuna::nn::xnn
