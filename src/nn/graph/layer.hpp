// One layer of an in-memory neural network: its type, its parameters and its weights.
//
// The model readers (ncnn .param/.bin first) fill these structs; every backend (reference,
// XNNPACK, later Vulkan) reads them and never modifies them. Conventions shared by every layer:
//  - Activations are planar FP32 tensors C x H x W (N = 1). A 1-D vector of n values (the output
//    of global pooling or InnerProduct) is the shape C = n, H = W = 1.
//  - Weights are plain fp32 (fp16 weights are widened by the reader), in ncnn's layout, stated
//    per struct below.
//  - Blob indices refer to Graph::blobs (see graph.hpp).
// This header is stable: fields and enumerators are only ever added, never renamed or removed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace kizuna::nn {

enum class LayerType {
    input,          // InputParams; no input blob, one output blob (the network input)
    split,          // no parameters; copies its one input to every output blob
    convolution,    // ConvolutionParams (also ncnn ConvolutionDepthWise, with group > 1)
    deconvolution,  // ConvolutionParams (ncnn Deconvolution / DeconvolutionDepthWise)
    prelu,          // PReluParams
    pixel_shuffle,  // PixelShuffleParams
    interp,         // InterpParams
    binary_op,      // BinaryOpParams
    eltwise,        // EltwiseParams
    concat,         // ConcatParams
    crop,           // CropParams
    pooling,        // PoolingParams
    inner_product,  // InnerProductParams
    scale,          // ScaleParams
    activation,     // ActivationParams (ncnn ReLU, Sigmoid, Clip, Mish, HardSwish...)
};
// Number of LayerType values (the last one + 1); the layer registry has one entry per value.
inline constexpr size_t kLayerTypeCount = static_cast<size_t>(LayerType::activation) + 1;

// Short stable name, e.g. "convolution" (layers/registry.cpp).
const char* layer_type_name(LayerType type) noexcept;

// Fused or stand-alone element-wise activation. ncnn activation_type numbers in comments.
enum class ActivationType {
    none = 0,        // identity
    relu = 1,        // x > 0 ? x : alpha * x   (alpha = 0 for plain ReLU; ncnn ReLU slope)
    leaky_relu = 2,  // x > 0 ? x : alpha * x
    clip = 3,        // min(max(x, alpha), beta)
    sigmoid = 4,     // 1 / (1 + exp(-x))
    mish = 5,        // x * tanh(log(1 + exp(x)))
    hard_swish = 6,  // x * clip(x * alpha + beta, 0, 1)
};

struct ActivationParams {
    ActivationType type = ActivationType::none;
    float alpha = 0.f;  // leaky slope, clip minimum, hard-swish multiplier
    float beta = 0.f;   // clip maximum, hard-swish offset
};

// Network input. The size fields are the shape hint stored in the file (0 = unspecified); the
// real size is chosen at run time (Graph::infer_shapes).
struct InputParams {
    int width = 0;
    int height = 0;
    int channels = 0;
};

// How the padding of a convolution is decided.
enum class PadMode {
    explicit_pads,  // pad_left/right/top/bottom as stored
    same_upper,     // ncnn -233: output = ceil(in / stride); extra padding goes right/bottom
    same_lower,     // ncnn -234: same, extra padding goes left/top
};

