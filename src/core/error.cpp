#include "kizuna/error.hpp"
#include "core/enum_names.hpp"

namespace kizuna {

const char* errc_name(Errc code) noexcept {
    return enum_name<Errc::internal>(
        code,
        {"invalid_argument", "not_found", "io_error", "unsupported", "corrupt_data",
         "out_of_memory", "device_error", "timeout", "cancelled", "internal"},
        "unknown");
}

}  // namespace kizuna
