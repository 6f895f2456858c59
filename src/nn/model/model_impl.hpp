// What a kizuna::Model holds, the internal access to it, and the model description shared by
// inspect_model and load.
#pragma once

#include <memory>

#include "kizuna/models.hpp"
#include "nn/graph/graph.hpp"

namespace kizuna {

struct Model::Impl {
    nn::Graph graph;
    ModelInfo info;
};

namespace nn {

// The only way into a Model's content (friend of Model): for sessions and the loader.
struct ModelAccess {
    using Impl = Model::Impl;
    static const std::shared_ptr<const Impl>& impl(const Model& model) { return model.impl_; }
    static Model make(std::shared_ptr<const Impl> impl) { return Model(std::move(impl)); }
};
using ModelImpl = ModelAccess::Impl;

// Loads the graph of a catalogue id or .param path and describes it (describe_model, then
// apply_catalogue). Errors: not_found, corrupt_data, unsupported, invalid_argument.
Result<std::shared_ptr<ModelImpl>> load_model_impl(std::string_view id_or_path);

// Fills every ModelInfo field derivable from the graph: sizes accepted (probing square sizes
// 1..kProbeSizes with shape inference), scale and border, cost, receptive field.
// Errors: invalid_argument when no probed size works or the output is not an integer scale.
Result<ModelInfo> describe_model(const Graph& graph, std::string id,
                                 const std::filesystem::path& param);

// Takes the id and catalogue-only facts (adds_nearest_input) of the catalogue entry whose
// files are info.param, if any.
void apply_catalogue(ModelInfo& info);

// Smallest accepted size >= n (see ModelInfo).
int accepted_size_at_least(const ModelInfo& info, int n);

}  // namespace nn
}  // namespace kizuna