// Convolution and deconvolution (transposed convolution).
//
// Convolution weights: [num_output][num_input / group][kernel_h][kernel_w];
//   out[o][y][x] = bias[o] + sum_{i,ky,kx} w[o][i][ky][kx] *
//                  in[i][y*stride_h - pad_top + ky*dilation_h][x*stride_w - pad_left +
//                  kx*dilation_w]
//   (samples outside the input read pad_value). Output size:
//   (in + pad_l + pad_r - dilation*(kernel-1) - 1) / stride + 1.
// Deconvolution weights: [num_output][num_input / group][kernel_h][kernel_w], scatter form:
//   full[o][y*stride_h + ky*dilation_h][x*stride_w + kx*dilation_w] += w[o][i][ky][kx] *
//   in[i][y][x] then full (size (in-1)*stride + dilation*(kernel-1) + 1 + output_pad) is cropped by
//   pad_left/top/right/bottom (or to output_w/h when > 0, centred as ncnn does), bias added.
// Grouped: input channels and output channels are split into `group` equal parts; group g uses
// weights of outputs [g*no/group, (g+1)*no/group) against inputs [g*ni/group, ...).
// bias: empty (no bias) or num_output values. The activation is applied last.
struct ConvolutionParams {
    int num_output = 0;
    int num_input =
        0;  // derived by the reader: weights.size() / (num_output*kernel_h*kernel_w) * group
    int kernel_w = 0;
    int kernel_h = 0;
    int dilation_w = 1;
    int dilation_h = 1;
    int stride_w = 1;
    int stride_h = 1;
    PadMode pad_mode = PadMode::explicit_pads;
    int pad_left = 0;
    int pad_right = 0;
    int pad_top = 0;
    int pad_bottom = 0;
    float pad_value = 0.f;      // convolution only
    int group = 1;              // 1 = ordinary; num_input = depth-wise
    int output_pad_right = 0;   // deconvolution only
    int output_pad_bottom = 0;  // deconvolution only
    int output_w = 0;           // deconvolution only: 0 = from pads
    int output_h = 0;           // deconvolution only: 0 = from pads
    ActivationParams activation;
};

// weights: num_slope values; num_slope = 1 applies one slope to every channel.
//   out = x > 0 ? x : slope[c] * x
struct PReluParams {
    int num_slope = 0;
};

// Depth-to-space. mode 0 (PyTorch / ncnn default): out[c][y*r+i][x*r+j] = in[c*r*r + i*r +
// j][y][x]. mode 1 (ONNX DCR): out[c][y*r+i][x*r+j] = in[(i*r + j)*C_out + c][y][x].
struct PixelShuffleParams {
    int upscale_factor = 1;
    int mode = 0;
};

enum class InterpMode { nearest = 1, bilinear = 2, bicubic = 3 };

// Resize. Output size: output_w/h when > 0, else floor(in * scale). Sample coordinates follow
// ncnn: src = (dst + 0.5) * in / out - 0.5 (align_corner = false) or dst * (in-1) / (out-1).
// nearest: src = min(floor(dst * in / out), in - 1). Bicubic uses Keys' kernel with A = -0.75
// and clamps taps to the edge.
struct InterpParams {
    InterpMode mode = InterpMode::nearest;
    float height_scale = 1.f;
    float width_scale = 1.f;
    int output_h = 0;
    int output_w = 0;
    bool align_corner = false;
};

// ncnn BinaryOp numbering. r* forms swap the operands: rsub = b - a.
enum class BinaryOpType {
    add = 0,
    sub = 1,
    mul = 2,
    div = 3,
    max = 4,
    min = 5,
    pow = 6,
    rsub = 7,
    rdiv = 8,
    rpow = 9,
    atan2 = 10,
    ratan2 = 11,
};

// Two inputs a, b broadcast numpy-style on C x H x W (each dimension equal or 1 in one of them;
// a 1-D vector of C values is C x 1 x 1, i.e. one value per channel), or one input with a scalar
// b (with_scalar). Output shape = the broadcast shape.
struct BinaryOpParams {
    BinaryOpType op = BinaryOpType::add;
    bool with_scalar = false;
    float scalar = 0.f;
};

enum class EltwiseOp { prod = 0, sum = 1, max = 2 };

// N same-shape inputs. sum with coefficients: out = sum_i coeffs[i] * in_i (empty = all 1).
struct EltwiseParams {
    EltwiseOp op = EltwiseOp::sum;
    std::vector<float> coefficients;
};

