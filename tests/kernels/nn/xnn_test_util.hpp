// Helpers for the NN kernel tests (XNNPACK, the direct convolution and sessions against the
// reference): in-memory graphs and tensors filled through the kernel-check harness
// (tests/support/kernel_check.hpp: seeds, fills, tolerances).
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kernel_check.hpp"
#include "kizuna/tensor.hpp"
#include "nn/graph/graph.hpp"

namespace kizuna::nn::test {

// Builds a Graph layer by layer. Blob 0 is the input.
class GraphBuilder {
public:
    GraphBuilder() {
        Layer in;
        in.type = LayerType::input;
        in.name = "input";
        in.params = InputParams{};
        in.outputs = {0};
        g_.layers.push_back(in);
        g_.blobs.push_back(Blob{"data", 0, {}});
        g_.input_blob = 0;
        g_.source = "test graph";
    }

    // Appends `l` reading `inputs`; returns its first output blob (it gets n_out outputs).
    int add(Layer l, std::vector<int> inputs, int n_out = 1) {
        const int index = static_cast<int>(g_.layers.size());
        if (l.name.empty()) l.name = "l" + std::to_string(index);
        l.line = index + 3;
        l.inputs = inputs;
        l.outputs.clear();
        for (int b : inputs) g_.blobs[static_cast<size_t>(b)].consumers.push_back(index);
        for (int k = 0; k < n_out; ++k) {
            l.outputs.push_back(static_cast<int>(g_.blobs.size()));
            g_.blobs.push_back(Blob{l.name + "_out" + std::to_string(k), index, {}});
        }
        const int first = l.outputs[0];
        g_.layers.push_back(std::move(l));
        return first;
    }

    Graph finish(int output_blob) {
        g_.output_blob = output_blob;
        return std::move(g_);
    }

private:
    Graph g_;
};

using kizuna::test::case_seed;
using kizuna::test::Fill;
using kizuna::test::fill_name;
using kizuna::test::kAllFills;
using kizuna::test::seed_note;

inline std::vector<float> random_values(size_t n, std::mt19937& rng, float lo, float hi) {
    std::vector<float> v(n);
    kizuna::test::fill_values(v, Fill::random, rng, lo, hi);
    return v;
}

// A layer of `type` with `params` (the alternative `type` names) and no weights.
inline Layer layer_of(LayerType type, LayerParams params = {}) {
    Layer l;
    l.type = type;
    l.params = std::move(params);
    return l;
}

// Global pooling of `type` over each channel: C x H x W -> C x 1 x 1.
inline Layer global_pooling(PoolingType type) {
    PoolingParams p;
    p.type = type;
    p.global = true;
    return layer_of(LayerType::pooling, p);
}

// Convolution / deconvolution layer with random weights (and bias when `bias`).
inline Layer conv_layer(LayerType type, ConvolutionParams p, std::mt19937& rng, bool bias = true) {
    Layer l = layer_of(type, p);
    const size_t n =
        static_cast<size_t>(p.num_output) * (p.num_input / p.group) * p.kernel_h * p.kernel_w;
    const float s = 1.f / std::sqrt(static_cast<float>(n / p.num_output));
    l.weights = random_values(n, rng, -s, s);
    if (bias) l.bias = random_values(static_cast<size_t>(p.num_output), rng, -0.5f, 0.5f);
    return l;
}

// A c x h x w tensor with values in [-1, 1] by `fill` (wide: [-1.5, 1.5]).
inline Tensor make_input(int c, int h, int w, Fill fill, std::mt19937& rng) {
    Tensor t = std::move(*Tensor::create(c, h, w));
    kizuna::test::fill_values({t.data(), t.size()}, fill, rng, -1.f, 1.f);
    return t;
}

// Checks |got - ref| <= rel_tol * max(1, max |ref|) element-wise (a tolerance relative to the
// output's range, since a convolution's error scales with its largest values); on failure reports
// the worst element with its (c, y, x) and `what` (shape, parameters, seed).
inline ::testing::AssertionResult close_enough(const Tensor& got, const Tensor& ref, float rel_tol,
                                               const std::string& what) {
    if (got.channels() != ref.channels() || got.height() != ref.height() ||
        got.width() != ref.width()) {
        return ::testing::AssertionFailure()
               << what << ": shape " << got.channels() << "x" << got.height() << "x" << got.width()
               << " vs reference " << ref.channels() << "x" << ref.height() << "x" << ref.width();
    }
    float peak = 1.f;
    for (size_t i = 0; i < ref.size(); ++i) peak = std::max(peak, std::fabs(ref.data()[i]));
    return kizuna::test::compare_values({got.data(), got.size()}, {ref.data(), ref.size()},
                                        {rel_tol * peak, 0.f}, {ref.width(), ref.height()}, what);
}

inline uint64_t fnv1a(const Tensor& t) {
    uint64_t h = 1469598103934665603ull;
    const auto* p = reinterpret_cast<const unsigned char*>(t.data());
    for (size_t i = 0; i < t.size() * sizeof(float); ++i) h = (h ^ p[i]) * 1099511628211ull;
    return h;
}

}  // namespace kizuna::nn::test
