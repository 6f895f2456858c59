// Reader for ncnn models: a text .param file (the graph) and a binary .bin file (the weights).
//
// .param: line 1 the magic 7767517; line 2 "layer_count blob_count"; then one line per layer:
//   Type name bottom_count top_count bottom_names... top_names... key=value...
// The counts are checked against what follows; blobs are referred to by name and each must be
// produced by an earlier layer.
// .bin: the weights of the layers in file order, each array either raw little-endian fp32
// (biases, PReLU slopes, Scale data) or, for convolution / deconvolution / inner-product
// weights, preceded by a 4-byte tag: 0 = fp32, 0x01306B47 = fp16 (padded to 4 bytes); other
// tags (int8, 0x000D4B38; codebook quantisation) are reported as unsupported. The file must be
// exactly as long as the weights it holds.
//
// Every error is a Result naming the file, the line and the layer (type and name); nothing in a
// malformed file can crash the reader, and counts and sizes are capped before anything is
// allocated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kizuna/error.hpp"
#include "nn/graph/graph.hpp"
#include "nn/ncnn/param_dict.hpp"

namespace kizuna::nn {

// Caps applied while parsing, before allocating.
inline constexpr int kMaxLayers = 100000;
inline constexpr int kMaxBlobs = 200000;
inline constexpr int kMaxLayerIo = 4096;                     // inputs or outputs of one layer
inline constexpr size_t kMaxParamBytes = 64u << 20;          // .param file size
inline constexpr size_t kMaxBinBytes = size_t{4} << 30;      // .bin file size
inline constexpr size_t kMaxWeightValues = size_t{1} << 30;  // one weight array

// One array of weights the .bin holds for a layer, in file order.
struct WeightSpec {
    bool to_bias = false;  // destination: Layer::bias, else Layer::weights
    size_t count = 0;      // number of values
    bool tagged = false;   // preceded by a 4-byte storage tag (fp32 / fp16 / ...)
};

// Layer parameters as decoded from one .param line, before weights are loaded.
struct LayerSpec {
    LayerType type = LayerType::split;
    LayerParams params;
    std::vector<WeightSpec> weights;
};

// Decodes the parameters of an ncnn layer type with the parameter table of its layer registry
// entry (layers/, ncnn/param_table.hpp). Errors (unsupported type or parameter, inconsistent
// values) carry a message without location; the caller adds it. Errc::unsupported for an
// unknown type or a feature we lack, corrupt_data for impossible values.
Result<LayerSpec> decode_ncnn_layer(std::string_view type, const ParamDict& params, int input_count,
                                    int output_count);

struct ParsedParam {
    Graph graph;                                   // weights still empty
    std::vector<std::vector<WeightSpec>> weights;  // per layer
};

// Parses .param text. `source` names the file in messages.
Result<ParsedParam> parse_ncnn_param(std::string_view text, const std::string& source);

// Fills the weights of `parsed` from .bin bytes. `source` names the file in messages.
Result<void> load_ncnn_bin(ParsedParam& parsed, std::span<const uint8_t> bin,
                           const std::string& source);

// Both steps on in-memory text and bytes.
Result<Graph> read_ncnn(std::string_view param_text, std::span<const uint8_t> bin,
                        const std::string& param_source, const std::string& bin_source);

// Reads `param_path` and the .bin beside it (same path with the extension replaced by .bin).
Result<Graph> load_ncnn_model(const std::filesystem::path& param_path);

}  // namespace kizuna::nn