// Concatenation along axis 0 = channels, 1 = height, 2 = width (negative values are resolved by
// the reader against 3 dims).
struct ConcatParams {
    int axis = 0;
};

// Crop. Three forms, all resolved by shape inference into offsets and an output size:
//  - offsets form: (woffset, hoffset, coffset) and size outw/outh/outc (0 or -233 = up to the
//    end minus woffset2/hoffset2/coffset2);
//  - reference form (2 inputs): offsets as above, size = the second input's C x H x W;
//  - starts/ends/axes form (ncnn keys 9/10/11): per axis (0 = C, 1 = H, 2 = W, negatives
//    counted from the end), begin = starts[i], end = ends[i] (negative = from the end;
//    >= INT_MAX/2 = the end).
struct CropParams {
    int woffset = 0;
    int hoffset = 0;
    int coffset = 0;
    int outw = 0;
    int outh = 0;
    int outc = 0;
    int woffset2 = 0;
    int hoffset2 = 0;
    int coffset2 = 0;
    std::vector<int> starts;
    std::vector<int> ends;
    std::vector<int> axes;  // resolved to 0..2 by the reader
};

enum class PoolingType { max = 0, average = 1 };

// Pooling. global: over all of H x W -> C x 1 x 1. Otherwise a window kernel_h x kernel_w at
// stride; the padding actually applied for an input size is resolve_pooling_padding() in
// graph.hpp. Max pooling ignores padded samples.
// Average over padded windows divides by the window area including pad when
// count_include_pad, else by the number of real samples.
struct PoolingParams {
    PoolingType type = PoolingType::max;
    bool global = false;
    int kernel_w = 1;
    int kernel_h = 1;
    int stride_w = 1;
    int stride_h = 1;
    int pad_left = 0;
    int pad_right = 0;
    int pad_top = 0;
    int pad_bottom = 0;
    bool count_include_pad = true;
    // ncnn pad_mode: 0 = "full" (the right/bottom pad grows so that the last partial window is
    // kept: output = ceil((in + pads - kernel) / stride) + 1), 1 = "valid" (pads as given,
    // floor), 2 = same_upper, 3 = same_lower (pads ignored, output = ceil(in / stride)).
    int pad_mode = 0;
};

// Fully connected. The input (any C x H x W) is flattened in C, H, W order to n values;
// weights: [num_output][n]; bias empty or num_output values; output is num_output x 1 x 1.
struct InnerProductParams {
    int num_output = 0;
    int num_input = 0;  // derived by the reader: weights.size() / num_output
    ActivationParams activation;
};

// Per-channel scale: out[c] = in[c] * s[c] (+ bias[c]). With from_input (ncnn -233), s is the
// second input blob (C x 1 x 1 or C values) and there is no bias; otherwise weights holds C
// scale values and bias is empty or C values.
struct ScaleParams {
    int scale_data_size = 0;
    bool from_input = false;
};

using LayerParams =
    std::variant<std::monostate, InputParams, ConvolutionParams, PReluParams, PixelShuffleParams,
                 InterpParams, BinaryOpParams, EltwiseParams, ConcatParams, CropParams,
                 PoolingParams, InnerProductParams, ScaleParams, ActivationParams>;

struct Layer {
    LayerType type = LayerType::split;
    std::string name;            // as in the file, e.g. "conv_46"
    int line = 0;                // 1-based line in the .param file (0 when built in memory)
    std::vector<int> inputs;     // blob indices, in order
    std::vector<int> outputs;    // blob indices, in order
    LayerParams params;          // the alternative named next to `type` above; monostate for split
    std::vector<float> weights;  // per-type layout, see the params structs; empty when none
    std::vector<float> bias;     // empty or one value per output channel

    // Typed access: nullptr if params holds another alternative.
    template <class P>
    const P* get() const {
        return std::get_if<P>(&params);
    }
};

}  // namespace kizuna::nn
