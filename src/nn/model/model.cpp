// kizuna::Model and run_model(): whole-image inference through a one-call Session.
#include <fmt/format.h>

#include "kizuna/nn_session.hpp"
#include "nn/model/model_impl.hpp"

namespace kizuna {

Model::Model(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;
Model::~Model() = default;

const ModelInfo& Model::info() const noexcept {
    return impl_->info;
}

Result<Model> Model::load(std::string_view id_or_path) {
    auto impl = nn::load_model_impl(id_or_path);
    KZ_TRY(impl);
    return nn::ModelAccess::make(std::move(*impl));
}

Result<Tensor> run_model(const Model& model, ConstTensorView input, const RunOptions& options) {
    const ModelInfo& info = model.info();
    if (input.data == nullptr || input.height < 1 || input.width < 1)
        return make_error(Errc::invalid_argument, "run_model: empty input");
    if (input.channels != info.input_channels)
        return make_error(Errc::invalid_argument,
                          fmt::format("{}: input has {} channels, the model takes {}", info.id,
                                      input.channels, info.input_channels));
    SessionOptions so;
    so.backend = options.backend;
    so.threads = options.threads;
    so.precision = options.precision;
    so.exact_size = options.exact_size;
    so.max_sizes = 1;
    auto session = Session::create(model, so);
    KZ_TRY(session);
    auto shape = session->output_shape(input.height, input.width);
    KZ_TRY(shape);
    auto out = Tensor::create(shape->channels, shape->height, shape->width);
    KZ_TRY(out);
    KZ_TRY(session->run(input, out->view()));
    return out;
}

}  // namespace kizuna
