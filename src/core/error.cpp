#include "kizuna/error.hpp"

namespace kizuna {

const char* errc_name(Errc code) noexcept {
    switch (code) {
        case Errc::invalid_argument:
            return "invalid_argument";
        case Errc::not_found:
            return "not_found";
        case Errc::io_error:
            return "io_error";
        case Errc::unsupported:
            return "unsupported";
        case Errc::corrupt_data:
            return "corrupt_data";
        case Errc::out_of_memory:
            return "out_of_memory";
        case Errc::device_error:
            return "device_error";
        case Errc::timeout:
            return "timeout";
        case Errc::cancelled:
            return "cancelled";
        case Errc::internal:
            return "internal";
    }
    return "unknown";
}

}  // namespace kizuna
