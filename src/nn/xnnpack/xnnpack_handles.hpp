// RAII owners for the XNNPACK library state and its operators (threads: nn/thread_pool.hpp).
// Internal to src/nn: no XNNPACK type leaves this module.
#pragma once

#include <pthreadpool.h>
#include <xnnpack.h>

#include <cstddef>
#include <memory>
#include <string>

#include "kizuna/error.hpp"
#include "nn/thread_pool.hpp"

namespace kizuna::nn {

// Initialises XNNPACK once per process (thread-safe; later calls return the first outcome).
// Fails with Errc::unsupported when the CPU lacks the instructions XNNPACK needs.
Result<void> xnn_init_once();

// Flags every operator is created with: workers yield the CPU when an operator finishes
// instead of spinning for the next one, which matters on a loaded machine (a spinning worker
// waiting for a descheduled peer stalls every one of a model's hundreds of operators).
inline constexpr uint32_t kXnnOperatorFlags = XNN_FLAG_YIELD_WORKERS;

// Short text of an xnn_status, e.g. "invalid_parameter".
const char* xnn_status_name(xnn_status status) noexcept;

// Converts an xnn_status into a Result naming `what` (e.g. "conv_3: setup").
Result<void> xnn_check(xnn_status status, const std::string& what);
// Same, with the message "<where>: <what>" built only on failure (no allocation on success,
// for use in run paths).
Result<void> xnn_check(xnn_status status, const std::string& where, const char* what);

// Move-only owner of one xnn_operator_t; deletes it on destruction.
class XnnOperator {
public:
    XnnOperator() = default;
    explicit XnnOperator(xnn_operator_t op) noexcept : op_(op) {}
    XnnOperator(XnnOperator&& other) noexcept : op_(other.release()) {}
    XnnOperator& operator=(XnnOperator&& other) noexcept;
    XnnOperator(const XnnOperator&) = delete;
    XnnOperator& operator=(const XnnOperator&) = delete;
    ~XnnOperator() { reset(); }

    xnn_operator_t get() const noexcept { return op_; }
    explicit operator bool() const noexcept { return op_ != nullptr; }
    xnn_operator_t release() noexcept;
    void reset() noexcept;

private:
    xnn_operator_t op_ = nullptr;
};

}  // namespace kizuna::nn
