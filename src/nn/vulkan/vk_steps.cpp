#include "nn/vulkan/vk_steps.hpp"

#include <fmt/format.h>

#include <cstring>

#include "nn/layers/registry.hpp"
#include "nn/vulkan/vk_step_builders.hpp"

namespace kizuna::nn::vk {
namespace {

template <class P>
Step make_step(Kernel k, const P& push, uint32_t gx, uint32_t gy, uint32_t gz = 1) {
    static_assert(sizeof(P) <= 128 && sizeof(P) % 4 == 0);
    Step s;
    s.kernel = k;
    std::memcpy(s.push.data(), &push, sizeof(P));
    s.push_size = sizeof(P);
    s.groups = {gx, gy, gz};
    return s;
}

uint32_t groups_for(size_t n, uint32_t local) {
    return static_cast<uint32_t>((n + local - 1) / local);
}

// Strides of a blob read with broadcast to the output (0 where its dimension is 1).
void strides(const Shape& s, int32_t& sc, int32_t& sy, int32_t& sx) {
    sc = s.c == 1 ? 0 : s.h * s.w;
    sy = s.h == 1 ? 0 : s.w;
    sx = s.w == 1 ? 0 : 1;
}

EltwisePush eltwise_base(const Shape& os, int32_t out_off) {
    EltwisePush q{};
    q.out_off = out_off;
    q.b_src = 2;
    q.bias_off = -1;
    q.op = kOpCopy;
    q.ca = 1.f;
    q.cb = 1.f;
    q.h = os.h;
    q.w = os.w;
    return q;
}

// One invocation per output value: x over the output plane, y over its channels.
template <class P>
Step plane_step(Kernel k, const P& q, const Shape& os) {
    return make_step(k, q, groups_for(static_cast<size_t>(os.h) * os.w, kElementwiseLocal),
                     static_cast<uint32_t>(os.c));
}

Step eltwise_step(const Shape& os, const EltwisePush& q) {
    return plane_step(Kernel::eltwise, q, os);
}

// The fields every one-input spatial push block has (in_off, out_off, ih, iw, oh, ow), from
// layer l's first input and output.
template <class P>
void set_io(const StepContext& c, const Layer& l, P& q) {
    const Shape& is = c.shape(l.inputs[0]);
    const Shape& os = c.shape(l.outputs[0]);
    q.in_off = c.off(l.inputs[0]);
    q.out_off = c.off(l.outputs[0]);
    q.ih = is.h;
    q.iw = is.w;
    q.oh = os.h;
    q.ow = os.w;
}

// The kernel geometry fields of a convolution or deconvolution push block.
template <class P>
void set_kernel(const ConvolutionParams& p, P& q) {
    q.ic_per_group = p.num_input / p.group;
    q.oc_per_group = p.num_output / p.group;
    q.kh = p.kernel_h;
    q.kw = p.kernel_w;
    q.sy = p.stride_h;
    q.sx = p.stride_w;
    q.dy = p.dilation_h;
    q.dx = p.dilation_w;
}

}  // namespace

void conv_steps(const StepContext& c, int i, std::vector<Step>& out) {
    const Layer& l = c.graph.layers[static_cast<size_t>(i)];
    const ConvolutionParams& p = *l.get<ConvolutionParams>();
    const Shape& is = c.shape(l.inputs[0]);
    const Shape& os = c.shape(l.outputs[0]);
    const Padding pad = resolve_padding(p, is.h, is.w);
    ConvPush q{};
    set_io(c, l, q);
    q.w_off = c.w(i);
    q.bias_off = c.b(i);
    int32_t slope_off = -1;  // a fused PReLU's slopes
    int32_t slope_count = 1;
    if (const int pr = c.fused[static_cast<size_t>(i)]; pr >= 0) {
        slope_off = c.w(pr);
        slope_count = static_cast<int32_t>(c.graph.layers[static_cast<size_t>(pr)].weights.size());
    }
    // The shader applies piecewise-linear activations (and the fused PReLU) itself; any other
    // runs after it as an in-place element-wise pass, before the PReLU.
    const ActivationType act = p.activation.type;
    const bool in_shader = act == ActivationType::none || act == ActivationType::relu ||
                           act == ActivationType::leaky_relu;
    q.act = static_cast<int32_t>(in_shader ? act : ActivationType::none);
    q.slope_off = in_shader ? slope_off : -1;
    q.slope_count = slope_count;
    q.alpha = p.activation.alpha;
    q.beta = p.activation.beta;
    q.pad_value = p.pad_value;
    set_kernel(p, q);
    q.pad_top = pad.top;
    q.pad_left = pad.left;
    q.k = q.ic_per_group * p.kernel_h * p.kernel_w;
    const size_t pixels = static_cast<size_t>(os.h) * os.w;
    const bool big = pixels >= kConvBigMinPixels;
    const bool n32 = big && q.oc_per_group <= static_cast<int32_t>(kConvN32TileN);
    const Kernel kernel = !big ? Kernel::conv_small : n32 ? Kernel::conv_n32 : Kernel::conv;
    const uint32_t tile_n = !big ? kConvSmallTileN : n32 ? kConvN32TileN : kConvTileN;
    out.push_back(make_step(kernel, q, groups_for(pixels, big ? kConvTileM : kConvSmallTileM),
                            groups_for(static_cast<size_t>(q.oc_per_group), tile_n),
                            static_cast<uint32_t>(p.group)));
    if (in_shader) return;
    // Activation, then the fused PReLU's slopes, in place on the output.
    EltwisePush e = eltwise_base(os, q.out_off);
    e.a_off = q.out_off;
    strides(os, e.a_sc, e.a_sy, e.a_sx);
    e.act = static_cast<int32_t>(act);
    e.alpha = p.activation.alpha;
    e.beta = p.activation.beta;
    out.push_back(eltwise_step(os, e));
    if (slope_off >= 0) {
        EltwisePush pr = eltwise_base(os, q.out_off);
        pr.a_off = q.out_off;
        strides(os, pr.a_sc, pr.a_sy, pr.a_sx);
        pr.op = kOpPrelu;
        pr.b_src = 1;
        pr.b_off = slope_off;
        pr.b_sc = slope_count == 1 ? 0 : 1;
        out.push_back(eltwise_step(os, pr));
    }
}

void deconv_steps(const StepContext& c, int i, std::vector<Step>& out) {
    const Layer& l = c.graph.layers[static_cast<size_t>(i)];
    const ConvolutionParams& p = *l.get<ConvolutionParams>();
    const Shape& is = c.shape(l.inputs[0]);
    const Shape& os = c.shape(l.outputs[0]);
    const int fw =
        (is.w - 1) * p.stride_w + p.dilation_w * (p.kernel_w - 1) + 1 + p.output_pad_right;
    const int fh =
        (is.h - 1) * p.stride_h + p.dilation_h * (p.kernel_h - 1) + 1 + p.output_pad_bottom;
    DeconvPush q{};
    set_io(c, l, q);
    q.w_off = c.w(i);
    q.bias_off = c.b(i);
    q.act = static_cast<int32_t>(p.activation.type);
    q.alpha = p.activation.alpha;
    q.beta = p.activation.beta;
    set_kernel(p, q);
    q.crop_left = p.output_w > 0 ? (fw - os.w) / 2 : p.pad_left;
    q.crop_top = p.output_h > 0 ? (fh - os.h) / 2 : p.pad_top;
    out.push_back(plane_step(Kernel::deconv, q, os));
}

void elementwise_steps(const StepContext& c, int i, std::vector<Step>& out) {
    const Layer& l = c.graph.layers[static_cast<size_t>(i)];
    const Shape& os = c.shape(l.outputs[0]);
    EltwisePush q = eltwise_base(os, c.off(l.outputs[0]));
    q.a_off = c.off(l.inputs[0]);
    strides(c.shape(l.inputs[0]), q.a_sc, q.a_sy, q.a_sx);
    switch (l.type) {
        case LayerType::binary_op: {
            const BinaryOpParams& p = *l.get<BinaryOpParams>();
            q.op = static_cast<int32_t>(p.op);
            if (p.with_scalar || l.inputs.size() < 2) {
                q.scalar = p.scalar;
            } else {
                q.b_src = 0;
                q.b_off = c.off(l.inputs[1]);
                strides(c.shape(l.inputs[1]), q.b_sc, q.b_sy, q.b_sx);
            }
            out.push_back(eltwise_step(os, q));
            return;
        }
        case LayerType::prelu:
            q.op = kOpPrelu;
            q.b_src = 1;
            q.b_off = c.w(i);
            q.b_sc = l.weights.size() == 1 ? 0 : 1;
            out.push_back(eltwise_step(os, q));
            return;
        case LayerType::activation: {
            const ActivationParams& a = *l.get<ActivationParams>();
            q.act = static_cast<int32_t>(a.type);
            q.alpha = a.alpha;
            q.beta = a.beta;
            out.push_back(eltwise_step(os, q));
            return;
        }
        case LayerType::scale: {
            const ScaleParams& p = *l.get<ScaleParams>();
            q.op = static_cast<int32_t>(BinaryOpType::mul);
            if (p.from_input && l.inputs.size() > 1) {
                q.b_src = 0;
                q.b_off = c.off(l.inputs[1]);
            } else {
                q.b_src = 1;
                q.b_off = c.w(i);
                q.bias_off = c.b(i);
            }
            q.b_sc = 1;
            out.push_back(eltwise_step(os, q));
            return;
        }
        case LayerType::eltwise: {
            const EltwiseParams& p = *l.get<EltwiseParams>();
            const int32_t op = p.op == EltwiseOp::sum ? 0 : p.op == EltwiseOp::prod ? 2 : 4;
            const bool coef = p.op == EltwiseOp::sum && !p.coefficients.empty();
            if (l.inputs.size() == 1) {
                q.ca = coef ? p.coefficients[0] : 1.f;
                if (q.ca != 1.f) {
                    q.op = static_cast<int32_t>(BinaryOpType::mul);
                    q.scalar = q.ca;
                    q.ca = 1.f;
                }
                out.push_back(eltwise_step(os, q));
                return;
            }
            // out = in0 (op) in1, then out = out (op) in_k: same order as the reference.
            for (size_t k = 1; k < l.inputs.size(); ++k) {
                q.op = op;
                q.ca = k == 1 && coef ? p.coefficients[0] : 1.f;
                q.cb = coef ? p.coefficients[k] : 1.f;
                q.b_src = 0;
                q.b_off = c.off(l.inputs[k]);
                strides(c.shape(l.inputs[k]), q.b_sc, q.b_sy, q.b_sx);
                out.push_back(eltwise_step(os, q));
                q.a_off = q.out_off;
                strides(os, q.a_sc, q.a_sy, q.a_sx);
            }
            return;
        }
        default:
            return;
    }
}

Step copy_step(const StepContext& c, int src, int dst, int sc, int sy, int sx, int dc, int dy,
               int dx, const Shape& box) {
    const Shape& s = c.shape(src);
    const Shape& d = c.shape(dst);
    CopyPush q{c.off(src), s.h, s.w, sc, sy, sx, c.off(dst), d.h, d.w, dc, dy, dx, box.h, box.w};
    return make_step(Kernel::copy, q,
                     groups_for(static_cast<size_t>(box.h) * box.w, kElementwiseLocal),
                     static_cast<uint32_t>(box.c));
}

void concat_steps(const StepContext& c, int i, std::vector<Step>& out) {
    const Layer& l = c.graph.layers[static_cast<size_t>(i)];
    const int axis = l.get<ConcatParams>()->axis;
    int pos = 0;
    for (int b : l.inputs) {
        const Shape& s = c.shape(b);
        Step st = copy_step(c, b, l.outputs[0], 0, 0, 0, axis == 0 ? pos : 0, axis == 1 ? pos : 0,
                            axis == 2 ? pos : 0, s);
        st.barrier_after = false;
        out.push_back(st);
        pos += axis == 0 ? s.c : axis == 1 ? s.h : s.w;
    }
    out.back().barrier_after = true;
}

void crop_steps(const StepContext& c, int i, std::vector<Step>& out) {
    const Layer& l = c.graph.layers[static_cast<size_t>(i)];
    const CropOffsets o = crop_offsets(*l.get<CropParams>(), c.shape(l.inputs[0]));
    out.push_back(
        copy_step(c, l.inputs[0], l.outputs[0], o.c, o.h, o.w, 0, 0, 0, c.shape(l.outputs[0])));
}

void pixel_shuffle_steps(const StepContext& c, int i, std::vector<Step>& out) {
    const Layer& l = c.graph.layers[static_cast<size_t>(i)];
    const PixelShuffleParams& p = *l.get<PixelShuffleParams>();
    const Shape& os = c.shape(l.outputs[0]);
    PixelShufflePush q{
        c.off(l.inputs[0]), c.off(l.outputs[0]), p.upscale_factor, p.mode, os.c, os.h, os.w};
    out.push_back(plane_step(Kernel::pixel_shuffle, q, os));
}

void interp_steps(const StepContext& c, int i, std::vector<Step>& out) {
    const Layer& l = c.graph.layers[static_cast<size_t>(i)];
    const InterpParams& p = *l.get<InterpParams>();
    const Shape& is = c.shape(l.inputs[0]);
    const Shape& os = c.shape(l.outputs[0]);
    InterpPush q{};
    set_io(c, l, q);
    q.mode = static_cast<int32_t>(p.mode);
    q.align_corner = p.align_corner ? 1 : 0;
    // As the reference computes the nearest step: from the sizes when given, else 1 / scale.
    q.step_y = p.output_h > 0 ? static_cast<float>(is.h) / os.h : 1.f / p.height_scale;
    q.step_x = p.output_w > 0 ? static_cast<float>(is.w) / os.w : 1.f / p.width_scale;
    out.push_back(plane_step(Kernel::interp, q, os));
}

void pooling_steps(const StepContext& c, int i, std::vector<Step>& out) {
    const Layer& l = c.graph.layers[static_cast<size_t>(i)];
    const PoolingParams& p = *l.get<PoolingParams>();
    const Shape& is = c.shape(l.inputs[0]);
    const Shape& os = c.shape(l.outputs[0]);
    PoolingPush q{};
    set_io(c, l, q);
    q.is_max = p.type == PoolingType::max ? 1 : 0;
    q.global_pool = p.global ? 1 : 0;
    q.kh = p.kernel_h;
    q.kw = p.kernel_w;
    q.sy = p.stride_h;
    q.sx = p.stride_w;
    if (!p.global) {
        const Padding pad = resolve_pooling_padding(p, is.h, is.w);
        q.pad_top = pad.top;
        q.pad_left = pad.left;
        q.pad_bottom = pad.bottom;
        q.pad_right = pad.right;
    }
    q.count_include_pad = p.count_include_pad ? 1 : 0;
    const uint32_t gx =
        p.global ? 1 : groups_for(static_cast<size_t>(os.h) * os.w, kElementwiseLocal);
    out.push_back(make_step(Kernel::pooling, q, gx, static_cast<uint32_t>(os.c)));
}

void inner_product_steps(const StepContext& c, int i, std::vector<Step>& out) {
    const Layer& l = c.graph.layers[static_cast<size_t>(i)];
    const InnerProductParams& p = *l.get<InnerProductParams>();
    InnerProductPush q{c.off(l.inputs[0]),
                       c.off(l.outputs[0]),
                       c.w(i),
                       c.b(i),
                       p.num_input,
                       p.num_output,
                       static_cast<int32_t>(p.activation.type),
                       p.activation.alpha,
                       p.activation.beta};
    out.push_back(make_step(Kernel::inner_product, q,
                            groups_for(static_cast<size_t>(p.num_output), kInnerProductLocal), 1));
}

std::vector<Placement> preferred_placement(const Graph& graph) {
    std::vector<Placement> placement(graph.layers.size(), Placement::own);
    for (size_t i = 0; i < graph.layers.size(); ++i) {
        const Layer& l = graph.layers[i];
        if (l.type != LayerType::prelu || l.inputs.size() != 1 || l.outputs.size() != 1 ||
            l.inputs[0] == graph.input_blob)
            continue;
        const Blob& b = graph.blobs[static_cast<size_t>(l.inputs[0])];
        if (b.producer < 0 || b.consumers.size() != 1) continue;
        const Layer& prod = graph.layers[static_cast<size_t>(b.producer)];
        if (prod.type == LayerType::convolution && prod.outputs.size() == 1)
            placement[i] = Placement::in_place;
    }
    return placement;
}

std::vector<int> fused_prelus(const Graph& graph, const Plan& plan) {
    std::vector<int> fused(graph.layers.size(), -1);
    const std::vector<Placement> want = preferred_placement(graph);
    for (size_t i = 0; i < graph.layers.size(); ++i) {
        if (want[i] != Placement::in_place) continue;
        const Layer& l = graph.layers[i];
        const size_t in = static_cast<size_t>(l.inputs[0]);
        const size_t out = static_cast<size_t>(l.outputs[0]);
        if (plan.offsets[in] != plan.offsets[out]) continue;  // make_plan did not honour it
        fused[static_cast<size_t>(graph.blobs[in].producer)] = static_cast<int>(i);
    }
    return fused;
}

Result<std::vector<std::vector<Step>>> build_steps(const Graph& graph, const Plan& plan,
                                                   const PackedWeights& weights,
                                                   const std::vector<int>& fused) {
    const StepContext c{graph, plan, weights, fused};
    std::vector<bool> absorbed(graph.layers.size(), false);
    for (int f : fused)
        if (f >= 0) absorbed[static_cast<size_t>(f)] = true;
    std::vector<std::vector<Step>> steps(graph.layers.size());
    for (size_t i = 0; i < graph.layers.size(); ++i) {
        const Layer& l = graph.layers[i];
        const int li = static_cast<int>(i);
        if (absorbed[i] || l.outputs.empty()) continue;
        std::vector<Step>& out = steps[i];
        const LayerDef& def = layer_def(l.type);
        if (def.vulkan) {
            def.vulkan(c, li, out);
        } else if (def.reference) {
            return make_error(Errc::unsupported,
                              fmt::format("vulkan backend: no shader for layer '{}' ({}, line {})",
                                          l.name, layer_type_name(l.type), l.line));
        }
        if (l.outputs.size() > 1 && l.type != LayerType::split)
            return make_error(
                Errc::unsupported,
                fmt::format("vulkan backend: layer '{}' ({}, line {}) has {} "
                            "outputs",
                            l.name, layer_type_name(l.type), l.line, l.outputs.size()));
    }
    return steps;
}

}  // namespace kizuna::nn::vk
