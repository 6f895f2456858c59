#include "nn/xnnpack/xnnpack_handles.hpp"

#include <fmt/format.h>

#include <mutex>

namespace kizuna::nn {

Result<void> xnn_init_once() {
    static std::once_flag once;
    static xnn_status status = xnn_status_uninitialized;
    std::call_once(once, [] { status = xnn_initialize(nullptr); });
    if (status == xnn_status_unsupported_hardware) {
        return make_error(Errc::unsupported, "XNNPACK: this CPU lacks the instructions it needs");
    }
    return xnn_check(status, "XNNPACK initialisation");
}

const char* xnn_status_name(xnn_status status) noexcept {
    switch (status) {
        case xnn_status_success:
            return "success";
        case xnn_status_uninitialized:
            return "uninitialized";
        case xnn_status_invalid_parameter:
            return "invalid_parameter";
        case xnn_status_invalid_state:
            return "invalid_state";
        case xnn_status_unsupported_parameter:
            return "unsupported_parameter";
        case xnn_status_unsupported_hardware:
            return "unsupported_hardware";
        case xnn_status_out_of_memory:
            return "out_of_memory";
    }
    return "unknown";
}

Result<void> xnn_check(xnn_status status, const std::string& what) {
    if (status == xnn_status_success) return {};
    const Errc code =
        status == xnn_status_out_of_memory ? Errc::out_of_memory
        : status == xnn_status_unsupported_parameter || status == xnn_status_unsupported_hardware
            ? Errc::unsupported
            : Errc::internal;
    return make_error(code, fmt::format("{}: XNNPACK returned {}", what, xnn_status_name(status)));
}

Result<void> xnn_check(xnn_status status, const std::string& where, const char* what) {
    if (status == xnn_status_success) return {};
    return xnn_check(status, fmt::format("{}: {}", where, what));
}

XnnOperator& XnnOperator::operator=(XnnOperator&& other) noexcept {
    if (this != &other) {
        reset();
        op_ = other.release();
    }
    return *this;
}

xnn_operator_t XnnOperator::release() noexcept {
    xnn_operator_t op = op_;
    op_ = nullptr;
    return op;
}

void XnnOperator::reset() noexcept {
    if (op_ != nullptr) xnn_delete_operator(op_);
    op_ = nullptr;
}

}  // namespace kizuna::nn
