#include "nn/backend.hpp"
#include "core/enum_names.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "nn/vulkan/vk_device.hpp"

namespace kizuna {

const char* nn_backend_name(NnBackendKind kind) noexcept {
    return enum_name<NnBackendKind::vulkan>(kind, {"reference", "xnnpack", "vulkan"});
}

bool parse_nn_backend(std::string_view name, NnBackendKind* kind) noexcept {
    if (name == "ref" || name == "reference") {
        *kind = NnBackendKind::reference;
    } else if (name == "xnnpack") {
        *kind = NnBackendKind::xnnpack;
    } else if (name == "vulkan") {
        *kind = NnBackendKind::vulkan;
    } else {
        return false;
    }
    return true;
}

const char* nn_precision_name(NnPrecision precision) noexcept {
    return enum_name<NnPrecision::fp16>(precision, {"auto", "fp32", "fp16"});
}

bool parse_nn_precision(std::string_view name, NnPrecision* precision) noexcept {
    if (name == "auto") {
        *precision = NnPrecision::automatic;
    } else if (name == "fp32") {
        *precision = NnPrecision::fp32;
    } else if (name == "fp16") {
        *precision = NnPrecision::fp16;
    } else {
        return false;
    }
    return true;
}

}  // namespace kizuna

namespace kizuna::nn {

Result<std::unique_ptr<Backend>> make_backend(NnBackendKind kind, int threads,
                                              std::shared_ptr<ThreadPool> pool,
                                              std::shared_ptr<VulkanDevice> device,
                                              NnPrecision precision) {
    switch (kind) {
        case NnBackendKind::reference:
            return make_reference_backend(threads, std::move(pool));
        case NnBackendKind::vulkan:
            return make_vulkan_backend(std::move(device), precision);
        case NnBackendKind::xnnpack:
            break;
    }
#if KIZUNA_HAVE_XNNPACK_BACKEND
    return make_xnnpack_backend(threads, std::move(pool));
#else
    return make_error(Errc::unsupported, "the XNNPACK backend is not part of this build");
#endif
}

Result<PooledBackend> make_pooled_backend(NnBackendKind kind, int threads,
                                          std::shared_ptr<VulkanDevice> device,
                                          NnPrecision precision) {
    auto pool = ThreadPool::create(resolve_thread_count(threads));
    KZ_TRY(pool);
    PooledBackend made{std::make_shared<ThreadPool>(std::move(*pool)), nullptr, nullptr};
    if (kind == NnBackendKind::vulkan) {
        if (!device) {
            auto own = VulkanDevice::create(nullptr);
            KZ_TRY(own);
            device = std::move(*own);
        }
        made.device = device;
    }
    auto backend = make_backend(kind, threads, made.pool, std::move(device), precision);
    KZ_TRY(backend);
    made.backend = std::move(*backend);
    return made;
}

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

Result<void> check_run_control(const char* who, const Graph& graph, const RunControl& control) {
    const int n = static_cast<int>(graph.layers.size());
    if (control.stop_before < -1 || control.stop_before >= n)
        return make_error(
            Errc::invalid_argument,
            fmt::format("{}: stop_before {} is outside [-1, {})", who, control.stop_before, n));
    for (const RunControl::Override& o : control.overrides) {
        if (o.layer < 0 || o.layer >= n || o.values == nullptr ||
            graph.layers[static_cast<size_t>(o.layer)].outputs.size() != 1)
            return make_error(Errc::invalid_argument,
                              fmt::format("{}: cannot override layer {} (of {}): it must exist "
                                          "and have one output",
                                          who, o.layer, n));
    }
    return {};
}

Result<void> check_sum_blob(const char* who, const Graph& graph, int stopped_at, int blob,
                            const Shape& shape, int y0, int y1, int x0, int x1, size_t channels) {
    if (stopped_at < 0)
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: sum_blob needs a run stopped before a layer", who));
    const Layer& l = graph.layers[static_cast<size_t>(stopped_at)];
    if (std::find(l.inputs.begin(), l.inputs.end(), blob) == l.inputs.end())
        return make_error(
            Errc::invalid_argument,
            fmt::format("{}: blob {} is not an input of layer '{}'", who, blob, l.name));
    if (y0 < 0 || x0 < 0 || y1 > shape.h || x1 > shape.w || y0 > y1 || x0 > x1 ||
        channels != static_cast<size_t>(shape.c))
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: region rows [{}, {}) columns [{}, {}) x {} channels "
                                      "does not fit blob {} ({})",
                                      who, y0, y1, x0, x1, channels, blob, shape_text(shape)));
    return {};
}

}  // namespace kizuna::nn
