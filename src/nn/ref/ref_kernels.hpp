// Plain C++ reference implementations of every layer (NCHW, N = 1, planes packed). They define
// correct output; faster backends are tested against them. Each kernel reads its inputs and
// writes its output, which never alias. Shapes are those of infer_shapes() and are trusted.
// `threads` >= 1 splits work over output channels; results do not depend on it.
#pragma once

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

// In place on n values.
void activate(const ActivationParams& a, float* data, size_t n);

void convolution(const Layer& l, In in, Out out, int threads);
// `scratch` holds the uncropped output; resized as needed.
void deconvolution(const Layer& l, In in, Out out, std::vector<float>& scratch, int threads);
void inner_product(const Layer& l, In in, Out out);

void prelu(const Layer& l, In in, Out out);
void pixel_shuffle(const Layer& l, In in, Out out);
void interp(const Layer& l, In in, Out out);
void binary_op(const Layer& l, In a, const In* b, Out out);
void eltwise(const Layer& l, const std::vector<In>& ins, Out out);
void concat(const Layer& l, const std::vector<In>& ins, Out out);
void crop(const Layer& l, In in, Out out);
void pooling(const Layer& l, In in, Out out);
void scale(const Layer& l, In in, const In* scale_blob, Out out);

// Runs f(i) for i in [0, n) on up to `threads` threads (the calling one included).
template <class F>
void parallel_for(int n, int threads, const F& f);

}  // namespace kizuna::nn::ref

#include "nn/ref/ref_parallel.hpp"
