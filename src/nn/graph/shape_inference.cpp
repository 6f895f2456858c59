// Shape of every blob for a given input size. The rules here define each layer's output size;
// the backends rely on them and do not re-check.
#include <algorithm>
#include <climits>
#include <cmath>

#include <fmt/format.h>

#include "nn/graph/graph.hpp"

namespace kizuna::nn {
namespace {

constexpr long long kMaxElements = (1ll << 31) - 1;

struct Ctx {
    const Graph& g;
    const Layer& layer;
    Error fail(const std::string& what) const {
        return make_error(Errc::invalid_argument,
                          fmt::format("{}:{}: layer {} '{}': {}", g.source, layer.line,
                                      layer_type_name(layer.type), layer.name, what));
    }
};

std::string str(const Shape& s) {
    return fmt::format("{}x{}x{}", s.c, s.h, s.w);
}

Result<Shape> conv_shape(const Ctx& ctx, const ConvolutionParams& p, const Shape& in) {
    if (in.c != p.num_input)
        return ctx.fail(
            fmt::format("input has {} channels, the weights expect {}", in.c, p.num_input));
    const Padding pad = resolve_padding(p, in.h, in.w);
    const long long ew = static_cast<long long>(in.w) + pad.left + pad.right;
    const long long eh = static_cast<long long>(in.h) + pad.top + pad.bottom;
    const long long kw = static_cast<long long>(p.dilation_w) * (p.kernel_w - 1) + 1;
    const long long kh = static_cast<long long>(p.dilation_h) * (p.kernel_h - 1) + 1;
    if (ew < kw || eh < kh)
        return ctx.fail(fmt::format("input {} (padded {}x{}) is smaller than the kernel {}x{}",
                                    str(in), eh, ew, kh, kw));
    return Shape{p.num_output, static_cast<int>((eh - kh) / p.stride_h + 1),
                 static_cast<int>((ew - kw) / p.stride_w + 1)};
}

Result<Shape> deconv_shape(const Ctx& ctx, const ConvolutionParams& p, const Shape& in) {
    if (in.c != p.num_input)
        return ctx.fail(
            fmt::format("input has {} channels, the weights expect {}", in.c, p.num_input));
    const long long fw = (static_cast<long long>(in.w) - 1) * p.stride_w +
                         static_cast<long long>(p.dilation_w) * (p.kernel_w - 1) + 1 +
                         p.output_pad_right;
    const long long fh = (static_cast<long long>(in.h) - 1) * p.stride_h +
                         static_cast<long long>(p.dilation_h) * (p.kernel_h - 1) + 1 +
                         p.output_pad_bottom;
    const long long ow = p.output_w > 0 ? p.output_w : fw - p.pad_left - p.pad_right;
    const long long oh = p.output_h > 0 ? p.output_h : fh - p.pad_top - p.pad_bottom;
    if (ow < 1 || oh < 1 || ow > fw || oh > fh)
        return ctx.fail(fmt::format("input {} gives an empty output", str(in)));
    return Shape{p.num_output, static_cast<int>(oh), static_cast<int>(ow)};
}

Result<Shape> crop_shape(const Ctx& ctx, const Layer& l, const std::vector<Shape>& shapes) {
    const CropParams& p = *l.get<CropParams>();
    const Shape& in = shapes[l.inputs[0]];
    int begin[3] = {p.coffset, p.hoffset, p.woffset};
    const int dims[3] = {in.c, in.h, in.w};
    int size[3];
    if (l.inputs.size() == 2) {
        const Shape& ref = shapes[l.inputs[1]];
        size[0] = ref.c;
        size[1] = ref.h;
        size[2] = ref.w;
    } else if (!p.starts.empty()) {
        for (int a = 0; a < 3; ++a) {
            begin[a] = 0;
            size[a] = dims[a];
        }
        for (size_t i = 0; i < p.starts.size(); ++i) {
            const int a = p.axes[i];
            const int n = dims[a];
            long long s = p.starts[i];
            long long e = p.ends[i];
            if (s < 0) s += n;
            if (e >= INT_MAX / 2) e = n;
            if (e < 0) e += n;
            s = std::clamp<long long>(s, 0, n);
            e = std::clamp<long long>(e, 0, n);
            size[a] = static_cast<int>(e - s);
        }
        const CropOffsets off = crop_offsets(p, in);
        begin[0] = off.c;
        begin[1] = off.h;
        begin[2] = off.w;
    } else {
        const int out[3] = {p.outc, p.outh, p.outw};
        const int end_off[3] = {p.coffset2, p.hoffset2, p.woffset2};
        for (int a = 0; a < 3; ++a)
            size[a] = (out[a] == 0 || out[a] == -233) ? dims[a] - begin[a] - end_off[a] : out[a];
    }
    for (int a = 0; a < 3; ++a) {
        if (size[a] < 1 || begin[a] < 0 || static_cast<long long>(begin[a]) + size[a] > dims[a])
            return ctx.fail(
                fmt::format("crop of {}x{}x{} at offset {},{},{} does not fit the input {}",
                            size[0], size[1], size[2], begin[0], begin[1], begin[2], str(in)));
    }
    return Shape{size[0], size[1], size[2]};
}

Result<Shape> pooling_shape(const Ctx& ctx, const PoolingParams& p, const Shape& in) {
    if (p.global) return Shape{in.c, 1, 1};
    const Padding pad = resolve_pooling_padding(p, in.h, in.w);
    const long long ew = static_cast<long long>(in.w) + pad.left + pad.right;
    const long long eh = static_cast<long long>(in.h) + pad.top + pad.bottom;
    if (ew < p.kernel_w || eh < p.kernel_h)
        return ctx.fail(fmt::format("input {} is smaller than the window", str(in)));
    return Shape{in.c, static_cast<int>((eh - p.kernel_h) / p.stride_h + 1),
                 static_cast<int>((ew - p.kernel_w) / p.stride_w + 1)};
}

Result<Shape> interp_shape(const Ctx& ctx, const InterpParams& p, const Shape& in) {
    const double w =
        p.output_w > 0 ? p.output_w : std::floor(static_cast<float>(in.w) * p.width_scale);
    const double h =
        p.output_h > 0 ? p.output_h : std::floor(static_cast<float>(in.h) * p.height_scale);
    if (w < 1 || h < 1 || w > INT_MAX || h > INT_MAX)
        return ctx.fail(fmt::format("input {} resizes to an empty or huge output", str(in)));
    return Shape{in.c, static_cast<int>(h), static_cast<int>(w)};
}

Result<Shape> layer_shape(const Ctx& ctx, const Layer& l, const std::vector<Shape>& shapes) {
    const Shape in = l.inputs.empty() ? Shape{} : shapes[l.inputs[0]];
    switch (l.type) {
        case LayerType::input:  // handled by the caller
        case LayerType::split:
        case LayerType::activation:
            return in;
        case LayerType::convolution:
            return conv_shape(ctx, *l.get<ConvolutionParams>(), in);
        case LayerType::deconvolution:
            return deconv_shape(ctx, *l.get<ConvolutionParams>(), in);
        case LayerType::prelu: {
            const int n = l.get<PReluParams>()->num_slope;
            if (n != 1 && n != in.c)
                return ctx.fail(fmt::format("{} slopes for {} channels", n, in.c));
            return in;
        }
        case LayerType::pixel_shuffle: {
            const PixelShuffleParams& p = *l.get<PixelShuffleParams>();
            const int r2 = p.upscale_factor * p.upscale_factor;
            if (in.c % r2 != 0)
                return ctx.fail(fmt::format("{} channels is not a multiple of {}", in.c, r2));
            const long long h = static_cast<long long>(in.h) * p.upscale_factor;
            const long long w = static_cast<long long>(in.w) * p.upscale_factor;
            if (h > INT_MAX || w > INT_MAX) return ctx.fail("output too large");
            return Shape{in.c / r2, static_cast<int>(h), static_cast<int>(w)};
        }
        case LayerType::interp:
            return interp_shape(ctx, *l.get<InterpParams>(), in);
        case LayerType::binary_op: {
            if (l.inputs.size() == 1) return in;
            const Shape& b = shapes[l.inputs[1]];
            auto dim = [](int x, int y) { return x == y ? x : (x == 1 ? y : (y == 1 ? x : -1)); };
            const Shape out{dim(in.c, b.c), dim(in.h, b.h), dim(in.w, b.w)};
            if (out.c < 0 || out.h < 0 || out.w < 0)
                return ctx.fail(fmt::format("cannot broadcast {} with {}", str(in), str(b)));
            return out;
        }
        case LayerType::eltwise:
            for (int b : l.inputs)
                if (!(shapes[b] == in))
                    return ctx.fail(
                        fmt::format("inputs {} and {} differ", str(in), str(shapes[b])));
            return in;
        case LayerType::concat: {
            const int axis = l.get<ConcatParams>()->axis;
            Shape out = in;
            long long total = 0;
            for (int b : l.inputs) {
                const Shape& s = shapes[b];
                const int d[3] = {s.c, s.h, s.w};
                const int o[3] = {in.c, in.h, in.w};
                for (int a = 0; a < 3; ++a)
                    if (a != axis && d[a] != o[a])
                        return ctx.fail(fmt::format("inputs {} and {} differ off axis {}", str(in),
                                                    str(s), axis));
                total += d[axis];
            }
            if (total > INT_MAX) return ctx.fail("concatenation too large");
            (axis == 0 ? out.c : axis == 1 ? out.h : out.w) = static_cast<int>(total);
            return out;
        }
        case LayerType::crop:
            return crop_shape(ctx, l, shapes);
        case LayerType::pooling:
            return pooling_shape(ctx, *l.get<PoolingParams>(), in);
        case LayerType::inner_product: {
            const InnerProductParams& p = *l.get<InnerProductParams>();
            if (in.elements() != static_cast<size_t>(p.num_input))
                return ctx.fail(fmt::format("input {} has {} values, the weights expect {}",
                                            str(in), in.elements(), p.num_input));
            return Shape{p.num_output, 1, 1};
        }
        case LayerType::scale: {
            const ScaleParams& p = *l.get<ScaleParams>();
            const size_t n = p.from_input ? shapes[l.inputs[1]].elements()
                                          : static_cast<size_t>(p.scale_data_size);
            if (n != static_cast<size_t>(in.c))
                return ctx.fail(fmt::format("{} scale values for {} channels", n, in.c));
            return in;
        }
    }
    return ctx.fail("unknown layer type");
}

}  // namespace

CropOffsets crop_offsets(const CropParams& p, const Shape& in) {
    if (p.starts.empty()) return {p.coffset, p.hoffset, p.woffset};
    int begin[3] = {0, 0, 0};
    const int dims[3] = {in.c, in.h, in.w};
    for (size_t i = 0; i < p.starts.size() && i < p.axes.size(); ++i) {
        const int a = p.axes[i];
        long long s = p.starts[i];
        if (s < 0) s += dims[a];
        begin[a] = static_cast<int>(std::clamp<long long>(s, 0, dims[a]));
    }
    return {begin[0], begin[1], begin[2]};
}

Result<std::vector<Shape>> infer_shapes(const Graph& graph, int channels, int height, int width) {
    if (channels < 1 || height < 1 || width < 1 ||
        static_cast<long long>(channels) * height * width > kMaxElements)
        return make_error(
            Errc::invalid_argument,
            fmt::format("{}: bad input size {}x{}x{}", graph.source, channels, height, width));
    std::vector<Shape> shapes(graph.blobs.size());
    for (const Layer& l : graph.layers) {
        const Ctx ctx{graph, l};
        Shape out{channels, height, width};
        if (l.type != LayerType::input) {
            auto s = layer_shape(ctx, l, shapes);
            KZ_TRY(s);
            out = *s;
        }
        if (out.c < 1 || out.h < 1 || out.w < 1 ||
            static_cast<long long>(out.c) * out.h * out.w > kMaxElements)
            return ctx.fail(fmt::format("output {} is empty or too large", str(out)));
        for (int b : l.outputs) shapes[b] = out;
    }
    return shapes;
}

}  // namespace kizuna::nn
