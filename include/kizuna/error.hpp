// Errors as values. Every fallible call at a module boundary returns Result<T>; the message
// names the file, stream, parameter or layer at fault. No exception crosses the public API.
#pragma once

#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace kizuna {

enum class Errc {
    invalid_argument,  // a parameter or profile value is out of range or malformed
    not_found,         // a file, model, device or stream does not exist
    io_error,          // reading or writing failed
    unsupported,       // a valid input that this build cannot handle (format, layer, codec)
    corrupt_data,      // the input exists but its content is damaged or truncated
    out_of_memory,     // host or device allocation failed, or a job would exceed its memory
                       // budget (kizuna/memory_budget.hpp)
    device_error,      // a GPU call failed
    timeout,           // a watchdog fired
    cancelled,         // the caller asked to stop
    internal,          // a bug in KizunaSR
};

// Short stable name of a code, e.g. "corrupt_data".
const char* errc_name(Errc code) noexcept;

struct Error {
    Errc code = Errc::internal;
    std::string message;  // one line, names what and why, e.g. "a.png: truncated PNG data"
};

// Holds either a T or an Error. Moves like a T. Accessing the wrong alternative is a bug (asserts).
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
    Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    bool ok() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<0>(v_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(v_);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(v_));
    }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const& {
        assert(!ok());
        return std::get<1>(v_);
    }
    Error&& error() && {
        assert(!ok());
        return std::get<1>(std::move(v_));
    }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

    bool ok() const noexcept { return ok_; }
    explicit operator bool() const noexcept { return ok_; }
    const Error& error() const& {
        assert(!ok_);
        return error_;
    }
    Error&& error() && {
        assert(!ok_);
        return std::move(error_);
    }

private:
    Error error_;
    bool ok_ = true;
};

inline Error make_error(Errc code, std::string message) {
    return Error{code, std::move(message)};
}

}  // namespace kizuna

// Propagates an error from an expression returning Result<...>.
#define KZ_TRY(expr)                                                   \
    do {                                                               \
        auto&& kz_try_result_ = (expr);                                \
        if (!kz_try_result_) return std::move(kz_try_result_).error(); \
    } while (0)
