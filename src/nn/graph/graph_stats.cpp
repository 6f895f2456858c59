#include "nn/graph/graph_stats.hpp"

#include <algorithm>

namespace kizuna::nn {

double graph_flops(const Graph& graph, const std::vector<Shape>& shapes) {
    double total = 0;
    for (const Layer& l : graph.layers) {
        if (l.outputs.empty()) continue;
        const Shape& out = shapes[l.outputs[0]];
        const Shape& in = l.inputs.empty() ? out : shapes[l.inputs[0]];
        switch (l.type) {
            case LayerType::convolution: {
                const ConvolutionParams& p = *l.get<ConvolutionParams>();
                total += 2.0 * static_cast<double>(out.elements()) * (p.num_input / p.group) *
                         p.kernel_h * p.kernel_w;
                break;
            }
            case LayerType::deconvolution: {
                const ConvolutionParams& p = *l.get<ConvolutionParams>();
                total += 2.0 * static_cast<double>(in.elements()) * (p.num_output / p.group) *
                         p.kernel_h * p.kernel_w;
                break;
            }
            case LayerType::inner_product: {
                const InnerProductParams& p = *l.get<InnerProductParams>();
                total += 2.0 * p.num_input * p.num_output;
                break;
            }
            case LayerType::interp: {
                const InterpMode m = l.get<InterpParams>()->mode;
                const int taps = m == InterpMode::nearest ? 0 : m == InterpMode::bilinear ? 2 : 4;
                total += 2.0 * static_cast<double>(out.elements()) * taps * 2;
                break;
            }
            case LayerType::input:
            case LayerType::split:
            case LayerType::pixel_shuffle:
            case LayerType::concat:
            case LayerType::crop:
                break;
            case LayerType::pooling:
                total += static_cast<double>(in.elements());
                break;
            default:
                total += static_cast<double>(out.elements()) * l.inputs.size();
                break;
        }
    }
    return total;
}

ReceptiveField receptive_field(const Graph& graph) {
    struct State {
        double radius = 0;  // in input pixels
        double pitch = 1;   // input pixels per pixel of this blob
        bool spatial = true;
        bool global = false;
    };
    std::vector<State> st(graph.blobs.size());
    for (const Layer& l : graph.layers) {
        State s;
        bool any_spatial = false;
        for (int b : l.inputs) {  // combine: widest spatial input; global flag is sticky
            const State& in = st[b];
            s.global = s.global || in.global;
            if (!in.spatial) continue;
            if (!any_spatial) s.pitch = in.pitch;
            s.radius = any_spatial ? std::max(s.radius, in.radius) : in.radius;
            any_spatial = true;
        }
        s.spatial = l.inputs.empty() || any_spatial;
        switch (l.type) {
            case LayerType::convolution: {
                const ConvolutionParams& p = *l.get<ConvolutionParams>();
                s.radius +=
                    std::max(p.dilation_w * (p.kernel_w - 1), p.dilation_h * (p.kernel_h - 1)) /
                    2.0 * s.pitch;
                s.pitch *= std::max(p.stride_w, p.stride_h);
                break;
            }
            case LayerType::deconvolution: {
                const ConvolutionParams& p = *l.get<ConvolutionParams>();
                s.pitch /= std::max(p.stride_w, p.stride_h);
                s.radius +=
                    std::max(p.dilation_w * (p.kernel_w - 1), p.dilation_h * (p.kernel_h - 1)) /
                    2.0 * s.pitch;
                break;
            }
            case LayerType::pixel_shuffle:
                s.pitch /= l.get<PixelShuffleParams>()->upscale_factor;
                break;
            case LayerType::interp: {
                const InterpParams& p = *l.get<InterpParams>();
                const double extent = p.mode == InterpMode::nearest    ? 0.5
                                      : p.mode == InterpMode::bilinear ? 1.0
                                                                       : 2.0;
                s.radius += extent * s.pitch;
                if (p.output_w == 0) s.pitch /= std::max(p.width_scale, p.height_scale);
                break;
            }
            case LayerType::pooling: {
                const PoolingParams& p = *l.get<PoolingParams>();
                if (p.global) {
                    s.spatial = false;
                    s.global = true;
                    s.radius = 0;
                } else {
                    s.radius += std::max(p.kernel_w - 1, p.kernel_h - 1) / 2.0 * s.pitch;
                    s.pitch *= std::max(p.stride_w, p.stride_h);
                }
                break;
            }
            case LayerType::inner_product:
                s.spatial = false;
                s.global = true;
                break;
            default:
                break;
        }
        for (int b : l.outputs) st[b] = s;
    }
    const State& out = st[graph.output_blob];
    return {out.radius, out.global};
}

}  // namespace kizuna::nn
