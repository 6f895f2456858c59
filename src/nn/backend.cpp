#include "nn/backend.hpp"

#include <fmt/format.h>

namespace kizuna::nn {

Result<void> Backend::run(const Graph& graph, ConstTensorView input, Tensor& output) {
    auto shape = prepare(graph, input.channels, input.height, input.width);
    KZ_TRY(shape);
    if (output.channels() != shape->c || output.height() != shape->h ||
        output.width() != shape->w) {
        auto t = Tensor::create(shape->c, shape->h, shape->w);
        KZ_TRY(t);
        output = std::move(*t);
    }
    return run(graph, input, output.view());
}

Result<void> check_run_views(const char* who, ConstTensorView input, int channels, int height,
                             int width, TensorView output, const Shape& os) {
    if (input.data == nullptr || input.channels != channels || input.height != height ||
        input.width != width || input.plane_stride < static_cast<ptrdiff_t>(height) * width)
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: bad input view {}x{}x{} (plane stride {}) for a plan "
                                      "of {}x{}x{}",
                                      who, input.channels, input.height, input.width,
                                      input.plane_stride, channels, height, width));
    if (output.data == nullptr || output.channels != os.c || output.height != os.h ||
        output.width != os.w || output.plane_stride < static_cast<ptrdiff_t>(os.h) * os.w)
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: output view is {}x{}x{} (plane stride {}), the model "
                                      "gives {}x{}x{}",
                                      who, output.channels, output.height, output.width,
                                      output.plane_stride, os.c, os.h, os.w));
    return {};
}

}  // namespace kizuna::nn
