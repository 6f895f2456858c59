// The neural upscaling models: the catalogue of installed models, what each one needs, and a
// simple runner (one whole image in, one image out) for the CLI and the tests.
//
// Models are ncnn .param/.bin pairs installed by scripts/fetch-models.sh under the models
// directory: real-esrgan/models/, real-cugan/models-se/, waifu2x/models-cunet/ and
// waifu2x/models-upconv_7_anime_style_art_rgb/.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kizuna/error.hpp"
#include "kizuna/tensor.hpp"

namespace kizuna {

// $KIZUNA_MODELS when set and non-empty, else $HOME/.cache/kizuna/models. Not checked for
// existence.
std::filesystem::path models_directory();

// How a model's input is extended past the picture edge (padding for input_padding and for
// rounding up to an accepted size). The models were trained (and their reference tools run)
// with one of these; with global pooling in the graph the choice changes every output pixel.
enum class EdgePadding {
    replicate,  // repeat the edge pixel (waifu2x, Real-ESRGAN)
    reflect,    // mirror without repeating the edge pixel (Real-CUGAN, as PyTorch 'reflect')
};

struct ModelEntry {
    std::string id;               // e.g. "realesr-animevideov3-x2", "waifu2x-cunet-noise1-x2"
    std::string family;           // "real-esrgan", "real-cugan", "waifu2x-cunet", "waifu2x-upconv7"
    int scale = 1;                // nominal upscale factor (1 = denoise only)
    int noise = -1;               // denoise level (-1 = none; real-cugan "conservative" = 0)
    std::filesystem::path param;  // the .param file; the .bin has the same stem
    bool found = false;           // both files exist in models_directory()
    // The graph outputs only a residual: the picture is graph output + the input upscaled by
    // nearest neighbour (Real-CUGAN up4x, whose ncnn export leaves this add to the host).
    bool adds_nearest_input = false;
    EdgePadding edge_padding = EdgePadding::replicate;
};

// Every model of the catalogue (29 entries), in a fixed order, with found flags. Thread safe.
std::vector<ModelEntry> list_models();

// An id of the catalogue, or a path to a .param file (anything containing '/' or ending in
// .param). Errors: not_found (unknown id, naming the closest ids; or missing files).
Result<std::filesystem::path> resolve_model(std::string_view id_or_path);

// What a model is and what it needs from its input, derived from its graph (not hard-coded).
//
// Accepted input sizes: H and W each >= min_input_size and (n - min_input_size) a multiple
// of input_multiple. Output size per dimension: scale * n - 2 * output_border, output pixel j
// lying over input pixel (j + output_border) / scale. What shape inference finds for the
// shipped models (tested in tests/unit/nn):
//   family                       min  multiple  border (out px)  input_padding (in px)
//   realesr-animevideov3 x2/3/4    1      1          0                0
//   realesrgan-x4plus-anime        1      1          0                0
//   real-cugan up2x               38      2         36               18
//   real-cugan up3x               32      4         42               14
//   real-cugan up4x               40      2         76               19   (+ adds_nearest_input)
//   waifu2x cunet noise-only x1   60      4         28               28
//   waifu2x cunet x2              38      2         36               18
//   waifu2x upconv_7 x2           15      1         14                7
// (the input_padding column equals the pre-padding the ncnn-vulkan tools use). Real-ESRGAN
// graphs zero-pad every convolution, so they accept any size and lose nothing, but pixels
// within receptive_radius of an edge differ from a run on a larger picture. Real-CUGAN and
// cunet contain global average pooling (squeeze-excitation): their output depends slightly
// on the whole tile (global_context), and Real-CUGAN matches realcugan-ncnn-vulkan only with
// reflect padding (edge_padding). run_model() with exact_size pads by input_padding with
// edge_padding, rounds up to an accepted size and crops.
struct ModelInfo {
    std::string id;  // catalogue id, or the .param path for other models
    std::filesystem::path param;
    int scale = 1;  // output pixels per input pixel, per dimension
    int input_channels = 3;
    int output_channels = 3;
    int layer_count = 0;              // layers in the file, Input and Split included
    size_t parameter_count = 0;       // weights and biases
    double mflop_per_pixel = 0;       // MFLOP per input pixel (multiply-add = 2 FLOP), measured
                                      // at a size near 256x256 and divided by H*W
    int receptive_radius = 0;         // input pixels on each side that influence an output pixel
                                      // through convolutions / resizes (global pooling excluded)
    bool global_context = false;      // the model has global pooling (channel attention): every
                                      // output pixel depends a little on the whole input, so
                                      // tiled output differs slightly from whole-image output
    int min_input_size = 1;           // smallest accepted H and W
    int input_multiple = 1;           // accepted sizes step by this from min_input_size
    int output_border = 0;            // output pixels missing on each side
    int input_padding = 0;            // input pixels to add on each side so that the output
                                      // covers the unpadded input: ceil(output_border / scale)
    bool adds_nearest_input = false;  // see ModelEntry; run_model() applies it
    EdgePadding edge_padding = EdgePadding::replicate;  // from the catalogue; see EdgePadding
    size_t peak_activation_bytes = 0;  // reference plan at measured_size (weights excluded)
    // What the XNNPACK backend holds beyond those activations at measured_size on this CPU (its
    // convolutions' indirection buffers; none for those our direct kernel runs).
    size_t xnnpack_held_bytes = 0;
    int measured_size = 0;  // that size (square)
};

Result<ModelInfo> inspect_model(std::string_view id_or_path);

// reference: plain C++ loops (the definition of correct output); xnnpack: the fast CPU backend;
// vulkan: Vulkan compute on the best Vulkan device, a software one (lavapipe) included, so it is
// used only when asked for by name.
enum class NnBackendKind { reference, xnnpack, vulkan };

// "reference", "xnnpack" or "vulkan".
const char* nn_backend_name(NnBackendKind kind) noexcept;
// The kind named by "ref", "reference", "xnnpack" or "vulkan"; false for anything else.
bool parse_nn_backend(std::string_view name, NnBackendKind* kind) noexcept;

// Number format of the Vulkan backend's weights and activations (the CPU backends compute in
// fp32 whatever is asked). automatic: fp16 where the device has 16-bit storage buffers, else
// fp32; fp16: refused on a device without them; fp32: always fp32.
enum class NnPrecision { automatic, fp32, fp16 };

// "auto", "fp32" or "fp16".
const char* nn_precision_name(NnPrecision precision) noexcept;
// The precision named by "auto", "fp32" or "fp16"; false for anything else.
bool parse_nn_precision(std::string_view name, NnPrecision* precision) noexcept;

struct RunOptions {
    NnBackendKind backend = NnBackendKind::reference;
    int threads = 0;         // 0 = all hardware threads
    bool exact_size = true;  // pad the input (ModelInfo::edge_padding) to an accepted size with
                             // enough border, and crop, so output = scale * input exactly;
                             // false: run the raw input, which must be an accepted size
    NnPrecision precision = NnPrecision::fp32;  // the Vulkan backend's (NnPrecision)
};

namespace nn {
struct ModelAccess;  // internal (src/nn/model/model_impl.hpp)
}

// A loaded model (graph and weights in memory). Move-only; immutable after load, so one Model
// may be shared by threads that each call run_model() or run their own Session.
class Model {
public:
    static Result<Model> load(std::string_view id_or_path);

    Model(Model&&) noexcept;
    Model& operator=(Model&&) noexcept;
    ~Model();

    const ModelInfo& info() const noexcept;

private:
    struct Impl;  // graph and info; defined and reached only inside src/nn (nn::ModelAccess)
    friend struct nn::ModelAccess;
    explicit Model(std::shared_ptr<const Impl> impl);
    std::shared_ptr<const Impl> impl_;  // shared with the model's sessions
};

// Runs the whole input (C x H x W planar RGB in [0, 1], C = info().input_channels) through the
// model: a Session (kizuna/nn_session.hpp) made for this one call. Allocates its working memory
// per call; a tiler keeps a Session instead.
// Errors: invalid_argument (wrong channels, size the model cannot take with exact_size off),
// unsupported (backend not built in, or a layer it lacks), out_of_memory.
Result<Tensor> run_model(const Model& model, ConstTensorView input, const RunOptions& options);

}  // namespace kizuna
