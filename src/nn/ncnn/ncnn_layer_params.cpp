// Decoding of ncnn layer parameters (the key=value part of a .param line) into LayerParams.
// Key numbers and defaults follow ncnn's layer definitions.
#include <algorithm>
#include <initializer_list>

#include <fmt/format.h>

#include "nn/ncnn/ncnn_reader.hpp"

namespace kizuna::nn {
namespace {

constexpr int kMaxKernel = 255;
constexpr int kMaxStride = 64;
constexpr int kMaxPad = 4096;
constexpr int kMaxChannels = 1 << 16;

Error corrupt(std::string message) {
    return make_error(Errc::corrupt_data, std::move(message));
}
Error unsupported(std::string message) {
    return make_error(Errc::unsupported, std::move(message));
}

// Rejects keys this reader does not interpret: silently ignoring one could change the output.
Result<void> check_keys(const ParamDict& pd, std::initializer_list<int> known) {
    for (int k : pd.keys())
        if (std::find(known.begin(), known.end(), k) == known.end())
            return unsupported(fmt::format("unsupported parameter key {}", k));
    return {};
}

Result<void> check_range(const char* what, int v, int lo, int hi) {
    if (v < lo || v > hi)
        return corrupt(fmt::format("{} = {} is out of range [{}, {}]", what, v, lo, hi));
    return {};
}

Result<void> check_io(int inputs, int outputs, int min_in, int max_in, int min_out, int max_out) {
    if (inputs < min_in || inputs > max_in)
        return corrupt(fmt::format("has {} inputs, expected {}..{}", inputs, min_in, max_in));
    if (outputs < min_out || outputs > max_out)
        return corrupt(fmt::format("has {} outputs, expected {}..{}", outputs, min_out, max_out));
    return {};
}

// ncnn activation_type (key 9) and activation_params (array key 10).
Result<ActivationParams> decode_activation(const ParamDict& pd) {
    auto type = pd.get_int(9, 0);
    KZ_TRY(type);
    auto args = pd.get_float_array(10);
    KZ_TRY(args);
    ActivationParams a;
    const std::vector<float>& v = *args;
    switch (*type) {
        case 0:
            return a;
        case 1:
            a.type = ActivationType::relu;
            return a;
        case 2:
            a.type = ActivationType::leaky_relu;
            a.alpha = v.empty() ? 0.f : v[0];
            return a;
        case 3:
            if (v.size() < 2) return corrupt("clip activation needs 2 parameters (min, max)");
            a.type = ActivationType::clip;
            a.alpha = v[0];
            a.beta = v[1];
            return a;
        case 4:
            a.type = ActivationType::sigmoid;
            return a;
        case 5:
            a.type = ActivationType::mish;
            return a;
        case 6:
            a.type = ActivationType::hard_swish;
            a.alpha = v.size() >= 1 ? v[0] : 0.2f;
            a.beta = v.size() >= 2 ? v[1] : 0.5f;
            return a;
        default:
            return unsupported(fmt::format("unsupported activation_type {}", *type));
    }
}

Result<LayerSpec> decode_convolution(const ParamDict& pd, bool deconv, bool depthwise) {
    if (deconv) {
        KZ_TRY(check_keys(
            pd, {0, 1, 11, 2, 12, 3, 13, 4, 14, 15, 16, 18, 19, 20, 21, 5, 6, 7, 9, 10, 28}));
    } else {
        KZ_TRY(check_keys(pd, {0, 1, 11, 2, 12, 3, 13, 4, 14, 15, 16, 18, 5, 6, 7, 8, 9, 10, 19}));
    }
    ConvolutionParams p;
    int bias_term = 0;
    int weight_size = 0;
    {
        auto v = pd.get_int(0, 0);
        KZ_TRY(v);
        p.num_output = *v;
        v = pd.get_int(1, 0);
        KZ_TRY(v);
        p.kernel_w = *v;
        v = pd.get_int(11, p.kernel_w);
        KZ_TRY(v);
        p.kernel_h = *v;
        v = pd.get_int(2, 1);
        KZ_TRY(v);
        p.dilation_w = *v;
        v = pd.get_int(12, p.dilation_w);
        KZ_TRY(v);
        p.dilation_h = *v;
        v = pd.get_int(3, 1);
        KZ_TRY(v);
        p.stride_w = *v;
        v = pd.get_int(13, p.stride_w);
        KZ_TRY(v);
        p.stride_h = *v;
        v = pd.get_int(4, 0);
        KZ_TRY(v);
        p.pad_left = *v;
        v = pd.get_int(15, p.pad_left);
        KZ_TRY(v);
        p.pad_right = *v;
        v = pd.get_int(14, p.pad_left);
        KZ_TRY(v);
        p.pad_top = *v;
        v = pd.get_int(16, p.pad_top);
        KZ_TRY(v);
        p.pad_bottom = *v;
        v = pd.get_int(5, 0);
        KZ_TRY(v);
        bias_term = *v;
        v = pd.get_int(6, 0);
        KZ_TRY(v);
        weight_size = *v;
        v = pd.get_int(7, 1);
        KZ_TRY(v);
        p.group = *v;
    }
    if (deconv) {
        auto v = pd.get_int(18, 0);
        KZ_TRY(v);
        p.output_pad_right = *v;
        v = pd.get_int(19, p.output_pad_right);
        KZ_TRY(v);
        p.output_pad_bottom = *v;
        v = pd.get_int(20, 0);
        KZ_TRY(v);
        p.output_w = *v;
        v = pd.get_int(21, p.output_w);
        KZ_TRY(v);
        p.output_h = *v;
        v = pd.get_int(28, 0);
        KZ_TRY(v);
        if (*v != 0) return unsupported("dynamic weights (key 28) are not supported");
        KZ_TRY(check_range("output_pad_right", p.output_pad_right, 0, kMaxPad));
        KZ_TRY(check_range("output_pad_bottom", p.output_pad_bottom, 0, kMaxPad));
        KZ_TRY(check_range("output_w", p.output_w, 0, 1 << 20));
        KZ_TRY(check_range("output_h", p.output_h, 0, 1 << 20));
    } else {
        auto f = pd.get_float(18, 0.f);
        KZ_TRY(f);
        p.pad_value = *f;
        auto v = pd.get_int(8, 0);
        KZ_TRY(v);
        if (*v != 0) return unsupported("int8 quantised convolution (key 8) is not supported");
        v = pd.get_int(19, 0);
        KZ_TRY(v);
        if (*v != 0) return unsupported("dynamic weights (key 19) are not supported");
    }
    auto act = decode_activation(pd);
    KZ_TRY(act);
    p.activation = *act;
    KZ_TRY(check_range("num_output", p.num_output, 1, kMaxChannels));
    KZ_TRY(check_range("kernel_w", p.kernel_w, 1, kMaxKernel));
    KZ_TRY(check_range("kernel_h", p.kernel_h, 1, kMaxKernel));
    KZ_TRY(check_range("dilation_w", p.dilation_w, 1, kMaxStride));
    KZ_TRY(check_range("dilation_h", p.dilation_h, 1, kMaxStride));
    KZ_TRY(check_range("stride_w", p.stride_w, 1, kMaxStride));
    KZ_TRY(check_range("stride_h", p.stride_h, 1, kMaxStride));
    KZ_TRY(check_range("bias_term", bias_term, 0, 1));
    KZ_TRY(check_range("group", p.group, 1, kMaxChannels));
    if (!deconv && (p.pad_left == -233 || p.pad_left == -234)) {
        p.pad_mode = p.pad_left == -233 ? PadMode::same_upper : PadMode::same_lower;
        p.pad_left = p.pad_right = p.pad_top = p.pad_bottom = 0;
    } else {
        KZ_TRY(check_range("pad_left", p.pad_left, 0, kMaxPad));
        KZ_TRY(check_range("pad_right", p.pad_right, 0, kMaxPad));
        KZ_TRY(check_range("pad_top", p.pad_top, 0, kMaxPad));
        KZ_TRY(check_range("pad_bottom", p.pad_bottom, 0, kMaxPad));
    }
    if (p.num_output % p.group != 0)
        return corrupt(
            fmt::format("num_output {} is not a multiple of group {}", p.num_output, p.group));
    // weight_data_size = num_output * (num_input / group) * kernel_h * kernel_w
    const long long per_input = static_cast<long long>(p.num_output) * p.kernel_w * p.kernel_h;
    if (weight_size <= 0 || weight_size % per_input != 0)
        return corrupt(fmt::format(
            "weight_data_size {} is not a positive multiple of num_output*kernel_h*kernel_w = {}",
            weight_size, per_input));
    const long long inputs_per_group = weight_size / per_input;
    if (inputs_per_group * p.group > kMaxChannels)
        return corrupt(fmt::format("implied input channels {} exceed {}",
                                   inputs_per_group * p.group, kMaxChannels));
    p.num_input = static_cast<int>(inputs_per_group * p.group);
    if (depthwise && p.group == 1 && p.num_input != 1 && p.num_output != 1) {
        // ncnn ConvolutionDepthWise with group 1 is an ordinary convolution; nothing to do.
    }
    LayerSpec spec;
    spec.type = deconv ? LayerType::deconvolution : LayerType::convolution;
    spec.weights.push_back({false, static_cast<size_t>(weight_size), true});
    if (bias_term) spec.weights.push_back({true, static_cast<size_t>(p.num_output), false});
    spec.params = p;
    return spec;
}

Result<LayerSpec> decode_pooling(const ParamDict& pd) {
    KZ_TRY(check_keys(pd, {0, 1, 11, 2, 12, 3, 13, 14, 15, 4, 5, 6, 7}));
    PoolingParams p;
    auto v = pd.get_int(0, 0);
    KZ_TRY(v);
    KZ_TRY(check_range("pooling_type", *v, 0, 1));
    p.type = static_cast<PoolingType>(*v);
    v = pd.get_int(1, 0);
    KZ_TRY(v);
    p.kernel_w = *v;
    v = pd.get_int(11, p.kernel_w);
    KZ_TRY(v);
    p.kernel_h = *v;
    v = pd.get_int(2, 1);
    KZ_TRY(v);
    p.stride_w = *v;
    v = pd.get_int(12, p.stride_w);
    KZ_TRY(v);
    p.stride_h = *v;
    v = pd.get_int(3, 0);
    KZ_TRY(v);
    p.pad_left = *v;
    v = pd.get_int(14, p.pad_left);
    KZ_TRY(v);
    p.pad_right = *v;
    v = pd.get_int(13, p.pad_left);
    KZ_TRY(v);
    p.pad_top = *v;
    v = pd.get_int(15, p.pad_top);
    KZ_TRY(v);
    p.pad_bottom = *v;
    v = pd.get_int(4, 0);
    KZ_TRY(v);
    KZ_TRY(check_range("global_pooling", *v, 0, 1));
    p.global = *v != 0;
    v = pd.get_int(5, 0);
    KZ_TRY(v);
    KZ_TRY(check_range("pad_mode", *v, 0, 3));
    p.pad_mode = *v;
    v = pd.get_int(6, 0);
    KZ_TRY(v);
    KZ_TRY(check_range("avgpool_count_include_pad", *v, 0, 1));
    p.count_include_pad = *v != 0;
    v = pd.get_int(7, 0);
    KZ_TRY(v);
    if (*v != 0) return unsupported("adaptive pooling is not supported");
    if (!p.global) {
        KZ_TRY(check_range("kernel_w", p.kernel_w, 1, kMaxKernel));
        KZ_TRY(check_range("kernel_h", p.kernel_h, 1, kMaxKernel));
        KZ_TRY(check_range("stride_w", p.stride_w, 1, kMaxStride));
        KZ_TRY(check_range("stride_h", p.stride_h, 1, kMaxStride));
        KZ_TRY(check_range("pad_left", p.pad_left, 0, kMaxKernel));
        KZ_TRY(check_range("pad_right", p.pad_right, 0, kMaxKernel));
        KZ_TRY(check_range("pad_top", p.pad_top, 0, kMaxKernel));
        KZ_TRY(check_range("pad_bottom", p.pad_bottom, 0, kMaxKernel));
    }
    LayerSpec spec;
    spec.type = LayerType::pooling;
    spec.params = p;
    return spec;
}

Result<LayerSpec> decode_crop(const ParamDict& pd) {
    KZ_TRY(check_keys(pd, {0, 1, 13, 2, 3, 4, 14, 5, 6, 7, 15, 8, 9, 10, 11}));
    CropParams p;
    const std::pair<int, int*> ints[] = {{0, &p.woffset},  {1, &p.hoffset},  {2, &p.coffset},
                                         {3, &p.outw},     {4, &p.outh},     {5, &p.outc},
                                         {6, &p.woffset2}, {7, &p.hoffset2}, {8, &p.coffset2}};
    for (auto [key, dst] : ints) {
        auto v = pd.get_int(key, 0);
        KZ_TRY(v);
        *dst = *v;
    }
    for (int key : {13, 14, 15}) {
        auto v = pd.get_int(key, 0);
        KZ_TRY(v);
        if (*v != 0) return unsupported(fmt::format("depth crop (key {}) is not supported", key));
    }
    for (int* off : {&p.woffset, &p.hoffset, &p.coffset, &p.woffset2, &p.hoffset2, &p.coffset2})
        KZ_TRY(check_range("crop offset", *off, 0, 1 << 24));
    for (int* size : {&p.outw, &p.outh, &p.outc})
        if (*size != -233) KZ_TRY(check_range("crop size", *size, 0, 1 << 24));
    auto starts = pd.get_int_array(9);
    KZ_TRY(starts);
    auto ends = pd.get_int_array(10);
    KZ_TRY(ends);
    auto axes = pd.get_int_array(11);
    KZ_TRY(axes);
    p.starts = std::move(*starts);
    p.ends = std::move(*ends);
    p.axes = std::move(*axes);
    if (p.starts.size() != p.ends.size())
        return corrupt(
            fmt::format("crop has {} starts but {} ends", p.starts.size(), p.ends.size()));
    if (p.axes.empty() && !p.starts.empty()) {
        for (size_t i = 0; i < p.starts.size() && i < 3; ++i) p.axes.push_back(static_cast<int>(i));
    }
    if (p.axes.size() != p.starts.size())
        return corrupt(
            fmt::format("crop has {} starts but {} axes", p.starts.size(), p.axes.size()));
    for (int& a : p.axes) {
        if (a < -3 || a > 2) return corrupt(fmt::format("crop axis {} is out of range", a));
        if (a < 0) a += 3;
    }
    LayerSpec spec;
    spec.type = LayerType::crop;
    spec.params = p;
    return spec;
}

Result<LayerSpec> decode_interp(const ParamDict& pd) {
    KZ_TRY(check_keys(pd, {0, 1, 2, 3, 4, 5, 6}));
    InterpParams p;
    auto v = pd.get_int(0, 0);
    KZ_TRY(v);
    KZ_TRY(check_range("resize_type", *v, 1, 3));
    p.mode = static_cast<InterpMode>(*v);
    auto f = pd.get_float(1, 1.f);
    KZ_TRY(f);
    p.height_scale = *f;
    f = pd.get_float(2, 1.f);
    KZ_TRY(f);
    p.width_scale = *f;
    v = pd.get_int(3, 0);
    KZ_TRY(v);
    p.output_h = *v;
    v = pd.get_int(4, 0);
    KZ_TRY(v);
    p.output_w = *v;
    KZ_TRY(check_range("output_height", p.output_h, 0, 1 << 20));
    KZ_TRY(check_range("output_width", p.output_w, 0, 1 << 20));
    v = pd.get_int(5, 0);
    KZ_TRY(v);
    if (*v != 0) return unsupported("dynamic target size is not supported");
    v = pd.get_int(6, 0);
    KZ_TRY(v);
    KZ_TRY(check_range("align_corner", *v, 0, 1));
    p.align_corner = *v != 0;
    for (float s : {p.height_scale, p.width_scale})
        if (!(s > 0.f && s <= 64.f))
            return corrupt(fmt::format("scale {} is out of range (0, 64]", s));
    LayerSpec spec;
    spec.type = LayerType::interp;
    spec.params = p;
    return spec;
}

Result<LayerSpec> decode_stand_alone_activation(std::string_view type, const ParamDict& pd) {
    ActivationParams a;
    if (type == "ReLU") {
        KZ_TRY(check_keys(pd, {0}));
        auto f = pd.get_float(0, 0.f);
        KZ_TRY(f);
        a.type = ActivationType::relu;
        a.alpha = *f;
    } else if (type == "Sigmoid") {
        KZ_TRY(check_keys(pd, {}));
        a.type = ActivationType::sigmoid;
    } else if (type == "Clip") {
        KZ_TRY(check_keys(pd, {0, 1}));
        auto lo = pd.get_float(0, -3.402823466e+38f);
        KZ_TRY(lo);
        auto hi = pd.get_float(1, 3.402823466e+38f);
        KZ_TRY(hi);
        a = {ActivationType::clip, *lo, *hi};
    } else if (type == "Mish") {
        KZ_TRY(check_keys(pd, {}));
        a.type = ActivationType::mish;
    } else {  // HardSwish
        KZ_TRY(check_keys(pd, {0, 1}));
        auto al = pd.get_float(0, 0.2f);
        KZ_TRY(al);
        auto be = pd.get_float(1, 0.5f);
        KZ_TRY(be);
        a = {ActivationType::hard_swish, *al, *be};
    }
    LayerSpec spec;
    spec.type = LayerType::activation;
    spec.params = a;
    return spec;
}

}  // namespace

Result<LayerSpec> decode_ncnn_layer(std::string_view type, const ParamDict& pd, int inputs,
                                    int outputs) {
    LayerSpec spec;
    if (type == "Input") {
        KZ_TRY(check_io(inputs, outputs, 0, 0, 1, 1));
        KZ_TRY(check_keys(pd, {0, 1, 2, 11}));
        InputParams p;
        auto v = pd.get_int(0, 0);
        KZ_TRY(v);
        p.width = *v;
        v = pd.get_int(1, 0);
        KZ_TRY(v);
        p.height = *v;
        v = pd.get_int(2, 0);
        KZ_TRY(v);
        p.channels = *v;
        spec.type = LayerType::input;
        spec.params = p;
        return spec;
    }
    if (type == "Split") {
        KZ_TRY(check_io(inputs, outputs, 1, 1, 1, kMaxLayerIo));
        spec.type = LayerType::split;
        return spec;
    }
    if (type == "Convolution" || type == "ConvolutionDepthWise" || type == "Deconvolution" ||
        type == "DeconvolutionDepthWise") {
        KZ_TRY(check_io(inputs, outputs, 1, 1, 1, 1));
        const bool deconv = type.starts_with("Deconvolution");
        return decode_convolution(pd, deconv, type.ends_with("DepthWise"));
    }
    if (type == "PReLU") {
        KZ_TRY(check_io(inputs, outputs, 1, 1, 1, 1));
        KZ_TRY(check_keys(pd, {0}));
        PReluParams p;
        auto v = pd.get_int(0, 0);
        KZ_TRY(v);
        p.num_slope = *v;
        KZ_TRY(check_range("num_slope", p.num_slope, 1, kMaxChannels));
        spec.type = LayerType::prelu;
        spec.params = p;
        spec.weights.push_back({false, static_cast<size_t>(p.num_slope), false});
        return spec;
    }
    if (type == "PixelShuffle") {
        KZ_TRY(check_io(inputs, outputs, 1, 1, 1, 1));
        KZ_TRY(check_keys(pd, {0, 1}));
        PixelShuffleParams p;
        auto v = pd.get_int(0, 1);
        KZ_TRY(v);
        p.upscale_factor = *v;
        v = pd.get_int(1, 0);
        KZ_TRY(v);
        p.mode = *v;
        KZ_TRY(check_range("upscale_factor", p.upscale_factor, 1, 16));
        KZ_TRY(check_range("mode", p.mode, 0, 1));
        spec.type = LayerType::pixel_shuffle;
        spec.params = p;
        return spec;
    }
    if (type == "Interp") {
        KZ_TRY(check_io(inputs, outputs, 1, 1, 1, 1));
        return decode_interp(pd);
    }
    if (type == "BinaryOp") {
        KZ_TRY(check_keys(pd, {0, 1, 2}));
        BinaryOpParams p;
        auto v = pd.get_int(0, 0);
        KZ_TRY(v);
        KZ_TRY(check_range("op_type", *v, 0, 11));
        p.op = static_cast<BinaryOpType>(*v);
        v = pd.get_int(1, 0);
        KZ_TRY(v);
        KZ_TRY(check_range("with_scalar", *v, 0, 1));
        p.with_scalar = *v != 0;
        auto f = pd.get_float(2, 0.f);
        KZ_TRY(f);
        p.scalar = *f;
        const int need = p.with_scalar ? 1 : 2;
        KZ_TRY(check_io(inputs, outputs, need, need, 1, 1));
        spec.type = LayerType::binary_op;
        spec.params = p;
        return spec;
    }
    if (type == "Eltwise") {
        KZ_TRY(check_io(inputs, outputs, 1, kMaxLayerIo, 1, 1));
        KZ_TRY(check_keys(pd, {0, 1}));
        EltwiseParams p;
        auto v = pd.get_int(0, 0);
        KZ_TRY(v);
        KZ_TRY(check_range("op_type", *v, 0, 2));
        p.op = static_cast<EltwiseOp>(*v);
        auto c = pd.get_float_array(1);
        KZ_TRY(c);
        p.coefficients = std::move(*c);
        if (!p.coefficients.empty() && static_cast<int>(p.coefficients.size()) != inputs)
            return corrupt(fmt::format("eltwise has {} coefficients for {} inputs",
                                       p.coefficients.size(), inputs));
        spec.type = LayerType::eltwise;
        spec.params = p;
        return spec;
    }
    if (type == "Concat") {
        KZ_TRY(check_io(inputs, outputs, 1, kMaxLayerIo, 1, 1));
        KZ_TRY(check_keys(pd, {0}));
        ConcatParams p;
        auto v = pd.get_int(0, 0);
        KZ_TRY(v);
        KZ_TRY(check_range("axis", *v, -3, 2));
        p.axis = *v < 0 ? *v + 3 : *v;
        spec.type = LayerType::concat;
        spec.params = p;
        return spec;
    }
    if (type == "Crop") {
        KZ_TRY(check_io(inputs, outputs, 1, 2, 1, 1));
        return decode_crop(pd);
    }
    if (type == "Pooling") {
        KZ_TRY(check_io(inputs, outputs, 1, 1, 1, 1));
        return decode_pooling(pd);
    }
    if (type == "InnerProduct") {
        KZ_TRY(check_io(inputs, outputs, 1, 1, 1, 1));
        KZ_TRY(check_keys(pd, {0, 1, 2, 8, 9, 10}));
        InnerProductParams p;
        auto v = pd.get_int(0, 0);
        KZ_TRY(v);
        p.num_output = *v;
        v = pd.get_int(1, 0);
        KZ_TRY(v);
        KZ_TRY(check_range("bias_term", *v, 0, 1));
        const bool bias = *v != 0;
        v = pd.get_int(2, 0);
        KZ_TRY(v);
        const int weight_size = *v;
        v = pd.get_int(8, 0);
        KZ_TRY(v);
        if (*v != 0) return unsupported("int8 quantised inner product (key 8) is not supported");
        auto act = decode_activation(pd);
        KZ_TRY(act);
        p.activation = *act;
        KZ_TRY(check_range("num_output", p.num_output, 1, 1 << 24));
        if (weight_size <= 0 || weight_size % p.num_output != 0)
            return corrupt(
                fmt::format("weight_data_size {} is not a positive multiple of num_output {}",
                            weight_size, p.num_output));
        p.num_input = weight_size / p.num_output;
        spec.type = LayerType::inner_product;
        spec.params = p;
        spec.weights.push_back({false, static_cast<size_t>(weight_size), true});
        if (bias) spec.weights.push_back({true, static_cast<size_t>(p.num_output), false});
        return spec;
    }
    if (type == "Scale") {
        KZ_TRY(check_keys(pd, {0, 1}));
        ScaleParams p;
        auto v = pd.get_int(0, 0);
        KZ_TRY(v);
        p.scale_data_size = *v;
        v = pd.get_int(1, 0);
        KZ_TRY(v);
        KZ_TRY(check_range("bias_term", *v, 0, 1));
        const bool bias = *v != 0;
        p.from_input = p.scale_data_size == -233;
        if (p.from_input) {
            KZ_TRY(check_io(inputs, outputs, 2, 2, 1, 1));
        } else {
            KZ_TRY(check_io(inputs, outputs, 1, 1, 1, 1));
            KZ_TRY(check_range("scale_data_size", p.scale_data_size, 1, kMaxChannels));
            spec.weights.push_back({false, static_cast<size_t>(p.scale_data_size), false});
            if (bias) spec.weights.push_back({true, static_cast<size_t>(p.scale_data_size), false});
        }
        spec.type = LayerType::scale;
        spec.params = p;
        return spec;
    }
    if (type == "ReLU" || type == "Sigmoid" || type == "Clip" || type == "Mish" ||
        type == "HardSwish") {
        KZ_TRY(check_io(inputs, outputs, 1, 1, 1, 1));
        return decode_stand_alone_activation(type, pd);
    }
    return unsupported("unsupported layer type");
}

}  // namespace kizuna::nn
