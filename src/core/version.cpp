#include "kizuna/version.hpp"

namespace kizuna {

const char* version() noexcept {
    return KIZUNA_VERSION;
}

}  // namespace kizuna
