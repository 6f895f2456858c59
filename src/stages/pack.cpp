// The parts of output packing every backend shares (pack.hpp).
#include "stages/pack.hpp"

#include <fmt/format.h>

namespace kizuna::stages {

Result<void> check_pack_io(const PlanarFrame& in, ImageView out) {
    if (out.width != in.width() || out.height != in.height()) {
        return make_error(Errc::invalid_argument,
                          fmt::format("pack: output is {}x{} but the frame is {}x{}", out.width,
                                      out.height, in.width(), in.height()));
    }
    return {};
}

}  // namespace kizuna::stages
