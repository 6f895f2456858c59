// Plain C++ reference implementations of every layer (NCHW, N = 1, planes packed). They define
// correct output; faster backends are tested against them. Each kernel reads its inputs and
// writes its output, which never alias. Shapes are those of infer_shapes() and are trusted.
// Kernels that split work over output channels do so on `pool` (nullptr = this thread); every
// output value is computed by one thread the same way, so results do not depend on the thread
// count. With the buffers of a Scratch kept between calls, no kernel allocates.
#pragma once

#include <pthreadpool.h>

#include <span>
#include <type_traits>
#include <vector>

#include "nn/graph/graph.hpp"

namespace kizuna::nn::ref {

struct In {
    const float* data;
    Shape shape;
};
struct Out {
    float* data;
    Shape shape;
};

// Buffers the kernels reuse from call to call (owned by the caller; grown as needed).
struct Scratch {
    std::vector<float> full;   // deconvolution: the uncropped output
    std::vector<int> x_index;  // interp: source columns / rows of every output column / row
    std::vector<int> y_index;
    std::vector<float> x_weight;  // interp: their weights
    std::vector<float> y_weight;
    std::vector<float> rows;  // interp: the horizontally filtered source rows of one output row
};

// What a reference forward (LayerDef::reference) receives.
struct Args {
    const Layer& layer;
    std::span<const In> inputs;  // one per layer input, in order
    Out out;                     // the layer's (first) output
    Scratch& scratch;
    pthreadpool_t pool;  // nullptr = this thread

    const In& in(size_t k = 0) const { return inputs[k]; }
    // The second input, or nullptr when the layer has one.
    const In* second() const { return inputs.size() > 1 ? &inputs[1] : nullptr; }
};

// In place on n values.
void activate(const ActivationParams& a, float* data, size_t n);
// A stand-alone activation layer: out = activate(in).
void activation(const Layer& l, In in, Out out);

void convolution(const Layer& l, In in, Out out, pthreadpool_t pool);
// scratch.full holds the uncropped output; resized as needed.
void deconvolution(const Layer& l, In in, Out out, Scratch& scratch, pthreadpool_t pool);
void inner_product(const Layer& l, In in, Out out);

void prelu(const Layer& l, In in, Out out);
void pixel_shuffle(const Layer& l, In in, Out out);
void interp(const Layer& l, In in, Out out, Scratch& scratch);
void binary_op(const Layer& l, In a, const In* b, Out out);
void eltwise(const Layer& l, std::span<const In> ins, Out out);
void concat(const Layer& l, std::span<const In> ins, Out out);
void crop(const Layer& l, In in, Out out);
void pooling(const Layer& l, In in, Out out);
void scale(const Layer& l, In in, const In* scale_blob, Out out);

// The reference forward (LayerDef::reference) of `Kernel`, one of the kernels above: it passes
// the kernel what its signature asks of `a` (the layer; the first input, the optional second
// or all of them; the output; then the scratch buffers and the pool).
template <auto Kernel>
void forward(const Args& a) {
    using K = decltype(Kernel);
    if constexpr (std::is_invocable_v<K, const Layer&, In, Out>)
        Kernel(a.layer, a.in(), a.out);
    else if constexpr (std::is_invocable_v<K, const Layer&, In, const In*, Out>)
        Kernel(a.layer, a.in(), a.second(), a.out);
    else if constexpr (std::is_invocable_v<K, const Layer&, std::span<const In>, Out>)
        Kernel(a.layer, a.inputs, a.out);
    else if constexpr (std::is_invocable_v<K, const Layer&, In, Out, pthreadpool_t>)
        Kernel(a.layer, a.in(), a.out, a.pool);
    else if constexpr (std::is_invocable_v<K, const Layer&, In, Out, Scratch&>)
        Kernel(a.layer, a.in(), a.out, a.scratch);
    else if constexpr (std::is_invocable_v<K, const Layer&, In, Out, Scratch&, pthreadpool_t>)
        Kernel(a.layer, a.in(), a.out, a.scratch, a.pool);
    else
        static_assert(!std::is_same_v<K, K>,
                      "a reference kernel signature forward() does not know");
}

}  // namespace kizuna::nn::ref
