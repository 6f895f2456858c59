// Static figures of a graph: arithmetic cost and receptive field.
#pragma once

#include <vector>

#include "nn/graph/graph.hpp"

namespace kizuna::nn {

// Floating-point operations of one run with the given blob shapes (multiply-add = 2 FLOP;
// element-wise layers 1 FLOP per output value; copies 0).
double graph_flops(const Graph& graph, const std::vector<Shape>& shapes);

// The part of graph_flops() in products with learned weights (convolutions, deconvolutions,
// inner products): what a benchmark compares with the machine's FMA peak.
double graph_weighted_flops(const Graph& graph, const std::vector<Shape>& shapes);

struct ReceptiveField {
    double radius = 0;            // input pixels on each side of an output pixel's centre
    bool global_context = false;  // a global pooling feeds the output
};

// Propagates (radius, input pixels per blob pixel) from the input to the output through every
// spatial layer: a k-tap window at dilation d adds d*(k-1)/2 blob pixels; strides, pixel
// shuffles, deconvolutions and resizes change the pixel pitch; bilinear adds 1 and bicubic 2
// source pixels. Values flowing out of global pooling are tracked as global, not spatial.
// Each layer's rule is the receptive hook of its registry entry.
ReceptiveField receptive_field(const Graph& graph);

}  // namespace kizuna::nn
