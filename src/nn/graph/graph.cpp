#include "nn/graph/graph.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>

namespace kizuna::nn {

size_t Graph::parameter_count() const {
    size_t n = 0;
    for (const Layer& l : layers) n += l.weights.size() + l.bias.size();
    return n;
}

namespace {

// ceil(in / stride) output with TF-style "same" padding; returns the total padding.
int same_total_pad(int in, int kernel, int dilation, int stride) {
    const int out = (in + stride - 1) / stride;
    const int needed = (out - 1) * stride + dilation * (kernel - 1) + 1;
    return std::max(0, needed - in);
}

}  // namespace

Padding resolve_padding(const ConvolutionParams& p, int in_h, int in_w) {
    if (p.pad_mode == PadMode::explicit_pads)
        return {p.pad_left, p.pad_right, p.pad_top, p.pad_bottom};
    const int tw = same_total_pad(in_w, p.kernel_w, p.dilation_w, p.stride_w);
    const int th = same_total_pad(in_h, p.kernel_h, p.dilation_h, p.stride_h);
    if (p.pad_mode == PadMode::same_upper) return {tw / 2, tw - tw / 2, th / 2, th - th / 2};
    return {tw - tw / 2, tw / 2, th - th / 2, th / 2};
}

Padding resolve_pooling_padding(const PoolingParams& p, int in_h, int in_w) {
    if (p.global) return {};
    Padding pad{p.pad_left, p.pad_right, p.pad_top, p.pad_bottom};
    if (p.pad_mode == 0) {  // full: grow right/bottom so the last partial window is kept
        const int rw = (in_w + pad.left + pad.right - p.kernel_w) % p.stride_w;
        const int rh = (in_h + pad.top + pad.bottom - p.kernel_h) % p.stride_h;
        if (rw > 0) pad.right += p.stride_w - rw;
        if (rh > 0) pad.bottom += p.stride_h - rh;
    } else if (p.pad_mode == 2 || p.pad_mode == 3) {
        const int tw = same_total_pad(in_w, p.kernel_w, 1, p.stride_w);
        const int th = same_total_pad(in_h, p.kernel_h, 1, p.stride_h);
        if (p.pad_mode == 2) return {tw / 2, tw - tw / 2, th / 2, th - th / 2};
        return {tw - tw / 2, tw / 2, th - th / 2, th / 2};
    }
    return pad;
}

// A cheap identity of a graph's content (structure, names, weight sizes and a few weight
// values per layer), so that a different graph allocated at a freed graph's address is not
// mistaken for it. O(layers), not O(weights).
uint64_t graph_fingerprint(const Graph& g) {
    uint64_t h = 1469598103934665603ull;
    auto mix = [&h](uint64_t v) { h = (h ^ v) * 1099511628211ull; };
    auto mix_floats = [&mix](const std::vector<float>& v) {
        mix(v.size());
        for (size_t k = 0; k < v.size(); k += std::max<size_t>(1, v.size() / 8)) {
            uint32_t bits = 0;
            std::memcpy(&bits, &v[k], sizeof bits);
            mix(bits);
        }
    };
    mix(g.layers.size());
    for (const Layer& l : g.layers) {
        mix(static_cast<uint64_t>(l.type));
        mix(std::hash<std::string>{}(l.name));
        mix(l.params.index());
        for (int b : l.inputs) mix(static_cast<uint64_t>(b));
        for (int b : l.outputs) mix(static_cast<uint64_t>(b));
        mix_floats(l.weights);
        mix_floats(l.bias);
    }
    mix(std::hash<std::string>{}(g.source));
    return h;
}

}  // namespace kizuna::nn
