// kizuna::Model and run_model(): whole-image inference through a chosen backend.
#include <algorithm>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "nn/backend.hpp"
#include "nn/model/model_impl.hpp"
#include "nn/ncnn/ncnn_reader.hpp"

namespace kizuna {

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

const ModelInfo& Model::info() const noexcept {
    return impl_->info;
}

Result<Model> Model::load(std::string_view id_or_path) {
    auto path = resolve_model(id_or_path);
    KZ_TRY(path);
    auto graph = nn::load_ncnn_model(*path);
    KZ_TRY(graph);
    auto info = nn::describe_model(*graph, std::string(id_or_path), *path);
    KZ_TRY(info);
    nn::apply_catalogue(*info);
    auto impl = std::make_unique<Impl>();
    impl->graph = std::move(*graph);
    impl->info = std::move(*info);
    return Model(std::move(impl));
}

namespace {

Result<std::unique_ptr<nn::Backend>> make_backend(const RunOptions& options) {
    if (options.backend == NnBackendKind::reference)
        return nn::make_reference_backend(options.threads);
#if KIZUNA_HAVE_XNNPACK_BACKEND
    return nn::make_xnnpack_backend(options.threads);
#else
    return make_error(Errc::unsupported, "the XNNPACK backend is not part of this build");
#endif
}

// Source index for position i (may be outside [0, n)) under the edge rule.
int edge_index(int i, int n, EdgePadding mode) {
    if (mode == EdgePadding::replicate || n == 1) return std::clamp(i, 0, n - 1);
    const int period = 2 * (n - 1);  // reflect: ... 2 1 | 0 1 2 ... n-1 | n-2 ...
    int r = i % period;
    if (r < 0) r += period;
    return r < n ? r : period - r;
}

// Copies `in` into a new h x w tensor at (top, left), extending it past its edges by `mode`.
Result<Tensor> pad_input(ConstTensorView in, int h, int w, int top, int left, EdgePadding mode) {
    auto t = Tensor::create(in.channels, h, w);
    KZ_TRY(t);
    std::vector<int> xs(w);
    for (int x = 0; x < w; ++x) xs[x] = edge_index(x - left, in.width, mode);
    for (int c = 0; c < in.channels; ++c)
        for (int y = 0; y < h; ++y) {
            const float* src = in.row(c, edge_index(y - top, in.height, mode));
            float* dst = t->view().row(c, y);
            for (int x = 0; x < w; ++x) dst[x] = src[xs[x]];
        }
    return t;
}

}  // namespace

Result<Tensor> run_model(const Model& model, ConstTensorView input, const RunOptions& options) {
    const ModelInfo& info = model.info();
    const nn::Graph& graph = model.impl().graph;
    if (input.data == nullptr || input.height < 1 || input.width < 1)
        return make_error(Errc::invalid_argument, "run_model: empty input");
    if (input.channels != info.input_channels)
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: input has {} channels, the model takes {}", info.id,
                                      input.channels, info.input_channels));
    auto backend = make_backend(options);
    KZ_TRY(backend);
    Tensor out;
    if (!options.exact_size) {
        KZ_TRY((*backend)->run(graph, input, out));
        // Output pixel j lies over input pixel (j + output_border) / scale.
        const int b = info.output_border;
        if (info.adds_nearest_input)
            for (int c = 0; c < out.channels(); ++c)
                for (int y = 0; y < out.height(); ++y) {
                    float* dst = out.view().row(c, y);
                    const float* src = input.row(c, (y + b) / info.scale);
                    for (int x = 0; x < out.width(); ++x) dst[x] += src[(x + b) / info.scale];
                }
        return out;
    }
    // Pad so that the output covers the whole input, run, then crop to scale * input.
    const int pad = info.input_padding;
    const int h = nn::accepted_size_at_least(info, input.height + 2 * pad);
    const int w = nn::accepted_size_at_least(info, input.width + 2 * pad);
    auto padded = pad_input(input, h, w, pad, pad, info.edge_padding);
    KZ_TRY(padded);
    KZ_TRY((*backend)->run(graph, padded->view(), out));
    const int oy = pad * info.scale - info.output_border;
    const int oh = input.height * info.scale;
    const int ow = input.width * info.scale;
    if (oy < 0 || out.height() < oy + oh || out.width() < oy + ow)
        return make_error(Errc::internal, fmt::format("{}: output {}x{} does not cover the input",
                                                      info.id, out.height(), out.width()));
    auto result = Tensor::create(out.channels(), oh, ow);
    KZ_TRY(result);
    for (int c = 0; c < out.channels(); ++c)
        for (int y = 0; y < oh; ++y) {
            float* dst = result->view().row(c, y);
            std::memcpy(dst, out.view().row(c, y + oy) + oy, sizeof(float) * ow);
            if (info.adds_nearest_input) {
                const float* src = input.row(c, y / info.scale);
                for (int x = 0; x < ow; ++x) dst[x] += src[x / info.scale];
            }
        }
    return result;
}

}  // namespace kizuna
