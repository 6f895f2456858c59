// The in-memory network: layers in execution order, the blobs (tensors) that connect them, and
// the per-input-size plan (shapes of every blob, memory reuse) that backends execute.
//
// A Graph is immutable once built and may be shared between threads; a Plan is a plain value.
// This header is stable: fields and functions are only ever added, never renamed or removed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kizuna/error.hpp"
#include "nn/graph/layer.hpp"

namespace kizuna::nn {

// Shape of one activation: C x H x W floats, planes packed (plane stride = H * W).
struct Shape {
    int c = 0;
    int h = 0;
    int w = 0;

    size_t elements() const { return static_cast<size_t>(c) * h * w; }
    bool operator==(const Shape&) const = default;
};

struct Blob {
    std::string name;            // as in the file
    int producer = -1;           // index into Graph::layers of the layer writing it
    std::vector<int> consumers;  // indices of the layers reading it, ascending
};

struct Graph {
    // In a valid topological order: every layer's inputs are produced by an earlier layer.
    // layers[i] is executed i-th. The reader guarantees this and every invariant below.
    std::vector<Layer> layers;
    std::vector<Blob> blobs;
    int input_blob = -1;   // the output of the single Input layer
    int output_blob = -1;  // the one blob that no layer consumes (the last one if several)
    std::string source;    // where it was read from, for messages (e.g. the .param path)

    // Number of weight and bias values over all layers.
    size_t parameter_count() const;
};

// "CxHxW", for messages.
std::string shape_text(const Shape& s);

// Shapes of every blob for an input of `channels` x `height` x `width`. Fails with
// invalid_argument naming the layer (type, name, line) whose input shapes are inconsistent or
// whose output would be empty or too large (> 2^31 elements), e.g. an input too small for the
// model's crops, or a size the model cannot take (odd size into an add after a stride-2 path).
Result<std::vector<Shape>> infer_shapes(const Graph& graph, int channels, int height, int width);

// Convolution padding actually applied for a given input size (resolves PadMode::same_*).
struct Padding {
    int left = 0;
    int right = 0;
    int top = 0;
    int bottom = 0;
};
Padding resolve_padding(const ConvolutionParams& p, int in_h, int in_w);
// Pooling padding actually applied for a given input size (resolves pad_mode).
Padding resolve_pooling_padding(const PoolingParams& p, int in_h, int in_w);

// Where a Crop layer starts reading in its first input (the size is the output shape).
struct CropOffsets {
    int c = 0;
    int h = 0;
    int w = 0;
};
CropOffsets crop_offsets(const CropParams& p, const Shape& in);

// Memory plan for one input size. Every blob gets a region [offset, offset + bytes) of one
// arena of arena_bytes; two blobs share memory only if their lifetimes (from the layer that
// writes them to the last layer that reads them) do not overlap. The input blob and the output
// blob get regions too, so a backend may copy the input in and the output out of the arena.
// Split outputs alias their input (same offset): a split is a no-op for a backend that honours
// the plan. Offsets are multiples of 64 bytes.
struct Plan {
    int input_channels = 0;
    int input_height = 0;
    int input_width = 0;
    std::vector<Shape> shapes;    // per blob
    std::vector<size_t> offsets;  // per blob, in bytes
    std::vector<int> last_use;    // per blob: index of the last layer reading it (-1 if none)
    size_t arena_bytes = 0;       // bytes needed for all activations (the peak)

    size_t peak_activation_bytes() const { return arena_bytes; }
    const Shape& output_shape(const Graph& g) const { return shapes[g.output_blob]; }
};

// How a backend wants a layer's output placed (make_plan's `placement`, one per layer).
enum class Placement : uint8_t {
    own,       // its own memory (the default)
    in_place,  // the output shares its input's memory, like a split's: for a layer fused into
               // its producer (e.g. PReLU applied by the convolution before it), so the producer
               // writes the final values where the layer's readers look. Honoured only for a
               // layer with one input and one output of the same shape whose input has no other
               // reader and is neither the graph input nor a split output.
    elided,    // the layer never runs and its outputs get no memory: its readers read its inputs
               // directly (e.g. a channel concat read by convolutions that take several input
               // segments), so the inputs live as long as the outputs' readers. Ignored for the
               // layer producing the graph output.
};

// Shape inference plus liveness-based buffer planning (greedy best fit, biggest blobs first).
// placement: optional, one entry per layer (see Placement); nullptr = all own.
Result<Plan> make_plan(const Graph& graph, int channels, int height, int width,
                       const std::vector<Placement>* placement = nullptr);

// A cheap identity of a graph's content (structure, names, weight sizes and a few weight values
// per layer), so that a backend caching per graph does not mistake a different graph allocated at
// a freed graph's address for the one it prepared. O(layers), not O(weights).
uint64_t graph_fingerprint(const Graph& graph);

}  // namespace kizuna::nn
